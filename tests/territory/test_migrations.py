"""Communes and QPV moved from beneficiaries to territory (territory 0001, accounts 0003, beneficiaries 0009): an
existing database migrates forward and back without losing a row, and content types follow the models."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.accounts.factories import OrganisationFactory
from tests.beneficiaries.factories import HouseholdFactory
from tests.territory.factories import CommuneFactory

BEFORE_MOVE = [
    ("territory", None),
    ("beneficiaries", "0008_household_unequipped_expiry_index"),
    ("accounts", "0002_organisation_communes_served"),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state([target for target in targets if target[1] is not None]).apps


def _leaves():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def _counts(apps, app_label):
    commune, qpv = apps.get_model(app_label, "Commune"), apps.get_model(app_label, "Qpv")
    household = apps.get_model("beneficiaries", "Household")
    organisation = apps.get_model("accounts", "Organisation")
    return {
        "communes": commune.objects.count(),
        "qpv": qpv.objects.count(),
        "qpv communes": qpv.communes.through.objects.count(),
        "served": organisation.communes_served.through.objects.count(),
        "households of the commune": household.objects.filter(commune__name="Migrationville").count(),
    }


@pytest.mark.django_db(transaction=True)
def test_the_territory_move_keeps_every_row_forward_and_back():
    commune = CommuneFactory(name="Migrationville", insee_code="59999", postal_codes="59999")
    HouseholdFactory(commune=commune)
    OrganisationFactory().communes_served.add(commune)
    after = _counts(_migrate(_leaves()), "territory")
    assert after["households of the commune"] == 1 and after["served"] >= 1 and after["qpv communes"] > 0

    before = _counts(_migrate(BEFORE_MOVE), "beneficiaries")
    assert before == after
    # Content types went back with the models: what the admin attached to a commune follows it.
    assert ContentType.objects.filter(app_label="beneficiaries", model="commune").exists()
    assert not ContentType.objects.filter(app_label="territory", model="commune").exists()

    assert _counts(_migrate(_leaves()), "territory") == after
    assert ContentType.objects.filter(app_label="territory", model="commune").exists()
    assert not ContentType.objects.filter(app_label="beneficiaries", model="commune").exists()
