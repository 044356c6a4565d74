"""Sessions on shared office PCs: a new key at login, ended by a password change or a deactivation, and an idle
timeout of 30 minutes (SESSION_COOKIE_AGE, refreshed at most once a minute)."""

import datetime

import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import services
from tests.accounts.factories import UserFactory
from tests.two_factor import second_factor_login

PASSWORD = "motdepasse-solide-2026"
PRIVATE = reverse("accounts:password_change")


def is_logged_in(client) -> bool:
    return client.get(PRIVATE).status_code == 200


def test_logging_in_gives_a_new_session_key(client):
    member = UserFactory(username="smartin", prescriber=True)
    client.get(reverse("donations:offer_create"))
    client.session.save()  # an anonymous session exists before logging in (fixation attempt)
    before = client.session.session_key
    client.post(reverse("accounts:login"), {"username": "smartin", "password": PASSWORD})
    after = client.session.session_key
    assert before and after and before != after
    second_factor_login(client, member)  # the code typed after the password (tests/two_factor.py)
    assert is_logged_in(client)


def test_changing_the_password_ends_the_other_open_sessions(client):
    member = UserFactory(username="smartin", prescriber=True)
    office, home = Client(), Client()
    office.login(username="smartin", password=PASSWORD)
    home.login(username="smartin", password=PASSWORD)
    new_password = "Nouvelle-phrase-2026!"
    response = office.post(
        PRIVATE, {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password}
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert is_logged_in(office)  # the person who changed it stays in
    assert not is_logged_in(home)


def test_deactivating_an_account_ends_its_open_session(client):
    member = UserFactory(prescriber=True)
    client.force_login(member)
    services.member_deactivate(member=member)
    assert not is_logged_in(client)


def _signed_in(user) -> Client:
    """A browser signed in as `user`, second factor passed where it is needed."""
    browser = Client()
    browser.force_login(user)
    assert is_logged_in(browser)
    return browser


def test_deactivating_an_account_deletes_its_sessions_and_reactivating_does_not_revive_them(client):
    coordinator = UserFactory(coordination=True)
    member = UserFactory(coordination=True, organisation=coordinator.organisation)  # with its second factor
    other = UserFactory(prescriber=True)
    office, home, neighbour = _signed_in(member), _signed_in(member), _signed_in(other)
    client.force_login(coordinator)

    response = client.post(
        reverse("structures:member_deactivate", args=[member.organisation_id, member.pk]), {"confirm": "1"}
    )
    assert response.status_code == 302
    assert not Session.objects.filter(session_key__in=[office.session.session_key, home.session.session_key])

    client.post(reverse("structures:member_reactivate", args=[member.organisation_id, member.pk]), {"confirm": "1"})
    member.refresh_from_db()
    assert member.is_active
    assert not is_logged_in(office) and not is_logged_in(home)
    assert is_logged_in(neighbour)  # someone else's session is untouched


def test_deactivating_an_organisation_deletes_its_members_sessions_and_reactivating_does_not_revive_them(client):
    coordinator = UserFactory(coordination=True)
    first = UserFactory(prescriber=True)
    second = UserFactory(organisation=first.organisation)
    elsewhere = UserFactory(prescriber=True)
    browsers = [_signed_in(first), _signed_in(second)]
    neighbour = _signed_in(elsewhere)
    client.force_login(coordinator)
    organisation = first.organisation

    client.post(reverse("structures:deactivate", args=[organisation.pk]), {"confirm": "1"})
    organisation.refresh_from_db()
    assert not organisation.is_active
    assert Session.objects.count() == 2  # the coordinator's and the neighbour's

    client.post(reverse("structures:reactivate", args=[organisation.pk]), {"confirm": "1"})
    organisation.refresh_from_db()
    assert organisation.is_active
    assert not any(is_logged_in(browser) for browser in browsers)
    assert is_logged_in(neighbour)


def test_the_service_ends_the_sessions_whatever_calls_it():
    member = UserFactory(prescriber=True)
    browser = _signed_in(member)
    services.organisation_deactivate(organisation=member.organisation)
    services.organisation_reactivate(organisation=member.organisation)
    assert not is_logged_in(browser)


def test_the_session_cookie_is_short_lived_httponly_and_ends_with_the_browser():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert settings.SESSION_COOKIE_HTTPONLY


def test_thirty_idle_minutes_end_the_session_but_activity_keeps_it(client):
    client.force_login(UserFactory(prescriber=True))
    with time_machine.travel(datetime.datetime.now(datetime.UTC), tick=False) as clock:
        client.get(PRIVATE)
        for _ in range(4):  # an hour of work, a page every 20 minutes
            clock.shift(datetime.timedelta(minutes=20))
            assert is_logged_in(client)
        clock.shift(datetime.timedelta(minutes=30, seconds=1))
        response = client.get(PRIVATE)
        assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_pages_seen_within_a_minute_do_not_rewrite_the_session(client, django_assert_num_queries):
    client.force_login(UserFactory(prescriber=True))
    with time_machine.travel(datetime.datetime.now(datetime.UTC), tick=False) as clock:
        client.get(PRIVATE)  # refreshes the expiry: the session was just created
        with CaptureQueriesContext(connection) as within_a_minute:
            client.get(PRIVATE)
        clock.shift(datetime.timedelta(seconds=61))
        with CaptureQueriesContext(connection) as a_minute_later:
            client.get(PRIVATE)
    assert not any("django_session" in q["sql"] and q["sql"].startswith("UPDATE") for q in within_a_minute)
    assert any("django_session" in q["sql"] and q["sql"].startswith("UPDATE") for q in a_minute_later)


def test_a_stale_session_cookie_does_not_create_a_session(client):
    client.cookies[settings.SESSION_COOKIE_NAME] = "x" * 32
    client.get(reverse("home"))
    assert not Session.objects.exists()


def test_idle_expiry_is_refreshed_by_activity_within_a_minute_of_the_last_page(client):
    client.force_login(UserFactory(prescriber=True))
    with time_machine.travel(datetime.datetime.now(datetime.UTC), tick=False) as clock:
        for _ in range(40):  # forty minutes of a page every minute
            clock.shift(datetime.timedelta(seconds=60))
            assert is_logged_in(client)
        clock.shift(datetime.timedelta(minutes=29))
        assert is_logged_in(client)
