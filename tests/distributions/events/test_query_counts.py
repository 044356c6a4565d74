"""Query budget of the event pages: the same number of queries for a small event as for a large one (households
invited, packs, items handed over), and at most QUERY_LIMIT, so that a page costs the same at 500 events and 200
households as on the first day."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from distributions.events.services import invitation_check_in
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.beneficiaries.factories import HouseholdFactory
from tests.distributions.events.helpers import hand_over, invitation_with_pack
from tests.distributions.factories import EventFactory, InvitationFactory

QUERY_LIMIT = 10


def _queries(client, url, **params) -> int:
    client.get(url, params)  # warm the per-process caches (content types, the session's first save)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(captured)


def _event(coordinator, structure, *, handed_over=0, checked_in=0, with_pack=0, without_pack=0):
    """An event whose households are at every step of the day: handed over, checked in, waiting with or without
    a pack."""
    event = EventFactory(created_by=coordinator)  # today: the day's steps are recorded on the event's day
    for _ in range(handed_over):
        hand_over(invitation_with_pack(coordinator, event=event, household__structure=structure), coordinator)
    for _ in range(checked_in):
        invitation = invitation_with_pack(coordinator, event=event, household__structure=structure)
        invitation_check_in(invitation=invitation, status="present", by=coordinator)
    for _ in range(with_pack):
        invitation_with_pack(coordinator, event=event, household__structure=structure)
    InvitationFactory.create_batch(without_pack, event=event, household__structure=structure)
    return event


@pytest.fixture
def events():
    coordinator = UserFactory(coordination=True)
    structure = OrganisationFactory()
    small = _event(coordinator, structure, with_pack=1)
    large = _event(coordinator, structure, handed_over=4, checked_in=3, with_pack=4, without_pack=4)
    return {"coordinator": coordinator, "structure": structure, "small": small, "large": large}


EVENT_PAGES = ["detail", "day", "allocate", "invite"]


@pytest.mark.parametrize("page", EVENT_PAGES, ids=["fiche", "accueil-du-jour", "attribution", "invitations"])
def test_an_event_page_costs_the_same_queries_for_1_or_15_households(client, events, page):
    HouseholdFactory.create_batch(15, structure=events["structure"], certified=True)  # a waiting list to invite
    client.force_login(events["coordinator"])

    small = _queries(client, reverse(f"distributions:{page}", args=[events["small"].pk]))
    large = _queries(client, reverse(f"distributions:{page}", args=[events["large"].pk]))

    assert small == large, f"{page} : {small} requêtes pour 1 foyer, {large} pour 15"
    assert large <= QUERY_LIMIT, f"{page} : {large} requêtes (au plus {QUERY_LIMIT})"


def test_the_prescribers_event_list_costs_the_same_queries_for_1_or_many_invitations(client, events):
    prescriber = UserFactory(organisation=events["structure"])
    client.force_login(prescriber)
    few = _queries(client, reverse("distributions:list"))

    for _ in range(5):
        _event(events["coordinator"], events["structure"], with_pack=1, without_pack=2)
    many = _queries(client, reverse("distributions:list"))

    assert few == many
    assert many <= QUERY_LIMIT


def test_the_coordinations_event_list_costs_the_same_queries_for_2_or_120_events(client, events):
    client.force_login(events["coordinator"])
    few = _queries(client, reverse("distributions:list"))

    EventFactory.create_batch(118, created_by=events["coordinator"])
    first_page = _queries(client, reverse("distributions:list"))
    last_page = _queries(client, reverse("distributions:list"), page=3)

    assert few == first_page == last_page
    assert first_page <= QUERY_LIMIT
