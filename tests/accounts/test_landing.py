"""After logging in (password, then the second factor), each role lands on its work (accounts.landing), not on the
public home page; a safe `next` still wins, an outside one is ignored."""

import pytest
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.security.factories import TOTPDeviceFactory
from tests.two_factor import totp_code

PASSWORD = "motdepasse-solide-2026"


def _login(client, username, **extra):
    return client.post(reverse("accounts:login"), {"username": username, "password": PASSWORD, **extra}, follow=True)


def _login_with_code(client, user, **extra):
    """Password, then the code of the person's app: where the login leads once both are typed."""
    device = TOTPDeviceFactory(user=user)
    response = _login(client, user.username, **extra)
    verify_url = response.redirect_chain[-1][0]
    assert verify_url.startswith(reverse("security:two_factor_verify"))
    return client.post(verify_url, {"token": totp_code(device)}, follow=True)


@pytest.mark.second_factor_manual
@pytest.mark.parametrize(
    ("traits", "landing", "heading"),
    [
        ({"prescriber": True}, "/foyers/", "Foyers"),
        ({"partner": True}, "/distributions/", "Distributions"),
        ({"coordination": True}, "/distributions/", "Distributions"),
        ({"technician": True}, "/admin/", "Atelier"),
    ],
    ids=["prescripteur", "partenaire", "coordination", "technicien"],
)
def test_each_role_lands_on_its_work_once_the_code_is_typed(client, traits, landing, heading):
    response = _login_with_code(client, UserFactory(username="personne", **traits))
    assert response.redirect_chain[-1][0] == landing
    assert response.status_code == 200 and heading in response.content.decode()


@pytest.mark.second_factor_manual
@pytest.mark.parametrize(
    ("traits", "landing", "heading"),
    [({"prescriber": True}, "/foyers/", "Foyers"), ({"partner": True}, "/distributions/", "Distributions")],
    ids=["prescripteur", "partenaire"],
)
def test_a_role_the_setting_exempts_lands_on_its_work_at_once(client, settings, traits, landing, heading):
    settings.FILIERE = {**settings.FILIERE, "TWO_FACTOR_ROLES": ["coordination"]}
    UserFactory(username="personne", **traits)
    response = _login(client, "personne")
    assert response.redirect_chain[-1][0] == landing
    assert "<h1" in response.content.decode() and heading in response.content.decode()


@pytest.mark.second_factor_manual
def test_a_safe_next_still_wins(client):
    response = _login_with_code(client, UserFactory(username="personne", prescriber=True), next="/tableau-de-bord/")
    assert response.redirect_chain[-1][0] == "/tableau-de-bord/"


@pytest.mark.second_factor_manual
def test_a_next_to_another_site_is_ignored(client):
    user = UserFactory(username="personne", prescriber=True)
    response = _login_with_code(client, user, next="https://example.com/piege")
    assert response.redirect_chain[-1][0] == "/foyers/"


def test_an_account_without_organisation_lands_on_the_home_page(client):
    UserFactory(username="personne", organisation=None)
    response = _login(client, "personne")
    assert response.redirect_chain[-1][0] == "/"


def test_changing_ones_password_leads_back_to_ones_work(client):
    user = UserFactory(prescriber=True)
    client.force_login(user)
    new = "un-autre-mot-de-passe-Solide-2027"
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/foyers/"
    assert "Votre mot de passe a été changé." in response.content.decode()
