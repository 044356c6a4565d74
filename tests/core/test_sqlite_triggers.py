"""The database rules kept by triggers hold on SQLite too (`make run`'s database), after every migration.

SQLite rebuilds a table to alter one of its columns, and the rebuild drops the table's triggers: a later migration
silently undid the access log's append-only rule there (beneficiaries 0010, put back by 0011). CI runs the suite
on PostgreSQL, so this test migrates a SQLite database of its own, whatever the suite's database."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SQLITE_TRIGGERS = {
    # beneficiaries 0005, 0011: the access log is append-only.
    "householdaccesslog_append_only",
    # beneficiaries 0007: a household's current certification expiry.
    "certification_household_expiry_insert",
    "certification_household_expiry_update",
    "certification_household_expiry_delete",
    # equipment 0004: storage accounted for before a computer is refurbished or recycled.
    "equipment_item_storage_insert",
    "equipment_item_exempt_granted",
    "equipment_item_storage_cleared",
    "equipment_item_storage_recycled",
    "equipment_drive_storage_insert",
    "equipment_drive_storage_update",
}


def test_every_trigger_of_the_migrations_exists_on_a_migrated_sqlite_database(tmp_path):
    database = tmp_path / "migrated.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "DJANGO_SETTINGS_MODULE": "config.settings_test"}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True, timeout=300
    )

    with sqlite3.connect(database) as connection:
        present = {name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}

    assert SQLITE_TRIGGERS <= present, f"déclencheurs perdus : {sorted(SQLITE_TRIGGERS - present)}"
