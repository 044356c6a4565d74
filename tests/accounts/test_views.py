"""Changing one's password: wrong current passwords are counted and locked exactly as refused logins are, on the
site's page and through the admin's (which leads to it)."""

import datetime

import time_machine
from django.test import Client
from django.urls import reverse

from security.models import LoginFailure
from tests.accounts.factories import UserFactory

PASSWORD = "motdepasse-solide-2026"
NEW_PASSWORD = "Une-autre-phrase-2026!"
CHANGE = reverse("accounts:password_change")
LOGIN = reverse("accounts:login")
ACCOUNT_LOCKED = "Trop de tentatives de connexion échouées pour ce compte"
ADDRESS_LOCKED = "Trop de tentatives de connexion échouées depuis ce poste"
NOON = datetime.datetime(2026, 3, 2, 12, 0, tzinfo=datetime.UTC)


def change(client, old, address="192.0.2.10", url=CHANGE):
    data = {"old_password": old, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    return client.post(url, data, REMOTE_ADDR=address)


def test_five_wrong_current_passwords_lock_the_account_even_for_the_right_one(client):
    member = UserFactory(username="smartin", prescriber=True)
    with time_machine.travel(NOON, tick=False):
        client.force_login(member)
        for _ in range(5):
            html = change(client, "pas-le-bon").content.decode()
            assert "Votre mot de passe actuel est incorrect" in html and ACCOUNT_LOCKED not in html

        refused = change(client, PASSWORD).content.decode()
        assert ACCOUNT_LOCKED in refused and "bloqué jusqu&#x27;à 13 h 15" in refused  # Paris time
        member.refresh_from_db()
        assert member.check_password(PASSWORD)
        assert LoginFailure.objects.count() == 5  # attempts while locked are not counted
        # The same lock as the login's: the account cannot log in anywhere either.
        login = Client().post(LOGIN, {"username": "smartin", "password": PASSWORD}, REMOTE_ADDR="203.0.113.7")
        assert ACCOUNT_LOCKED in login.content.decode()


def test_refused_logins_and_wrong_current_passwords_add_up(client):
    member = UserFactory(username="smartin", prescriber=True)
    for _ in range(3):
        Client().post(LOGIN, {"username": "smartin", "password": "non"}, REMOTE_ADDR="198.51.100.1")
    client.force_login(member)
    change(client, "toujours-pas")
    change(client, "encore-faux")
    assert ACCOUNT_LOCKED in change(client, PASSWORD).content.decode()


def test_the_lock_ends_after_the_window_and_the_right_password_then_works(client):
    member = UserFactory(username="smartin", prescriber=True)
    with time_machine.travel(NOON, tick=False) as clock:
        client.force_login(member)
        for _ in range(5):
            change(client, "pas-le-bon")
        clock.shift(datetime.timedelta(minutes=15, seconds=1))
        response = change(client, PASSWORD)
        assert response.status_code == 302
    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD)
    assert not LoginFailure.objects.exists()  # the right password forgets the account's failures


def test_an_address_locked_by_logins_cannot_try_current_passwords_either(client, settings):
    settings.FILIERE = {**settings.FILIERE, "LOGIN_FAILURES_PER_ADDRESS": 3}
    for index in range(3):
        Client().post(LOGIN, {"username": f"compte{index}", "password": "non"}, REMOTE_ADDR="192.0.2.66")
    client.force_login(UserFactory(prescriber=True))
    assert ADDRESS_LOCKED in change(client, PASSWORD, address="192.0.2.66").content.decode()
    assert change(client, PASSWORD, address="192.0.2.67").status_code == 302


def test_the_admin_password_page_leads_to_the_counted_one_and_changes_nothing(client):
    technician = UserFactory(username="tech", technician=True)
    client.force_login(technician)
    admin_page = reverse("admin:password_change")

    assert client.get(admin_page).url == CHANGE
    for _ in range(10):
        response = change(client, "pas-le-bon", url=admin_page)
        assert response.status_code == 302 and response.url == CHANGE
    response = change(client, PASSWORD, url=admin_page)
    assert response.status_code == 302 and response.url == CHANGE
    technician.refresh_from_db()
    assert technician.check_password(PASSWORD)
    # On the page it leads to, the admin account is counted like anyone.
    for _ in range(5):
        change(client, "pas-le-bon")
    assert ACCOUNT_LOCKED in change(client, PASSWORD).content.decode()
