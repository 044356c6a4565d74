"""Two coordinators at once, for real: two threads, two database connections, a barrier, on PostgreSQL."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse

from distributions.events.models import Invitation
from distributions.events.services import (
    event_allocate_packs,
    households_invite,
    invitation_allocate_pack,
    invitation_check_in,
    invitation_hand_over,
)
from distributions.packs.enums import PackStatus
from distributions.packs.models import Pack
from distributions.packs.services import pack_dissolve
from equipment.enums import ItemStatus
from equipment.models import StatusChange
from tests.accounts.factories import UserFactory
from tests.beneficiaries.factories import HouseholdFactory
from tests.distributions.events.helpers import complete_pack, invitation_with_pack
from tests.distributions.factories import EventFactory, InvitationFactory

ROUNDS = 20

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(*calls):
    """Run the calls in parallel threads released together; return what each returned or the error it raised."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            connection.ensure_connection()  # connect first, so that the threads meet at the locks
            barrier.wait(timeout=10)
            results[index] = call()
        except Exception as error:  # noqa: BLE001 — the test inspects whatever happened
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def _check_one_winner(pack, results):
    winners = [result for result in results if isinstance(result, Invitation)]
    losers = [result for result in results if isinstance(result, ValidationError)]
    assert len(winners) == 1, results
    assert len(losers) == 1, results
    assert losers[0].messages == [
        f"Le pack {pack.reference} vient d'être attribué à un autre foyer : choisissez-en un autre."
    ]
    assert Invitation.objects.filter(pack=pack).count() == 1
    pack.refresh_from_db()
    assert pack.status == PackStatus.ALLOCATED
    assert set(pack.items.values_list("status", flat=True)) == {ItemStatus.RESERVED}
    # Each item was reserved once, not twice.
    assert StatusChange.objects.filter(item__packs=pack, to_status=ItemStatus.RESERVED).count() == 5


def test_two_coordinators_racing_for_one_pack_never_both_get_it():
    first, second = UserFactory(coordination=True), UserFactory(coordination=True)
    same_event = EventFactory()
    for round_number in range(ROUNDS):
        pack = complete_pack()
        # Half the rounds within one event, half across two events (then only the pack lock stands between them).
        events = (same_event, same_event) if round_number % 2 else (same_event, EventFactory())
        a, b = InvitationFactory(event=events[0]), InvitationFactory(event=events[1])

        results = _race(
            lambda a=a, pack=pack: invitation_allocate_pack(invitation=a, pack=pack, by=first),
            lambda b=b, pack=pack: invitation_allocate_pack(invitation=b, pack=pack, by=second),
        )

        _check_one_winner(pack, results)


def test_racing_through_the_pages_never_gives_a_500_nor_one_pack_twice():
    first, second = UserFactory(coordination=True), UserFactory(coordination=True)
    event = EventFactory()
    for _ in range(ROUNDS // 2):
        pack = complete_pack()
        a, b = InvitationFactory(event=event), InvitationFactory(event=event)
        clients = []
        for user in (first, second):
            client = Client()
            client.force_login(user)
            clients.append(client)

        def post(client, invitation, pack=pack):
            url = reverse("distributions:invitation_allocate", args=[event.pk, invitation.pk])
            return client.post(url, {"pack": pack.pk}, follow=True)

        responses = _race(
            lambda clients=clients, a=a: post(clients[0], a), lambda clients=clients, b=b: post(clients[1], b)
        )

        assert [response.status_code for response in responses] == [200, 200], responses
        pages = [response.content.decode() for response in responses]
        assert sum(f"Pack {pack.reference} attribué à" in page for page in pages) == 1
        assert sum("vient d&#x27;être attribué à un autre foyer" in page for page in pages) == 1
        assert Invitation.objects.filter(pack=pack).count() == 1


def test_two_automatic_allocations_share_the_packs_without_giving_one_twice():
    first, second = UserFactory(coordination=True), UserFactory(coordination=True)
    for _ in range(ROUNDS // 2):
        packs = [complete_pack(), complete_pack(), complete_pack()]
        events = [EventFactory(), EventFactory()]
        for event in events:
            InvitationFactory.create_batch(2, event=event)

        results = _race(
            lambda events=events: event_allocate_packs(event=events[0], by=first),
            lambda events=events: event_allocate_packs(event=events[1], by=second),
        )

        assert not [result for result in results if isinstance(result, Exception)], results
        assert sum(len(result.allocated) for result in results) == 3
        given = list(Invitation.objects.filter(pack__in=packs).values_list("pack_id", flat=True))
        assert sorted(given) == sorted(pack.pk for pack in packs)
        for pack in Pack.objects.filter(status=PackStatus.COMPLETE):
            pack_dissolve(pack=pack)  # no leftover of this round feeds the next one


def test_a_double_submitted_handover_is_recorded_once():
    coordinator = UserFactory(coordination=True)
    for _ in range(ROUNDS // 2):
        invitation = invitation_with_pack(coordinator)
        invitation_check_in(invitation=invitation, status="present", by=coordinator)

        results = _race(
            lambda i=invitation: invitation_hand_over(invitation=i, by=coordinator, payment_means="free"),
            lambda i=invitation: invitation_hand_over(invitation=i, by=coordinator, payment_means="free"),
        )

        assert sorted(result.already_recorded for result in results) == [False, True], results
        distributed = StatusChange.objects.filter(item__packs=invitation.pack, to_status=ItemStatus.DISTRIBUTED)
        assert distributed.count() == 5


def test_two_coordinators_inviting_for_the_last_place_never_overfill_the_event():
    first, second = UserFactory(coordination=True), UserFactory(coordination=True)
    for _ in range(ROUNDS // 2):
        event = EventFactory(capacity=1)
        a, b = HouseholdFactory(certified=True), HouseholdFactory(certified=True)

        results = _race(
            lambda event=event, a=a: households_invite(event=event, households=[a], by=first),
            lambda event=event, b=b: households_invite(event=event, households=[b], by=second),
        )

        refused = [result for result in results if isinstance(result, ValidationError)]
        assert len(refused) == 1, results
        assert refused[0].messages == ["Il reste 0 place sur 1 : vous avez coché 1 foyer."]
        assert event.invitations.count() == 1
