import pytest

from territory.loader import load_default_territory
from territory.models import Commune, Qpv


@pytest.fixture(autouse=True)
def territory():
    """The 47 communes and QPV shipped with the project (loaded by the migration; reloaded after a flush)."""
    if not Commune.objects.filter(insee_code="59491", name="Raismes").exists() or not Qpv.objects.exists():
        load_default_territory(commune_model=Commune, qpv_model=Qpv)
