"""« Foyers équipés en YYYY » (reports.equipped): households handed a pack during that year, counted once a year,
with the criteria of their latest certification of the year; one query, the same on PostgreSQL and SQLite."""

import datetime

import pytest

from beneficiaries.enums import EligibilityCriterion
from distributions.events.enums import InvitationStatus
from distributions.events.models import Invitation
from reports.equipped import equipped_in
from reports.selectors import bilan_for_year
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.beneficiaries.factories import CertificationFactory, HouseholdFactory
from tests.distributions.events.helpers import hand_over, invitation_with_pack
from tests.distributions.factories import EventFactory, PackFactory
from tests.territory.factories import CommuneFactory

YEAR = 2025


def at_event(household, day: datetime.date, status=InvitationStatus.HANDED_OVER) -> Invitation:
    """The household's invitation to a past event, as the handover service leaves it when handed over."""
    event = EventFactory(date=day, status="done")
    handover = {}
    if status == InvitationStatus.HANDED_OVER:
        moment = datetime.datetime.combine(day, datetime.time(16, 30), tzinfo=datetime.UTC)
        handover = {"pack": PackFactory(), "checked_in_at": moment, "handed_over_at": moment, "payment_means": "free"}
    return Invitation.objects.create(
        event=event, household=household, invited_by=event.created_by, status=status, **handover
    )


def certify(household, day: datetime.date, **criteria):
    criteria = {"rsa": False, **criteria}
    return CertificationFactory(
        household=household, certified_on=day, expires_on=day + datetime.timedelta(days=182), **criteria
    )


@pytest.fixture
def programme():
    """Households equipped every way the definition allows, and some that are not equipped in YEAR."""
    raismes, denain = CommuneFactory(), CommuneFactory(denain=True)
    ccas, mission = OrganisationFactory(name="CCAS de Raismes"), OrganisationFactory(name="Mission locale")

    # equipped_on in the year, no event (handover recorded without an event)
    by_day = HouseholdFactory(commune=raismes, structure=ccas, equipped_on=datetime.date(YEAR, 1, 1))
    certify(by_day, datetime.date(YEAR - 1, 3, 1), aah=True)
    certify(by_day, datetime.date(YEAR, 12, 31), ass=True)  # latest by the end of the year
    certify(by_day, datetime.date(YEAR + 1, 1, 1), senior=True)  # made after the year: not its criteria
    # handed over at an event of the year; equipped again later (its equipped_on is in another year)
    at_event_only = HouseholdFactory(commune=denain, structure=ccas, equipped_on=datetime.date(YEAR + 2, 5, 1))
    at_event(at_event_only, datetime.date(YEAR, 12, 31))
    certify(at_event_only, datetime.date(YEAR, 2, 1), rsa=True, single_parent=True)
    # both ways, twice at events: counted once
    both = HouseholdFactory(commune=denain, structure=mission, equipped_on=datetime.date(YEAR, 9, 20))
    at_event(both, datetime.date(YEAR, 3, 15))
    at_event(both, datetime.date(YEAR, 9, 20))
    first = certify(both, datetime.date(YEAR, 1, 10), ccas=True)
    second = certify(both, datetime.date(YEAR, 1, 10), qpv_zrr=True)  # same day: the later one is the latest
    assert second.pk > first.pk
    # equipped in the year but never certified: counted, holds no criterion
    HouseholdFactory(commune=raismes, structure=mission, equipped_on=datetime.date(YEAR, 6, 1))
    # not equipped in YEAR: handed over the year before, invited or absent this year, equipped the next year
    at_event(HouseholdFactory(commune=raismes, structure=ccas), datetime.date(YEAR - 1, 12, 31))
    at_event(HouseholdFactory(commune=raismes, structure=ccas), datetime.date(YEAR, 5, 1), InvitationStatus.INVITED)
    at_event(HouseholdFactory(commune=raismes, structure=ccas), datetime.date(YEAR, 5, 1), InvitationStatus.ABSENT)
    HouseholdFactory(commune=denain, structure=ccas, equipped_on=datetime.date(YEAR + 1, 1, 1))
    return {"ccas": ccas, "mission": mission, "raismes": raismes, "denain": denain}


def _held(equipped) -> dict:
    return {criterion: count for criterion, count in equipped.criteria.items() if count}


@pytest.mark.parametrize(
    ("who", "total", "by_commune", "by_structure", "held"),
    [
        (
            "programme",
            4,
            [("denain", 2), ("raismes", 2)],
            [("ccas", 2), ("mission", 2)],
            {"ass": 1, "rsa": 1, "single_parent": 1, "qpv_zrr": 1},
        ),
        ("ccas", 2, [("denain", 1), ("raismes", 1)], [("ccas", 2)], {"ass": 1, "rsa": 1, "single_parent": 1}),
        ("mission", 2, [("denain", 1), ("raismes", 1)], [("mission", 2)], {"qpv_zrr": 1}),
        ("unknown structure", 0, [], [], {}),
    ],
)
def test_equipped_households_of_the_programme_and_of_each_structure(
    programme, who, total, by_commune, by_structure, held
):
    structure_id = None if who == "programme" else 999_999 if who == "unknown structure" else programme[who].pk

    equipped = equipped_in(YEAR, structure_id)

    def named(key):
        return (programme[key].pk, programme[key].name)

    assert equipped.total == total
    assert equipped.by_commune == [(*named(key), count) for key, count in by_commune]
    assert equipped.by_structure == [(*named(key), count) for key, count in by_structure]
    assert _held(equipped) == held


def test_each_household_counts_once_with_the_criteria_of_its_latest_certification_of_the_year(programme):
    equipped = equipped_in(YEAR)

    assert equipped.total == 4
    by_structure = [(name, count) for _pk, name, count in equipped.by_structure]
    assert by_structure == [("CCAS de Raismes", 2), ("Mission locale", 2)]
    held = {criterion: count for criterion, count in equipped.criteria.items() if count}
    assert held == {
        EligibilityCriterion.ASS: 1,  # not AAH (older) nor senior (made the next year)
        EligibilityCriterion.RSA: 1,
        EligibilityCriterion.SINGLE_PARENT: 1,
        EligibilityCriterion.QPV_ZRR: 1,  # not CCAS: same day, made before
    }


def test_a_year_without_equipped_households_counts_nothing(programme):
    equipped = equipped_in(YEAR - 5)

    assert (equipped.total, equipped.by_commune, equipped.by_structure) == (0, [], [])
    assert set(equipped.criteria.values()) == {0}


def test_names_come_in_the_databases_order_with_equal_names_by_id():
    """The small-count rule hides cells in this order: it is the database's (its collation), ties by id."""
    structures = [OrganisationFactory(name=name) for name in ("Épinay", "CCAS b", "ccas a")]
    twins = [CommuneFactory(name="Saint-Amand", insee_code=code) for code in ("99001", "99002")]
    for structure in structures:
        for commune in twins:
            HouseholdFactory(commune=commune, structure=structure, equipped_on=datetime.date(YEAR, 4, 1))

    equipped = equipped_in(YEAR)

    assert [commune_id for commune_id, _name, _count in equipped.by_commune] == [twins[0].pk, twins[1].pk]
    database_order = list(
        type(structures[0])
        .objects.filter(pk__in=[s.pk for s in structures])
        .order_by("name", "pk")
        .values_list("name", flat=True)
    )
    assert [name for _pk, name, _count in equipped.by_structure] == database_order
    assert [count for *_, count in equipped.by_structure] == [2, 2, 2]


# --- Every way a household is equipped ----------------------------------------------------------------------------


def test_a_household_handed_a_pack_at_an_event_counts_in_the_event_year():
    coordinator = UserFactory(coordination=True)
    invitation = hand_over(invitation_with_pack(coordinator), coordinator)
    year = invitation.event.date.year

    assert equipped_in(year).total == 1
    assert bilan_for_year(year)["households_equipped"] == 1
    assert equipped_in(year - 1).total == 0


def test_a_household_equipped_twice_counts_in_each_year_and_once_per_year():
    household = HouseholdFactory(equipped_on=datetime.date(2028, 2, 1))  # its last pack
    at_event(household, datetime.date(2025, 3, 15))
    at_event(household, datetime.date(2025, 9, 20))

    assert equipped_in(2025).total == 1
    assert equipped_in(2028).total == 1
    assert equipped_in(2026).total == 0


def test_registered_invited_or_absent_households_are_not_equipped():
    HouseholdFactory(certified=True)
    invited = HouseholdFactory(certified=True)
    Invitation.objects.create(
        event=EventFactory(date=datetime.date(2025, 5, 1)), household=invited, invited_by=UserFactory()
    )

    assert equipped_in(2025).total == 0


def test_counts_by_commune_and_structure_follow_the_year():
    household = HouseholdFactory(equipped_on=datetime.date(2025, 12, 31))
    HouseholdFactory(equipped_on=datetime.date(2026, 1, 1))

    assert equipped_in(2025).by_commune == [(household.commune_id, household.commune.name, 1)]
    assert equipped_in(2025, structure_id=household.structure_id).total == 1
    assert equipped_in(2025, structure_id=household.structure_id + 1000).total == 0
