# The household fixtures (territory, structures, prescribers, coordinator) of the beneficiaries tests.
from tests.beneficiaries.conftest import (  # noqa: F401
    coordinator,
    denain,
    prescriber_a,
    prescriber_b,
    raismes,
    structure_a,
    structure_b,
    territory,
)
