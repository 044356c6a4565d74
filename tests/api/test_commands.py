"""`python manage.py workbench_token NAME`: the token printed once, alone on the last line."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from api.models import WorkbenchToken
from api.services import token_digest
from tests.accounts.factories import OrganisationFactory, UserFactory


def _run(*args) -> str:
    out = StringIO()
    call_command("workbench_token", *args, stdout=out)
    return out.getvalue()


def test_the_command_prints_the_token_alone_on_its_last_line():
    OrganisationFactory(refurbisher=True, name="ATIS")

    output = _run("Poste 3")

    key = output.rstrip("\n").splitlines()[-1]
    token = WorkbenchToken.objects.get()
    assert token.key_hash == token_digest(key) and key.startswith("fwb_")
    assert (token.name, token.organisation.name) == ("Poste 3", "ATIS")
    assert "ne sera plus affiché" in output


def test_the_command_needs_the_organisation_when_there_are_several_refurbishers():
    OrganisationFactory(refurbisher=True, name="ATIS")
    OrganisationFactory(refurbisher=True, name="Atelier Bis")

    with pytest.raises(CommandError, match="Précisez --organisation"):
        _run("Poste 3")
    output = _run("Poste 3", "--organisation", "atelier bis")

    assert WorkbenchToken.objects.get().organisation.name == "Atelier Bis"
    assert output.splitlines()[-1].startswith("fwb_")


def test_the_command_binds_a_technician_and_refuses_an_unknown_one():
    technician = UserFactory(technician=True, username="karim")

    _run("Clé de Karim", "--technician", "karim")

    assert WorkbenchToken.objects.get().technician == technician
    with pytest.raises(CommandError, match="Aucun compte"):
        _run("Autre", "--technician", "personne")


def test_the_command_revokes_a_token():
    OrganisationFactory(refurbisher=True)
    _run("Poste 3")

    output = _run("poste 3", "--revoke")

    assert "révoqué" in output and WorkbenchToken.objects.get().revoked_at is not None
