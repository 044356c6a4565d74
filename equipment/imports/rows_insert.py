"""Plain bulk INSERT for the CSV import (COPY on PostgreSQL, executemany elsewhere).

Django's bulk_create compiles every value of every row through the ORM (about ten Python calls per value), which
alone kept a 10,000-row import far from its target of 5,000 rows/s; here values are prepared once per column type.
Only for rows that need nothing from the ORM: no signals, no save(), no primary keys returned.
"""

from collections.abc import Callable, Iterable

from django.db import connection, models

BATCH_SIZE = 2000
PROGRESS_EVERY = 5000
# Columns whose Python values the database drivers take as they are.
PLAIN_TYPES = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "IntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "PositiveBigIntegerField",
    "SmallIntegerField",
    "ForeignKey",
    "OneToOneField",
    "BooleanField",
}
TEXT_TYPES = {"CharField", "TextField", "SlugField", "EmailField"}


def _text(value):
    # TextChoices members are str subclasses; drivers want plain str.
    return value if value is None or type(value) is str else str(value)


def _preparer(field: models.Field):
    kind = field.get_internal_type()
    if kind in PLAIN_TYPES:
        return None
    if kind in TEXT_TYPES:
        return _text
    cache = {}  # dates, datetimes and weights repeat a lot from row to row

    def prepare(value):
        if value not in cache:
            cache[value] = field.get_db_prep_save(value, connection)
        return cache[value]

    return prepare


def rows_insert(
    model: type[models.Model],
    rows: Iterable[dict],
    *,
    now,
    with_pk: bool = False,
    on_progress: Callable[[int, int], None] | None = None,
) -> int:
    """INSERT one row per dict (keys: field attnames); missing fields take their default, auto_now fields `now`.
    The primary key is left to the database, unless `with_pk` (then every row gives it). `on_progress(rows sent, rows)`
    every PROGRESS_EVERY rows."""
    fields = [field for field in model._meta.concrete_fields if with_pk or not isinstance(field, models.AutoField)]
    defaults = []
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            defaults.append(now)
        else:
            defaults.append(field.get_default())
    columns = [(field.attname, default, _preparer(field)) for field, default in zip(fields, defaults, strict=True)]
    params = [
        [
            row.get(name, default) if prepare is None else prepare(row.get(name, default))
            for name, default, prepare in columns
        ]
        for row in rows
    ]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(field.column) for field in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY: the fastest way in; a many-row INSERT would spend seconds in the client's query formatting.
            # The raw driver cursor: its errors are turned into Django's (IntegrityError...) by hand.
            with connection.wrap_database_errors, cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for start in range(0, len(params), PROGRESS_EVERY):
                    for values in params[start : start + PROGRESS_EVERY]:
                        copy.write_row(values)
                    if on_progress is not None:
                        on_progress(min(start + PROGRESS_EVERY, len(params)), len(params))
        else:
            placeholders = ", ".join(["%s"] * len(fields))
            sql = f"INSERT INTO {table} ({names}) VALUES ({placeholders})"  # noqa: S608 — names come from the model
            for start in range(0, len(params), BATCH_SIZE):
                cursor.executemany(sql, params[start : start + BATCH_SIZE])
                if on_progress is not None:
                    on_progress(min(start + BATCH_SIZE, len(params)), len(params))
    return len(params)
