"""reports.equipped counts « foyers équipés » in one query: the same households and criteria as reports.stats."""

import datetime

import pytest

from beneficiaries.enums import EligibilityCriterion
from distributions.events.enums import InvitationStatus
from distributions.events.models import Invitation
from reports.equipped import equipped_in
from reports.stats import (
    equipped_by_commune,
    equipped_by_structure,
    equipped_criteria,
    households_equipped_count,
)
from tests.accounts.factories import OrganisationFactory
from tests.beneficiaries.factories import CertificationFactory, HouseholdFactory
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
    return {"ccas": ccas, "mission": mission}


@pytest.mark.parametrize("who", ["programme", "ccas", "mission", "unknown structure"])
def test_equipped_households_are_those_of_beneficiaries_stats(programme, who):
    structure_id = {"programme": None, "unknown structure": 999_999, **{k: v.pk for k, v in programme.items()}}[who]

    equipped = equipped_in(YEAR, structure_id)

    assert equipped.total == households_equipped_count(YEAR, structure_id)
    assert equipped.by_commune == equipped_by_commune(YEAR, structure_id)
    assert equipped.by_structure == equipped_by_structure(YEAR, structure_id)
    assert equipped.criteria == equipped_criteria(YEAR, structure_id)


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
