"""The access log's append-only trigger, back on SQLite.

On SQLite, migration 0010's AlterField rebuilt the table (SQLite cannot alter a column in place), and the rebuild
dropped the trigger of migration 0005: an UPDATE of the log went through. PostgreSQL altered the column in place
and kept its trigger; nothing changes there. Any later migration that alters this table on SQLite must put the
trigger back the same way (tests/beneficiaries/test_access_log.py refuses an UPDATE on both databases).
"""

from importlib import import_module

from django.db import migrations

initial = import_module("beneficiaries.migrations.0005_personal_data")


def recreate_on_sqlite(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for sql in initial.BACKWARD["sqlite"] + initial.FORWARD["sqlite"]:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("beneficiaries", "0010_access_log_duplicate_matches")]

    operations = [migrations.RunPython(recreate_on_sqlite, migrations.RunPython.noop)]
