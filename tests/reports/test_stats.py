"""« Foyers équipés en YYYY »: households handed a pack during that year, each counted once per year."""

import datetime

from distributions.events.enums import InvitationStatus
from distributions.events.models import Invitation
from reports.selectors import bilan_for_year
from reports.stats import equipped_by_commune, households_equipped_count
from tests.accounts.factories import UserFactory
from tests.beneficiaries.factories import HouseholdFactory
from tests.distributions.events.helpers import hand_over, invitation_with_pack
from tests.distributions.factories import EventFactory, PackFactory


def handed_over_at(household, day: datetime.date) -> Invitation:
    """A past event where the household received a pack (as the handover service leaves it)."""
    event = EventFactory(date=day, status="done")
    moment = datetime.datetime.combine(day, datetime.time(16, 30), tzinfo=datetime.UTC)
    return Invitation.objects.create(
        event=event,
        household=household,
        invited_by=event.created_by,
        status=InvitationStatus.HANDED_OVER,
        pack=PackFactory(),
        checked_in_at=moment,
        handed_over_at=moment,
        payment_means="free",
    )


def test_a_household_handed_a_pack_at_an_event_counts_in_the_event_year():
    coordinator = UserFactory(coordination=True)
    invitation = hand_over(invitation_with_pack(coordinator), coordinator)
    year = invitation.event.date.year

    assert households_equipped_count(year) == 1
    assert bilan_for_year(year)["households_equipped"] == 1
    assert households_equipped_count(year - 1) == 0


def test_a_household_equipped_twice_counts_in_each_year_and_once_per_year():
    household = HouseholdFactory(equipped_on=datetime.date(2028, 2, 1))  # its last pack
    handed_over_at(household, datetime.date(2025, 3, 15))
    handed_over_at(household, datetime.date(2025, 9, 20))

    assert households_equipped_count(2025) == 1
    assert households_equipped_count(2028) == 1
    assert households_equipped_count(2026) == 0


def test_registered_invited_or_absent_households_are_not_equipped():
    HouseholdFactory(certified=True)
    invited = HouseholdFactory(certified=True)
    Invitation.objects.create(
        event=EventFactory(date=datetime.date(2025, 5, 1)), household=invited, invited_by=UserFactory()
    )

    assert households_equipped_count(2025) == 0


def test_counts_by_commune_and_structure_follow_the_year():
    household = HouseholdFactory(equipped_on=datetime.date(2025, 12, 31))
    HouseholdFactory(equipped_on=datetime.date(2026, 1, 1))

    assert equipped_by_commune(2025) == [(household.commune_id, household.commune.name, 1)]
    assert households_equipped_count(2025, structure_id=household.structure_id) == 1
    assert households_equipped_count(2025, structure_id=household.structure_id + 1000) == 0
