"""Backup and restore with PostgreSQL's own tools: every row comes back."""

import subprocess
import uuid
from pathlib import Path

import psycopg
import pytest
from django.apps import apps
from django.db import connection

from tests.accounts.factories import UserFactory
from tests.equipment.factories import DriveFactory, ErasureRecordFactory, ItemFactory

ROOT = Path(__file__).resolve().parents[2]


def _url(name: str) -> str:
    settings = connection.settings_dict
    user = settings["USER"] or "postgres"
    host = settings["HOST"] or "127.0.0.1"
    port = settings["PORT"] or 5432
    return f"postgres://{user}@{host}:{port}/{name}"


def _row_counts(conn) -> dict[str, int]:
    counts = {}
    for model in apps.get_models(include_auto_created=True):
        table = model._meta.db_table
        counts[table] = conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # noqa: S608
    return counts


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_backup_then_restore_into_a_fresh_database_finds_every_row(tmp_path):
    UserFactory(technician=True)
    ErasureRecordFactory(drive=DriveFactory(item=ItemFactory(desktop=True)))
    ItemFactory.create_batch(5)
    source_url = _url(connection.settings_dict["NAME"])
    dump = tmp_path / "filiere.dump"

    subprocess.run(
        [ROOT / "scripts/backup", dump], check=True, env={"DATABASE_URL": source_url, "PATH": "/usr/bin:/bin"}
    )
    target = f"filiere_restore_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(_url("postgres"), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{target}"')
    try:
        subprocess.run(
            [ROOT / "scripts/restore", dump], check=True, env={"RESTORE_URL": _url(target), "PATH": "/usr/bin:/bin"}
        )
        with psycopg.connect(source_url) as source, psycopg.connect(_url(target)) as restored:
            expected = _row_counts(source)
            assert expected["equipment_item"] == 6
            assert _row_counts(restored) == expected

        # Restoring again into the now non-empty database is refused, in French, and changes nothing.
        again = subprocess.run(
            [ROOT / "scripts/restore", dump],
            env={"RESTORE_URL": _url(target), "PATH": "/usr/bin:/bin"},
            capture_output=True,
            text=True,
        )
        assert again.returncode == 2
        assert again.stderr.startswith(f"Restauration refusée : la base « {target} » n'est pas vide (")
        assert "Rien n'a été modifié." in again.stderr and "ERROR" not in again.stderr
        with psycopg.connect(_url(target)) as restored:
            assert _row_counts(restored) == expected
    finally:
        with psycopg.connect(_url("postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
