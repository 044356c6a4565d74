"""Workbench tokens for tests: created through the service, so that the secret is known to the test."""

from accounts.models import Organisation
from api.services import workbench_token_create
from tests.accounts.factories import OrganisationFactory

SNAPSHOT_URL = "/api/v1/snapshot/"


def workbench_token(name: str = "Poste 1", *, organisation: Organisation | None = None, technician=None):
    """(token, secret) for a refurbisher (a new one unless given)."""
    organisation = organisation or OrganisationFactory(refurbisher=True, name=f"Atelier de {name}")
    return workbench_token_create(name=name, organisation=organisation, technician=technician)
