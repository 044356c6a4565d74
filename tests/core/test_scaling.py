"""Growing past one machine: reports read from a replica (here: the same database under a second alias), files
on S3-compatible storage when the environment says so."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from core.db import reporting, reporting_database
from equipment.models import Item
from reports.selectors import bilan_for_year
from tests.equipment.factories import ItemFactory

ROOT = Path(__file__).resolve().parents[2]


# The test settings add a `replica` alias on the test database itself (a mirror), as DATABASE_REPLICA_URL would.
# Its connection sees committed rows only, as a real replica: hence a transactional test.
@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_reports_read_from_the_replica_and_writes_stay_on_the_primary():
    item = ItemFactory()
    assert reporting_database() == "replica"
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        with CaptureQueriesContext(connections["default"]) as on_primary:
            with reporting():
                bilan = bilan_for_year(item.received_on.year)
                Item.objects.filter(pk=item.pk).update(notes="écrit sur la primaire")
    assert bilan["entrusted"] == 1
    assert any("GROUP BY" in query["sql"] for query in on_replica.captured_queries)
    assert any(query["sql"].startswith("UPDATE") for query in on_primary.captured_queries)
    assert not any(query["sql"].startswith("UPDATE") for query in on_replica.captured_queries)
    # Outside the block, reads are the primary's again (a person sees what they just saved).
    with CaptureQueriesContext(connections["replica"]) as after:
        assert Item.objects.get(pk=item.pk).notes == "écrit sur la primaire"
    assert after.captured_queries == []


def _settings_in(env: dict) -> dict:
    code = (
        "import json; from config import settings as s; "
        "print(json.dumps({'storage': s.STORAGES['default'], 'replica': s.DATABASES.get('replica', {}).get('NAME')}))"
    )
    clean = {key: value for key, value in os.environ.items() if not key.startswith(("AWS_", "DATABASE_REPLICA"))}
    output = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, check=True
    )
    return json.loads(output.stdout)


def test_files_go_to_s3_compatible_storage_only_when_a_bucket_is_set():
    assert _settings_in({"DEBUG": "1"})["storage"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    s3 = _settings_in(
        {
            "DEBUG": "1",
            "AWS_STORAGE_BUCKET_NAME": "filiere-porte-du-hainaut",
            "AWS_S3_ENDPOINT_URL": "https://s3.fr-par.scw.cloud",
            "DATABASE_REPLICA_URL": "postgres://lecture@replica.internal:5432/filiere",
        }
    )
    assert s3["storage"]["BACKEND"] == "storages.backends.s3.S3Storage"
    assert s3["storage"]["OPTIONS"]["bucket_name"] == "filiere-porte-du-hainaut"
    assert s3["storage"]["OPTIONS"]["endpoint_url"] == "https://s3.fr-par.scw.cloud"
    assert s3["replica"] == "filiere"
