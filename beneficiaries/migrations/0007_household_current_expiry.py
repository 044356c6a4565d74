"""Household.current_expires_on, kept by the database; indexes for the household list's filters.

- `current_expires_on`: the expiry of the household's latest certification (latest by certified_on, then id), so that
  the status filter reads a column with an index instead of a subquery per household. Triggers on the certification
  table keep it in step whatever writes certifications (the services, the admin, a bulk insert, COPY, the shell);
  the backfill below fills it for the households already there.
- `certification_latest` (household_id, certified_on DESC, id DESC): « the latest certification » is one index probe;
  it replaces the plain index on household_id.
- The household list, newest first, of a structure or of a commune: (structure_id | commune_id, created_at DESC,
  id DESC) reads one page by index (it scanned every household by date, filtering); they replace the plain indexes
  on those foreign keys. (structure_id, current_expires_on) and (current_expires_on) serve the status filters.
- A trigram index on name_key for the name search (`name_key LIKE '%…%'`), on PostgreSQL only (pg_trgm); other
  databases scan, which is fine at their sizes.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery

HOUSEHOLD, CERTIFICATION = "beneficiaries_household", "beneficiaries_certification"

# The latest certification's expiry of household `{id}` (same order as Certification.Meta.ordering).
LATEST = (
    f"SELECT c.expires_on FROM {CERTIFICATION} c WHERE c.household_id = {{id}} "
    "ORDER BY c.certified_on DESC, c.id DESC LIMIT 1"
)

# PostgreSQL: statement-level triggers (one UPDATE per statement, not per row: a COPY of 65,000 certifications
# refreshes the households once), on the households the statement touched, read from its transition tables.
# A trigger may only name the transition tables of its event, hence one function per event.
TOUCHED = {
    "insert": "SELECT household_id FROM certification_new_rows",
    "update": "SELECT household_id FROM certification_new_rows UNION SELECT household_id FROM certification_old_rows",
    "delete": "SELECT household_id FROM certification_old_rows",
}
TRANSITION_TABLES = {
    "insert": "NEW TABLE AS certification_new_rows",
    "update": "OLD TABLE AS certification_old_rows NEW TABLE AS certification_new_rows",
    "delete": "OLD TABLE AS certification_old_rows",
}


def _pg_function(event: str) -> str:
    return f"""
    CREATE OR REPLACE FUNCTION certification_household_expiry_{event}() RETURNS trigger AS $$
    BEGIN
        WITH latest AS (
            SELECT t.household_id, ({LATEST.format(id="t.household_id")}) AS expires_on
            FROM ({TOUCHED[event]}) t
        )
        UPDATE {HOUSEHOLD} h SET current_expires_on = latest.expires_on
        FROM latest
        WHERE h.id = latest.household_id AND h.current_expires_on IS DISTINCT FROM latest.expires_on;
        RETURN NULL;
    END;
    $$ LANGUAGE plpgsql;
    """


def _pg_trigger(event: str) -> str:
    return f"""
    CREATE TRIGGER certification_household_expiry_{event} AFTER {event.upper()} ON {CERTIFICATION}
    REFERENCING {TRANSITION_TABLES[event]}
    FOR EACH STATEMENT EXECUTE FUNCTION certification_household_expiry_{event}();
    """


PG_FORWARD = [
    *(statement for event in TOUCHED for statement in (_pg_function(event), _pg_trigger(event))),
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    f"CREATE INDEX IF NOT EXISTS household_name_key_trgm ON {HOUSEHOLD} USING gin (name_key gin_trgm_ops)",
]
PG_BACKWARD = [
    "DROP INDEX IF EXISTS household_name_key_trgm",
    *(f"DROP TRIGGER IF EXISTS certification_household_expiry_{event} ON {CERTIFICATION}" for event in TOUCHED),
    *(f"DROP FUNCTION IF EXISTS certification_household_expiry_{event}()" for event in TOUCHED),
]


def _sqlite_refresh(row: str) -> str:
    return (
        f"UPDATE {HOUSEHOLD} SET current_expires_on = ({LATEST.format(id=f'{row}.household_id')}) "
        f"WHERE id = {row}.household_id;"
    )


# SQLite: row-level triggers (the only kind it has).
SQLITE_FORWARD = [
    f"""CREATE TRIGGER certification_household_expiry_insert AFTER INSERT ON {CERTIFICATION}
    BEGIN {_sqlite_refresh("NEW")} END;""",
    f"""CREATE TRIGGER certification_household_expiry_update AFTER UPDATE ON {CERTIFICATION}
    BEGIN {_sqlite_refresh("OLD")} {_sqlite_refresh("NEW")} END;""",
    f"""CREATE TRIGGER certification_household_expiry_delete AFTER DELETE ON {CERTIFICATION}
    BEGIN {_sqlite_refresh("OLD")} END;""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS certification_household_expiry_insert;",
    "DROP TRIGGER IF EXISTS certification_household_expiry_update;",
    "DROP TRIGGER IF EXISTS certification_household_expiry_delete;",
]

FORWARD = {"postgresql": PG_FORWARD, "sqlite": SQLITE_FORWARD}
BACKWARD = {"postgresql": PG_BACKWARD, "sqlite": SQLITE_BACKWARD}


def _run(statements):
    def run(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


def backfill(apps, schema_editor):
    Household = apps.get_model("beneficiaries", "Household")
    Certification = apps.get_model("beneficiaries", "Certification")
    latest = Certification.objects.filter(household=OuterRef("pk")).order_by("-certified_on", "-id")
    Household.objects.update(current_expires_on=Subquery(latest.values("expires_on")[:1]))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_organisation_communes_served"),
        ("beneficiaries", "0006_household_equipped_on_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="household",
            name="current_expires_on",
            field=models.DateField(
                blank=True,
                editable=False,
                help_text="Fin de validité de la dernière certification (la plus récente par date) ; "
                "vide sans certification.",
                null=True,
                verbose_name="certification valable jusqu'au",
            ),
        ),
        migrations.AddIndex(
            model_name="certification",
            index=models.Index(fields=["household", "-certified_on", "-id"], name="certification_latest"),
        ),
        migrations.AlterField(
            model_name="certification",
            name="household",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="certifications",
                to="beneficiaries.household",
                verbose_name="foyer",
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=False),
        # The list's composite indexes start with the foreign keys: they replace the foreign keys' own indexes.
        migrations.AddIndex(
            model_name="household",
            index=models.Index(fields=["structure", "-created_at", "-id"], name="household_structure_recent"),
        ),
        migrations.AddIndex(
            model_name="household",
            index=models.Index(fields=["commune", "-created_at", "-id"], name="household_commune_recent"),
        ),
        migrations.AlterField(
            model_name="household",
            name="commune",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="households",
                to="beneficiaries.commune",
                verbose_name="commune",
            ),
        ),
        migrations.AlterField(
            model_name="household",
            name="structure",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="households",
                to="accounts.organisation",
                verbose_name="structure",
            ),
        ),
        migrations.AddIndex(
            model_name="household",
            index=models.Index(fields=["structure", "current_expires_on"], name="household_structure_expiry"),
        ),
        migrations.AddIndex(
            model_name="household",
            index=models.Index(fields=["current_expires_on"], name="household_expiry"),
        ),
        migrations.RunPython(_run(FORWARD), _run(BACKWARD), elidable=False),
    ]
