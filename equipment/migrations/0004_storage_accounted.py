"""The storage rule in the database: a computer leaves the workshop only with its storage accounted for.

Fields: Item.no_storage_confirmed_by/at (a technician checked the computer holds no storage), Item.erasure_exempt
(brought in by the historical import already past the audit), Drive.fate and who/when (what became of a drive when
its computer went to WEEE recycling).

What the database enforces, whatever writes the rows (services, admin, shell, SQL), for desktops and laptops not
exempt (triggers on PostgreSQL and SQLite):
- an item row is never inserted as refurbished, reserved, distributed or recycled (only the import inserts those,
  exempt); an exemption is never granted later (insert only), and ends when the item comes back to the audit
  (check constraint: never exempt while received or in audit);
- entering refurbished, reserved or distributed (a status change other than reserved -> refurbished, or a change of
  category to a computer), or withdrawing « no storage » while there: every drive has a passed erasure or a
  destruction, and at least one drive is recorded or « no storage » is confirmed;
- entering recycled: every drive has a fate (« erased » only with a passed erasure or a destruction), and at least
  one drive is recorded or « no storage » is confirmed;
- a drive is never added (or moved) to such a computer once refurbished, reserved or distributed; on a recycled one
  only with its fate, and its fate is never blanked.
Not enforced by the database: deleting a drive or an erasure record afterwards (deleting an item deletes them
first, in the same statement order); the admin does not offer it past the audit.

Backfill: computers already past the audit whose status log starts with an import are exempt.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

ITEM, DRIVE, ERASURE = "equipment_item", "equipment_drive", "equipment_erasurerecord"
COMPUTERS = "('desktop', 'laptop')"
CLEARED = "('refurbished', 'reserved', 'distributed')"
PAST_AUDIT = "('refurbished', 'reserved', 'distributed', 'recycled')"

INSERT_MESSAGE = (
    "Un ordinateur n''est jamais enregistré directement reconditionné, réservé, distribué ou recyclé : seul "
    "l''import historique le peut. Enregistrez-le reçu, puis auditez-le."
)
EXEMPT_MESSAGE = "La dispense de preuve d''effacement ne s''accorde qu''à l''import historique."
CLEARED_MESSAGE = (
    "Un ordinateur ne devient reconditionné, réservé ou distribué qu''avec chaque support de stockage effacé avec "
    "succès ou détruit (au moins un support enregistré), ou « aucun support de stockage » confirmé."
)
RECYCLED_MESSAGE = (
    "Un ordinateur ne part au recyclage qu''avec le devenir de chaque support de stockage noté (« effacé » "
    "seulement après un effacement réussi), ou « aucun support de stockage » confirmé."
)
DRIVE_MESSAGE = (
    "Un support de stockage ne s''ajoute pas à un ordinateur reconditionné, réservé ou distribué : repassez-le en "
    "audit. Sur un ordinateur recyclé, il faut noter son devenir."
)


def _cleared(drive: str) -> str:
    return (
        f"EXISTS (SELECT 1 FROM {ERASURE} e WHERE e.drive_id = {drive} AND (e.result = 'passed' OR e.method = "
        "'destroy'))"
    )


def _no_drive(item: str) -> str:
    return f"NOT EXISTS (SELECT 1 FROM {DRIVE} d WHERE d.item_id = {item})"


# The item `row` (NEW) has its storage accounted for / its drives' fates recorded.
def _accounted(row: str) -> str:
    return (
        f"(NOT EXISTS (SELECT 1 FROM {DRIVE} d WHERE d.item_id = {row}.id AND NOT {_cleared('d.id')}) "
        f"AND NOT ({_no_drive(f'{row}.id')} AND {row}.no_storage_confirmed_at IS NULL))"
    )


def _fates_recorded(row: str) -> str:
    return (
        f"(NOT EXISTS (SELECT 1 FROM {DRIVE} d WHERE d.item_id = {row}.id AND (d.fate = '' OR (d.fate = 'erased' "
        f"AND NOT {_cleared('d.id')}))) AND NOT ({_no_drive(f'{row}.id')} AND {row}.no_storage_confirmed_at IS NULL))"
    )


# The UPDATE brings the item into refurbished/reserved/distributed (or withdraws « no storage » there).
ENTERING_CLEARED = (
    f"NEW.status IN {CLEARED} AND (OLD.category NOT IN {COMPUTERS} OR (NEW.status <> OLD.status AND NOT "
    "(OLD.status = 'reserved' AND NEW.status = 'refurbished')) OR (OLD.no_storage_confirmed_at IS NOT NULL AND "
    "NEW.no_storage_confirmed_at IS NULL))"
)
ENTERING_RECYCLED = (
    f"NEW.status = 'recycled' AND (OLD.category NOT IN {COMPUTERS} OR OLD.status <> 'recycled' OR "
    "(OLD.no_storage_confirmed_at IS NOT NULL AND NEW.no_storage_confirmed_at IS NULL))"
)
RULED = f"NEW.category IN {COMPUTERS} AND NOT NEW.erasure_exempt"
# The drive row NEW lands on (or stays on) a computer past the audit that the rule covers.
DRIVE_ITEM = f"(SELECT i.{{column}} FROM {ITEM} i WHERE i.id = NEW.item_id AND i.category IN {COMPUTERS} AND NOT i.erasure_exempt)"
DRIVE_REFUSED = (
    f"({DRIVE_ITEM.format(column='status')} IN {CLEARED} AND {{moved}}) OR ({DRIVE_ITEM.format(column='status')} "
    f"= 'recycled' AND (NEW.fate = '' OR (NEW.fate = 'erased' AND NOT {_cleared('NEW.id')})))"
)


def _pg_raise(message: str) -> str:
    return f"RAISE EXCEPTION '{message}' USING ERRCODE = 'check_violation';"


PG_FORWARD = [
    f"""
    CREATE FUNCTION equipment_item_storage_guard() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            IF {RULED} AND NEW.status IN {PAST_AUDIT} THEN {_pg_raise(INSERT_MESSAGE)} END IF;
            RETURN NEW;
        END IF;
        IF NEW.erasure_exempt AND NOT OLD.erasure_exempt THEN {_pg_raise(EXEMPT_MESSAGE)} END IF;
        IF {RULED} AND {ENTERING_CLEARED} AND NOT {_accounted("NEW")} THEN {_pg_raise(CLEARED_MESSAGE)} END IF;
        IF {RULED} AND {ENTERING_RECYCLED} AND NOT {_fates_recorded("NEW")} THEN
            {_pg_raise(RECYCLED_MESSAGE)}
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql;
    """,
    # WHEN clauses: most writes (a note edited, a shipment filled, the import's rows) never call the function.
    f"""
    CREATE TRIGGER equipment_item_storage_insert BEFORE INSERT ON {ITEM} FOR EACH ROW
    WHEN ({RULED} AND NEW.status IN {PAST_AUDIT})
    EXECUTE FUNCTION equipment_item_storage_guard();
    """,
    f"""
    CREATE TRIGGER equipment_item_storage_update BEFORE UPDATE ON {ITEM} FOR EACH ROW
    WHEN (NEW.status IS DISTINCT FROM OLD.status OR NEW.category IS DISTINCT FROM OLD.category
          OR NEW.erasure_exempt IS DISTINCT FROM OLD.erasure_exempt
          OR NEW.no_storage_confirmed_at IS DISTINCT FROM OLD.no_storage_confirmed_at)
    EXECUTE FUNCTION equipment_item_storage_guard();
    """,
    f"""
    CREATE FUNCTION equipment_drive_storage_guard() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            IF {DRIVE_REFUSED.format(moved="TRUE")} THEN {_pg_raise(DRIVE_MESSAGE)} END IF;
        ELSIF {DRIVE_REFUSED.format(moved="NEW.item_id <> OLD.item_id")} THEN
            {_pg_raise(DRIVE_MESSAGE)}
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql;
    """,
    f"""
    CREATE TRIGGER equipment_drive_storage_guard BEFORE INSERT OR UPDATE OF item_id, fate ON {DRIVE}
    FOR EACH ROW EXECUTE FUNCTION equipment_drive_storage_guard();
    """,
]
PG_BACKWARD = [
    f"DROP TRIGGER IF EXISTS equipment_drive_storage_guard ON {DRIVE}",
    f"DROP TRIGGER IF EXISTS equipment_item_storage_update ON {ITEM}",
    f"DROP TRIGGER IF EXISTS equipment_item_storage_insert ON {ITEM}",
    "DROP FUNCTION IF EXISTS equipment_drive_storage_guard()",
    "DROP FUNCTION IF EXISTS equipment_item_storage_guard()",
]


def _sqlite_trigger(name: str, event: str, when: str, message: str) -> str:
    return f"CREATE TRIGGER {name} {event} FOR EACH ROW WHEN {when} BEGIN SELECT RAISE(ABORT, '{message}'); END;"


# SQLite: one trigger per refusal (a WHEN clause and RAISE(ABORT), its only way to refuse a row).
SQLITE_FORWARD = [
    _sqlite_trigger(
        "equipment_item_storage_insert",
        f"BEFORE INSERT ON {ITEM}",
        f"{RULED} AND NEW.status IN {PAST_AUDIT}",
        INSERT_MESSAGE,
    ),
    _sqlite_trigger(
        "equipment_item_exempt_granted",
        f"BEFORE UPDATE ON {ITEM}",
        "NEW.erasure_exempt AND NOT OLD.erasure_exempt",
        EXEMPT_MESSAGE,
    ),
    _sqlite_trigger(
        "equipment_item_storage_cleared",
        f"BEFORE UPDATE ON {ITEM}",
        f"{RULED} AND {ENTERING_CLEARED} AND NOT {_accounted('NEW')}",
        CLEARED_MESSAGE,
    ),
    _sqlite_trigger(
        "equipment_item_storage_recycled",
        f"BEFORE UPDATE ON {ITEM}",
        f"{RULED} AND {ENTERING_RECYCLED} AND NOT {_fates_recorded('NEW')}",
        RECYCLED_MESSAGE,
    ),
    _sqlite_trigger(
        "equipment_drive_storage_insert",
        f"BEFORE INSERT ON {DRIVE}",
        DRIVE_REFUSED.format(moved="1"),
        DRIVE_MESSAGE,
    ),
    _sqlite_trigger(
        "equipment_drive_storage_update",
        f"BEFORE UPDATE OF item_id, fate ON {DRIVE}",
        DRIVE_REFUSED.format(moved="NEW.item_id <> OLD.item_id"),
        DRIVE_MESSAGE,
    ),
]
SQLITE_BACKWARD = [
    f"DROP TRIGGER IF EXISTS {name};"
    for name in (
        "equipment_item_storage_insert",
        "equipment_item_exempt_granted",
        "equipment_item_storage_cleared",
        "equipment_item_storage_recycled",
        "equipment_drive_storage_insert",
        "equipment_drive_storage_update",
    )
]

FORWARD = {"postgresql": PG_FORWARD, "sqlite": SQLITE_FORWARD}
BACKWARD = {"postgresql": PG_BACKWARD, "sqlite": SQLITE_BACKWARD}


def _run(statements):
    def run(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


def exempt_imported(apps, schema_editor):
    """Computers past the audit whose status log starts with an import: the import brought them that way."""
    Item = apps.get_model("equipment", "Item")
    StatusChange = apps.get_model("equipment", "StatusChange")
    first = StatusChange.objects.filter(item=models.OuterRef("pk")).order_by("at", "id")
    Item.objects.filter(
        category__in=["desktop", "laptop"], status__in=["refurbished", "reserved", "distributed", "recycled"]
    ).annotate(origin=models.Subquery(first.values("source")[:1])).filter(origin="import").update(erasure_exempt=True)


class Migration(migrations.Migration):
    dependencies = [
        ("donations", "0002_donation_offers"),
        ("equipment", "0003_list_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="drive",
            name="fate",
            field=models.CharField(
                blank=True,
                choices=[("erased", "Effacé"), ("destroyed", "Détruit"), ("removed_kept", "Retiré et conservé")],
                editable=False,
                max_length=20,
                verbose_name="devenu au recyclage",
            ),
        ),
        migrations.AddField(
            model_name="drive",
            name="fate_recorded_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="devenu noté le"),
        ),
        migrations.AddField(
            model_name="drive",
            name="fate_recorded_by",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="devenu noté par",
            ),
        ),
        migrations.AddField(
            model_name="historicalitem",
            name="erasure_exempt",
            field=models.BooleanField(
                default=False, editable=False, verbose_name="entré par l'import historique (effacement non suivi ici)"
            ),
        ),
        migrations.AddField(
            model_name="historicalitem",
            name="no_storage_confirmed_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="« aucun support de stockage » confirmé le"
            ),
        ),
        migrations.AddField(
            model_name="historicalitem",
            name="no_storage_confirmed_by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="« aucun support de stockage » confirmé par",
            ),
        ),
        migrations.AddField(
            model_name="item",
            name="erasure_exempt",
            field=models.BooleanField(
                default=False, editable=False, verbose_name="entré par l'import historique (effacement non suivi ici)"
            ),
        ),
        migrations.AddField(
            model_name="item",
            name="no_storage_confirmed_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="« aucun support de stockage » confirmé le"
            ),
        ),
        migrations.AddField(
            model_name="item",
            name="no_storage_confirmed_by",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="« aucun support de stockage » confirmé par",
            ),
        ),
        migrations.AddConstraint(
            model_name="drive",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("fate", ""), ("fate_recorded_at__isnull", True)),
                    models.Q(
                        ("fate__in", ["erased", "destroyed", "removed_kept"]), ("fate_recorded_at__isnull", False)
                    ),
                    _connector="OR",
                ),
                name="drive_fate_valid_and_dated",
            ),
        ),
        migrations.AddConstraint(
            model_name="item",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("erasure_exempt", False),
                    models.Q(("status__in", ["received", "in_audit"]), _negated=True),
                    _connector="OR",
                ),
                name="item_erasure_exempt_past_audit_only",
                violation_error_message="Un matériel revenu à l'audit n'est plus dispensé de preuve d'effacement.",
            ),
        ),
        migrations.RunPython(exempt_imported, migrations.RunPython.noop, elidable=False),
        migrations.RunPython(_run(FORWARD), _run(BACKWARD), elidable=False),
    ]
