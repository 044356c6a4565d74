import pytest

from territory.loader import load_default_territory
from territory.models import Commune, Qpv
from tests.accounts.factories import OrganisationFactory, UserFactory


@pytest.fixture(autouse=True)
def territory():
    """The 47 communes and QPV shipped with the project (loaded by the migration; reloaded after a flush)."""
    if not Commune.objects.filter(insee_code="59491", name="Raismes").exists() or not Qpv.objects.exists():
        load_default_territory(commune_model=Commune, qpv_model=Qpv)


@pytest.fixture
def raismes():
    return Commune.objects.get(insee_code="59491")


@pytest.fixture
def denain():
    return Commune.objects.get(insee_code="59172")


@pytest.fixture
def structure_a():
    return OrganisationFactory(name="CCAS de Raismes")


@pytest.fixture
def structure_b():
    return OrganisationFactory(name="CCAS de Denain")


@pytest.fixture
def prescriber_a(structure_a):
    return UserFactory(username="presc-a", organisation=structure_a)


@pytest.fixture
def prescriber_b(structure_b):
    return UserFactory(username="presc-b", organisation=structure_b)


@pytest.fixture
def coordinator():
    return UserFactory(username="coord", coordination=True)
