"""Two-factor authentication: who must use it, enrolment, the login's second step, backup codes, reset."""

import re

import pytest
import time_machine
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.accounts.factories import UserFactory
from tests.security.factories import TOTPDeviceFactory
from tests.two_factor import totp_code

pytestmark = pytest.mark.second_factor_manual

PASSWORD = "motdepasse-solide-2026"
SETUP = reverse("security:two_factor")
VERIFY = reverse("security:two_factor_verify")


def login(client, user):
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()
    return response


@pytest.mark.parametrize(
    ("traits", "required"),
    [
        ({"coordination": True}, True),
        ({"technician": True}, True),
        ({"prescriber": True}, True),
        ({"partner": True}, True),
        ({"prescriber": True, "is_superuser": True, "is_staff": True}, True),
    ],
    ids=["coordination", "technicien", "prescripteur", "partenaire", "superutilisateur"],
)
def test_who_must_pass_a_second_factor(client, traits, required):
    user = UserFactory(**traits)
    login(client, user)
    response = client.get(reverse("home"))
    assert (response.status_code == 302 and response.url.startswith(SETUP)) is required
    if not required:
        assert response.status_code == 200


def test_enrolment_shows_a_qr_code_and_the_manual_key_then_backup_codes(client):
    user = UserFactory(coordination=True)
    login(client, user)

    page = client.get(client.get(reverse("beneficiaries:list")).url)
    html = page.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert "<svg" in html and "Code QR à scanner" in html
    manual_key = re.search(r'<code class="fs-5" id="manual-key">([A-Z2-7 ]+)</code>', html).group(1)
    assert len(manual_key.replace(" ", "")) == 32

    wrong = client.post(SETUP, {"token": "000000", "next": "/foyers/"})
    assert "Code incorrect" in wrong.content.decode()
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed

    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)  # as if a few seconds passed
    done = client.post(SETUP, {"token": totp_code(device), "next": "/foyers/"})
    codes = re.findall(r"<li>(\w{8})</li>", done.content.decode())
    assert len(codes) == 10
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert 'href="/foyers/"' in done.content.decode()
    assert client.get(reverse("beneficiaries:list")).status_code == 200


def test_the_enrolment_page_shows_the_same_key_until_confirmed(client):
    user = UserFactory(coordination=True)
    login(client, user)
    first = client.get(SETUP).content.decode()
    second = client.get(SETUP).content.decode()
    key = re.compile(r'id="manual-key">([^<]+)<')
    assert key.search(first).group(1) == key.search(second).group(1)
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_login_asks_for_the_code_before_any_page_admin_included(client):
    user = UserFactory(coordination=True)
    device = TOTPDeviceFactory(user=user)
    login(client, user)

    for path in ["/foyers/", "/admin/", "/structures/", reverse("accounts:password_change")]:
        response = client.get(path)
        assert response.status_code == 302
        assert response.url == f"{VERIFY}?next={path.replace('/', '%2F')}"

    with time_machine.travel("2026-03-02 09:00:00 +0100", tick=False) as clock:
        wrong = client.post(VERIFY, {"token": "123456", "next": "/admin/"})
        assert "Code incorrect" in wrong.content.decode()
        assert client.get("/admin/").status_code == 302

        clock.shift(2)  # a person takes a moment to read the next code
        right = client.post(VERIFY, {"token": totp_code(device), "next": "/admin/"})
        assert right.status_code == 302 and right.url == "/admin/"
        assert client.get("/admin/").status_code == 200


def test_the_verification_page_never_redirects_elsewhere(client):
    user = UserFactory(coordination=True)
    device = TOTPDeviceFactory(user=user)
    login(client, user)
    response = client.post(VERIFY, {"token": totp_code(device), "next": "https://example.com/piege"})
    assert response.url == reverse("accounts:landing")


def test_a_backup_code_works_once(client):
    user = UserFactory(technician=True)
    TOTPDeviceFactory(user=user)
    from security.two_factor import backup_codes_regenerate

    code = backup_codes_regenerate(user=user)[0]
    login(client, user)
    assert client.post(VERIFY, {"token": code}).status_code == 302
    assert client.get("/admin/").status_code == 200
    assert not StaticToken.objects.filter(token=code).exists()

    client.post(reverse("accounts:logout"))
    login(client, user)
    again = client.post(VERIFY, {"token": code})
    assert again.status_code == 200 and "Code incorrect ou déjà utilisé" in again.content.decode()


def test_repeated_wrong_codes_are_throttled_with_a_clear_message(client):
    user = UserFactory(coordination=True)
    device = TOTPDeviceFactory(user=user)
    login(client, user)
    with time_machine.travel("2026-03-02 09:00:00 +0100", tick=False) as clock:
        client.post(VERIFY, {"token": "000000"})
        client.post(VERIFY, {"token": "000001"})
        response = client.post(VERIFY, {"token": totp_code(device)})
        assert "Trop de codes incorrects" in response.content.decode()
        assert client.get("/foyers/").status_code == 302

        clock.shift(5)
        assert client.post(VERIFY, {"token": totp_code(device)}).status_code == 302
        assert client.get("/foyers/").status_code == 200


def test_logout_is_reachable_before_the_second_factor(client):
    user = UserFactory(coordination=True)
    TOTPDeviceFactory(user=user)
    login(client, user)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302 and response.url == reverse("accounts:login")
    assert "_auth_user_id" not in client.session


def test_demo_accounts_skip_the_second_factor_in_demo_mode_only(client, settings):
    settings.DEMO_MODE = True
    user = UserFactory(username="coordination", coordination=True, is_demo=True)
    login(client, user)
    assert client.get("/structures/").status_code == 200

    settings.DEMO_MODE = False  # production: demo accounts cannot even log in, let alone skip the code
    assert client.get("/structures/").status_code == 302


def test_backup_codes_can_be_regenerated_after_the_second_factor(client):
    user = UserFactory(coordination=True)
    client.force_login(user)
    from tests.two_factor import second_factor_login

    second_factor_login(client, user)
    old = set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    response = client.post(reverse("security:backup_codes"))
    new = set(re.findall(r"<li>(\w{8})</li>", response.content.decode()))
    assert len(new) == 10 and not (old & new)
    assert set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True)) == new


# --- Coordination resets someone's second factor (lost phone) ---------------------------------------------------


def test_coordination_resets_a_technicians_second_factor_and_their_open_session_must_enrol_again(client):
    coordinator = UserFactory(coordination=True)
    technician = UserFactory(technician=True)
    device = TOTPDeviceFactory(user=technician)
    from django.test import Client

    other = Client()
    login(other, technician)
    other.post(VERIFY, {"token": totp_code(device)})
    assert other.get("/admin/").status_code == 200

    client.force_login(coordinator)
    from tests.two_factor import second_factor_login

    second_factor_login(client, coordinator)
    page = client.get(reverse("structures:detail", args=[technician.organisation_id])).content.decode()
    url = reverse("structures:member_two_factor_reset", args=[technician.organisation_id, technician.pk])
    assert url in page
    assert "Réinitialiser la double authentification" in client.get(url).content.decode()
    client.post(url)

    assert not TOTPDevice.objects.filter(user=technician).exists()
    response = other.get("/admin/")
    assert response.status_code == 302 and response.url.startswith(SETUP)


def test_coordination_cannot_reset_its_own_second_factor_from_the_members_page(client):
    coordinator = UserFactory(coordination=True)
    TOTPDeviceFactory(user=coordinator)
    client.force_login(coordinator)
    from tests.two_factor import second_factor_login

    second_factor_login(client, coordinator)
    url = reverse("structures:member_two_factor_reset", args=[coordinator.organisation_id, coordinator.pk])
    response = client.post(url, follow=True)
    assert "Vous ne pouvez pas réinitialiser votre propre double authentification" in response.content.decode()
    assert TOTPDevice.objects.filter(user=coordinator).exists()


@pytest.mark.parametrize("role", ["technician", "prescriber", "partner"])
def test_only_coordination_may_reset_a_second_factor(client, role):
    member = UserFactory(technician=True)
    TOTPDeviceFactory(user=member)
    client.force_login(UserFactory(**{role: True}))
    url = reverse("structures:member_two_factor_reset", args=[member.organisation_id, member.pk])
    response = client.post(url)
    assert response.status_code in {302, 403}
    assert TOTPDevice.objects.filter(user=member).exists()


def test_no_one_reads_secret_keys_in_the_admin(client):
    superuser = UserFactory(is_superuser=True, is_staff=True, organisation=None)
    TOTPDeviceFactory(user=superuser)
    client.force_login(superuser)
    from tests.two_factor import second_factor_login

    second_factor_login(client, superuser)
    assert client.get("/admin/").status_code == 200
    assert "otp_totp" not in client.get("/admin/").content.decode()
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 404


# --- Every role: offered to all, required of those that read households ------------------------------------------


def test_the_roles_that_read_households_must_use_it_by_default(settings):
    assert set(settings.FILIERE["TWO_FACTOR_ROLES"]) == {"coordination", "prescripteur", "partenaire"}


@pytest.mark.parametrize("traits", [{"prescriber": True}, {"partner": True}], ids=["prescripteur", "partenaire"])
def test_a_role_required_in_production_reaches_no_household_page_before_its_code(client, settings, traits):
    settings.DEBUG = False
    user = UserFactory(**traits)
    device = TOTPDeviceFactory(user=user)
    login(client, user)
    for page in ("/foyers/", "/distributions/", "/accounts/mot-de-passe/"):
        response = client.get(page)
        assert response.status_code == 302 and response.url.startswith(VERIFY), page
    client.post(VERIFY, {"token": totp_code(device)})
    assert client.get("/distributions/").status_code == 200


def test_a_role_the_setting_does_not_require_may_still_turn_it_on_and_is_then_asked(client, settings):
    settings.FILIERE = {**settings.FILIERE, "TWO_FACTOR_ROLES": ["coordination"]}
    user = UserFactory(prescriber=True)
    login(client, user)
    assert client.get("/foyers/").status_code == 200  # not required: straight in

    page = client.get(SETUP).content.decode()
    assert "Code QR à scanner" in page and "vous pouvez la choisir" in page
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    codes = client.post(SETUP, {"token": totp_code(device), "next": "/foyers/"}).content.decode()
    assert len(re.findall(r"<li>(\w{8})</li>", codes)) == 10

    client.post(reverse("accounts:logout"))
    login(client, user)
    response = client.get("/foyers/")
    assert response.status_code == 302 and response.url.startswith(VERIFY)


def test_coordination_resets_a_prescribers_second_factor(client):
    coordinator = UserFactory(coordination=True)
    prescriber = UserFactory(prescriber=True)
    TOTPDeviceFactory(user=prescriber)
    client.force_login(coordinator)
    from tests.two_factor import second_factor_login

    second_factor_login(client, coordinator)
    url = reverse("structures:member_two_factor_reset", args=[prescriber.organisation_id, prescriber.pk])
    assert url in client.get(reverse("structures:detail", args=[prescriber.organisation_id])).content.decode()
    client.post(url)
    assert not TOTPDevice.objects.filter(user=prescriber).exists()
