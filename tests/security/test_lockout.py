"""Login lockout: per account and per address, with a clear French message and coordination's unlock button."""

import datetime

import pytest
import time_machine
from django.contrib.admin.models import LogEntry
from django.test import Client
from django.urls import reverse

from security.models import LoginFailure
from tests.accounts.factories import UserFactory

PASSWORD = "motdepasse-solide-2026"
LOGIN = reverse("accounts:login")
ACCOUNT_LOCKED = "Trop de tentatives de connexion échouées pour ce compte"
ADDRESS_LOCKED = "Trop de tentatives de connexion échouées depuis ce poste"
NOON = datetime.datetime(2026, 3, 2, 12, 0, tzinfo=datetime.UTC)


def attempt(client, username, password="pas-le-bon-mot-de-passe", address="192.0.2.10"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def test_five_wrong_passwords_lock_the_account_even_for_the_right_password(client):
    UserFactory(username="smartin", prescriber=True)
    with time_machine.travel(NOON, tick=False):
        for _ in range(4):
            assert ACCOUNT_LOCKED not in attempt(client, "smartin").content.decode()
        fifth = attempt(client, "smartin")
        assert "Nom d’utilisateur ou mot de passe incorrect" in fifth.content.decode()

        refused = attempt(client, "smartin", PASSWORD)
        html = refused.content.decode()
        assert ACCOUNT_LOCKED in html and "bloqué jusqu&#x27;à 13 h 15" in html  # Paris time, 15 minutes later
        assert "_auth_user_id" not in client.session
        assert LoginFailure.objects.count() == 5  # attempts while locked are not counted


def test_the_lock_ends_by_itself_after_the_window(client):
    UserFactory(username="smartin", prescriber=True)
    with time_machine.travel(NOON, tick=False) as clock:
        for _ in range(5):
            attempt(client, "smartin")
        clock.shift(datetime.timedelta(minutes=14, seconds=59))
        assert ACCOUNT_LOCKED in attempt(client, "smartin", PASSWORD).content.decode()
        clock.shift(datetime.timedelta(seconds=2))
        assert attempt(client, "smartin", PASSWORD).status_code == 302
        assert LoginFailure.objects.count() == 0  # a successful login forgets the account's failures


def test_an_unknown_username_is_locked_the_same_way(client):
    """The answer never tells a stranger which accounts exist."""
    for _ in range(5):
        attempt(client, "personne")
    assert ACCOUNT_LOCKED in attempt(client, "personne").content.decode()


def test_the_account_lock_follows_the_account_from_any_address(client):
    UserFactory(username="smartin", prescriber=True)
    for index in range(5):
        attempt(client, "smartin", address=f"198.51.100.{index}")
    assert ACCOUNT_LOCKED in attempt(client, "smartin", PASSWORD, address="203.0.113.7").content.decode()


def test_one_address_trying_many_accounts_is_locked(client, settings):
    settings.FILIERE = {**settings.FILIERE, "LOGIN_FAILURES_PER_ADDRESS": 8}
    UserFactory(username="smartin", prescriber=True)
    for index in range(8):
        attempt(client, f"compte{index}", address="192.0.2.66")
    assert ADDRESS_LOCKED in attempt(client, "smartin", PASSWORD, address="192.0.2.66").content.decode()
    # Colleagues elsewhere are not affected.
    assert attempt(Client(), "smartin", PASSWORD, address="192.0.2.67").status_code == 302


def test_failures_are_stored_as_keyed_digests_only(client):
    attempt(client, "smartin", address="192.0.2.10")
    row = LoginFailure.objects.get()
    assert "smartin" not in row.username_digest and "192.0.2.10" not in row.address_digest
    assert len(row.username_digest) == 64


def test_the_admin_login_is_locked_too(client):
    UserFactory(username="tech", technician=True)
    for _ in range(5):
        attempt(client, "tech")
    response = client.post(
        reverse("admin:login"), {"username": "tech", "password": PASSWORD}, REMOTE_ADDR="192.0.2.10"
    )
    assert response.status_code == 200 and "_auth_user_id" not in client.session


def test_coordination_unlocks_an_account_from_the_members_page(client):
    member = UserFactory(username="smartin", prescriber=True)
    for _ in range(5):
        attempt(Client(), "smartin")
    coordinator = UserFactory(coordination=True)
    client.force_login(coordinator)
    page = client.get(reverse("structures:detail", args=[member.organisation_id])).content.decode()
    url = reverse("structures:member_unlock", args=[member.organisation_id, member.pk])
    assert url in page and "Bloqué" in page

    confirm = client.get(url).content.decode()
    assert "Débloquer le compte" in confirm
    done = client.post(url, follow=True).content.decode()
    assert "est débloqué" in done

    assert attempt(Client(), "smartin", PASSWORD).status_code == 302
    assert url not in client.get(reverse("structures:detail", args=[member.organisation_id])).content.decode()
    unlocked = LogEntry.objects.get(object_id=str(member.pk), change_message__startswith="Compte débloqué")
    assert unlocked.user == coordinator and "tentatives refusées oubliées : 5" in unlocked.change_message


def test_unlocking_an_account_that_is_not_locked_says_so(client):
    member = UserFactory(prescriber=True)
    client.force_login(UserFactory(coordination=True))
    url = reverse("structures:member_unlock", args=[member.organisation_id, member.pk])
    assert "n&#x27;était pas bloqué" in client.post(url, follow=True).content.decode()


@pytest.mark.parametrize("role", ["technician", "prescriber", "partner"])
def test_only_coordination_may_unlock(client, role):
    member = UserFactory(prescriber=True)
    for _ in range(5):
        attempt(Client(), member.username)
    client.force_login(UserFactory(**{role: True}))
    response = client.post(reverse("structures:member_unlock", args=[member.organisation_id, member.pk]))
    assert response.status_code == 403
    assert LoginFailure.objects.count() == 5
