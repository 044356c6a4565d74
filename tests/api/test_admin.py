"""Workbench tokens in the workshop: created with the secret shown once, scoped to the technician's refurbisher,
last use shown, revoked."""

import re

import pytest

from api.models import WorkbenchToken
from api.services import token_digest, workbench_token_authenticate
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.api.factories import workbench_token

ADD = "/admin/api/workbenchtoken/add/"
LIST = "/admin/api/workbenchtoken/"


@pytest.fixture
def technician(client):
    user = UserFactory(technician=True)
    client.force_login(user)
    return user


def test_creating_a_token_shows_it_once_with_the_settings_ini_lines(client, technician):
    response = client.post(ADD, {"name": "Poste 3", "organisation": technician.organisation_id})

    assert response.status_code == 200
    token = WorkbenchToken.objects.get()
    key = re.search(r'value="(fwb_[^"]+)"', response.text).group(1)
    assert token.key_hash == token_digest(key) and token.created_by == technician
    assert "url = http://testserver/api/v1/snapshot/" in response.text
    assert f"token = {key}" in response.text
    # Never again: not in the list, not on the token's page, not in a message kept in the session.
    assert key not in client.get(LIST).text
    assert key not in client.get(f"{LIST}{token.pk}/change/").text


def test_a_technician_creates_tokens_for_his_own_refurbisher_only(client, technician):
    other = OrganisationFactory(refurbisher=True, name="Autre atelier")

    form = client.get(ADD).text
    response = client.post(ADD, {"name": "Poste 3", "organisation": other.pk})

    assert "Autre atelier" not in form
    assert response.status_code == 200 and "Le jeton n'a pas été créé" in response.text
    assert WorkbenchToken.objects.count() == 0


def test_a_technician_sees_his_refurbisher_s_tokens_with_their_last_use_and_not_the_others(client, technician):
    mine, key = workbench_token("Poste 1", organisation=technician.organisation)
    workbench_token("Poste d'ailleurs")
    workbench_token_authenticate(key=key, address="192.0.2.44")

    page = client.get(LIST).text

    assert "Poste 1" in page and "192.0.2.44" in page
    assert "Poste d&#x27;ailleurs" not in page and "Poste d'ailleurs" not in page


def test_revoking_from_the_token_page(client, technician):
    token, key = workbench_token("Poste 1", organisation=technician.organisation)
    page = client.get(f"{LIST}{token.pk}/change/").text
    assert "Révoquer ce jeton" in page

    response = client.post(f"{LIST}{token.pk}/revoquer/")

    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == technician
    assert "Révoquer ce jeton" not in client.get(f"{LIST}{token.pk}/change/").text


def test_another_refurbisher_s_token_cannot_be_revoked(client, technician):
    token, _ = workbench_token("Poste d'ailleurs")

    response = client.post(f"{LIST}{token.pk}/revoquer/")

    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_coordination_sees_every_token(client):
    client.force_login(UserFactory(coordination=True))
    workbench_token("Poste 1")
    workbench_token("Poste 2")

    page = client.get(LIST).text

    assert "Poste 1" in page and "Poste 2" in page


@pytest.mark.parametrize("role", ["prescriber", "partner"])
def test_other_roles_do_not_reach_the_tokens(client, role):
    client.force_login(UserFactory(**{role: True}))

    assert client.get(LIST).status_code == 302
