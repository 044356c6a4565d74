import pytest

from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.beneficiaries.factories import HouseholdFactory
from tests.distributions.events.helpers import invitation_with_pack
from tests.distributions.factories import EventFactory
from tests.donations.factories import DonationOfferFactory
from tests.equipment.factories import WeeeShipmentFactory

OFFER_TOKEN = "t" * 43


@pytest.fixture
def walk_objects():
    """One of everything a URL can point at: a household of structure A invited to an event with a pack, its
    donation and items, a donor's offer with a known tracking token, a WEEE shipment, a member of structure A."""
    coordinator = UserFactory(username="coord", coordination=True)
    structure = OrganisationFactory(name="CCAS de Raismes")
    member = UserFactory(username="presc-a", organisation=structure)
    household = HouseholdFactory(structure=structure, created_by=member, certified=True)
    event = EventFactory(created_by=coordinator)
    invitation = invitation_with_pack(coordinator, event=event, household=household)
    item = invitation.pack.items.order_by("pk").first()
    return {
        "coordinator": coordinator,
        "member": member,
        "organisation": structure,
        "household": household,
        "event": event,
        "invitation": invitation,
        "item": item,
        "donation": item.donation,
        "offer": DonationOfferFactory(token=OFFER_TOKEN, collected=True),
        "offer_token": OFFER_TOKEN,
        "weee_shipment": WeeeShipmentFactory(),
    }
