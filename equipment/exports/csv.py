"""The equipment CSV export (/materiel/export.csv and its background job): the list's filters, streamed in blocks.

The columns are those of the import (`import_equipment`): an exported file can be imported again as it is. The
BOM and the header go out at once, before any row is read; the rows follow in blocks of ~256 KiB, so a
100,000-row export starts at once and never sits whole in memory.

On PostgreSQL the rows are written by the database itself: `COPY (SELECT …) TO STDOUT` over the filtered queryset,
its SELECT computing each cell exactly as the Python writer does (empty cells for NULL and empty text, decimal
comma, formula neutralisation). A Python row and an HTTP chunk per item cost eight times PostgreSQL's own COPY;
this costs about the COPY. Elsewhere (SQLite, `make run`) the rows go through Python's csv writer
(`equipment.weee.documents.csv_lines`), which stays the reference: both give the same bytes
(tests/equipment/test_export.py).
"""

from collections.abc import Iterator
from decimal import Decimal
from itertools import islice

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import F, Func, TextField

from equipment.filters import ItemFilter
from equipment.imports.csv_rows import HEADER
from equipment.models import Item
from equipment.weee.documents import csv_lines

CHUNK_SIZE = 2000
# Bytes sent at a time: big enough that the per-chunk cost of the response vanishes, small enough for flat memory.
BLOCK_BYTES = 256 * 1024
COLUMNS = (
    "asset_tag",
    "category",
    "manufacturer",
    "model",
    "serial_number",
    "status",
    "received_on",
    "donation__donor__name",
    "weight_kg",
    "notes",
)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return str(value).replace(".", ",")  # what a French spreadsheet reads as a number; the import accepts it
    return str(value)


def export_rows(items) -> Iterator[list[str]]:
    yield list(HEADER)
    for values in items.values_list(*COLUMNS).iterator(chunk_size=CHUNK_SIZE):
        yield [_cell(value) for value in values]


def _head() -> bytes:
    """The BOM and the header line, as `csv_lines` writes them."""
    return "".join(islice(csv_lines(iter([list(HEADER)])), 2)).encode()


class _TextCell(Func):
    """A text cell as `csv_lines` writes it. NULL for an empty text: COPY writes NULL as nothing but quotes an
    empty string (""). A leading = + - @ gets a quote before it, so that no spreadsheet runs it as a formula."""

    template = (
        "CASE WHEN LEFT(%(expressions)s, 1) IN ('=', '+', '-', '@') THEN '''' || %(expressions)s "
        "ELSE NULLIF(%(expressions)s, '') END"
    )
    output_field = TextField()


class _DateCell(Func):
    """A date as Python's str() writes it (ISO), whatever the session's DateStyle."""

    template = "TO_CHAR(%(expressions)s, 'YYYY-MM-DD')"
    output_field = TextField()


class _DecimalCell(Func):
    """A weight with a decimal comma, as `_cell` writes it (numeric(7,2) as text keeps its two decimals, like
    Python's Decimal); weights are never negative (a check constraint), so never taken for a formula."""

    template = "REPLACE(%(expressions)s::text, '.', ',')"
    output_field = TextField()


COPY_CELLS = {"received_on": _DateCell, "weight_kg": _DecimalCell}


def _copy_statement(items) -> str:
    connection = connections[items.db]
    cells = items.values_list(*(COPY_CELLS.get(name, _TextCell)(F(name)) for name in COLUMNS))
    sql, params = cells.query.sql_with_params()
    # COPY takes no bind parameters: the filters' values are merged in by the driver, quoted as literals.
    select = connection.ops.compose_sql(sql, params)
    return f"COPY ({select}) TO STDOUT WITH (FORMAT csv, DELIMITER ';')"


def _copy_blocks(items) -> Iterator[bytes]:
    """The rows written by PostgreSQL's COPY. Each message of the COPY is one row ending in \\n (a note's own line
    breaks are inside quotes, within the message): the Python writer ends rows with \\r\\n."""
    try:
        statement = _copy_statement(items)
    except EmptyResultSet:  # a queryset that can match nothing (.none()): no SQL at all
        return
    block = bytearray()
    with connections[items.db].cursor() as cursor, cursor.copy(statement) as copy:
        for row in copy:
            block += row[:-1]
            block += b"\r\n"
            if len(block) >= BLOCK_BYTES:
                yield bytes(block)
                block.clear()
    if block:
        yield bytes(block)


def _python_blocks(items) -> Iterator[bytes]:
    """The rows written by Python's csv writer (the reference format), grouped into blocks."""
    lines = islice(csv_lines(export_rows(items)), 2, None)  # without the BOM and the header
    block: list[str] = []
    size = 0
    for line in lines:
        block.append(line)
        size += len(line)
        if size >= BLOCK_BYTES:
            yield "".join(block).encode()
            block, size = [], 0
    if block:
        yield "".join(block).encode()


def export_blocks(items) -> Iterator[bytes]:
    """The CSV file of these items (a queryset, in the export's order): BOM and header first, before any query."""
    yield _head()
    if connections[items.db].vendor == "postgresql":
        yield from _copy_blocks(items)
    else:
        yield from _python_blocks(items)


def export_filter(data) -> ItemFilter:
    """The list's filters (/materiel/) over every item, in the export's order: oldest received first."""
    return ItemFilter(data, queryset=Item.objects.order_by("received_on", "id"))
