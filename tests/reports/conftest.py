import datetime

import pytest
from django.test import Client

from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.beneficiaries.factories import HouseholdFactory
from tests.territory.factories import CommuneFactory

YEAR = 2025
HANDOVER_DAY = datetime.date(YEAR, 6, 14)


def equip(count, *, commune, structure, on=HANDOVER_DAY, **criteria):
    """`count` households of `structure` living in `commune`, handed a pack on `on`, certified earlier that year."""
    criteria = criteria or {"rsa": True}
    return HouseholdFactory.create_batch(
        count,
        commune=commune,
        structure=structure,
        equipped_on=on,
        certified=True,
        certification__certified_on=on - datetime.timedelta(days=60),
        certification__expires_on=on + datetime.timedelta(days=120),
        **{f"certification__{name}": value for name, value in criteria.items()},
    )


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def raismes():
    return CommuneFactory()


@pytest.fixture
def denain():
    return CommuneFactory(denain=True)


@pytest.fixture
def escaudain():
    return CommuneFactory(insee_code="59205", name="Escaudain", postal_codes="59124")


@pytest.fixture
def structure_a():
    return OrganisationFactory(name="CCAS de Raismes")


@pytest.fixture
def structure_b():
    return OrganisationFactory(name="CCAS de Denain")


@pytest.fixture
def coordination():
    return client_for(UserFactory(coordination=True))


@pytest.fixture
def technician():
    return client_for(UserFactory(technician=True))


@pytest.fixture
def partner():
    return client_for(UserFactory(partner=True))


@pytest.fixture
def prescriber_a(structure_a):
    return client_for(UserFactory(organisation=structure_a))
