"""The equipment CSV export as a background job: same filters, columns and format as /materiel/export.csv
(equipment.export_views), written to storage by a task worker, so a 100,000-row export holds no web worker."""

import tempfile

from django.core.files import File
from django.http import QueryDict
from django.utils import timezone

from equipment.export_views import export_rows
from equipment.filters import ItemFilter
from equipment.models import Item
from equipment.weee import csv_lines
from jobs.models import Job
from jobs.services import job_attach_file, job_progress

PROGRESS_EVERY_ROWS = 5000


def items_export_queryset(query_string: str):
    """The items the export gives for these filters (the list's query string), in the export's order."""
    item_filter = ItemFilter(QueryDict(query_string), queryset=Item.objects.order_by("received_on", "id"))
    return item_filter.qs


def items_export_run(job: Job) -> str:
    queryset = items_export_queryset(job.params.get("query", ""))
    total = queryset.count()
    job_progress(job, 0, total)
    with tempfile.TemporaryFile() as spool:
        for line_number, line in enumerate(csv_lines(export_rows(queryset))):
            spool.write(line.encode())
            rows = line_number - 1  # the BOM and the header come first
            if rows > 0 and rows % PROGRESS_EVERY_ROWS == 0:
                job_progress(job, rows)
        spool.seek(0)
        job_attach_file(job, File(spool), f"materiel-{timezone.localdate():%Y-%m-%d}.csv")
    return f"{total} matériel(s) exporté(s)."
