"""/materiel/export.csv: the equipment list with the filters of /materiel/, streamed row by row.

The rows come from the database in chunks (`iterator(chunk_size=...)`, a server-side cursor on PostgreSQL) and go
out as soon as they are written, so a 100,000-row export starts at once and never sits whole in memory. The columns
are those of the import (`import_equipment`): an exported file can be imported again as it is.
"""

from collections.abc import Iterator
from decimal import Decimal
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import user_passes_test
from django.http import StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from equipment.filters import ItemFilter
from equipment.imports.csv_rows import HEADER
from equipment.models import Item
from equipment.weee import csv_lines

CHUNK_SIZE = 2000
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


@user_passes_test(lambda user: user.is_coordination or user.is_technician)
def item_export(request):
    item_filter = ItemFilter(request.GET, queryset=Item.objects.order_by("received_on", "id"))
    if not item_filter.is_valid():
        problems = "; ".join(
            f"{item_filter.form.fields[name].label} : {' '.join(errors)}" if name in item_filter.form.fields else ""
            for name, errors in item_filter.errors.items()
        )
        messages.error(request, f"Export impossible, un filtre est invalide — {problems}")
        query = urlencode([(key, value) for key, value in request.GET.items() if key != "page"])
        return redirect(f"{reverse('equipment:list')}?{query}" if query else reverse("equipment:list"))
    response = StreamingHttpResponse(csv_lines(export_rows(item_filter.qs)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="materiel-{timezone.localdate():%Y-%m-%d}.csv"'
    return response
