"""The equipment CSV export as a background job: same filters, columns and format as /materiel/export.csv
(equipment.exports.csv), written to storage by a task worker, so a 100,000-row export holds no web worker."""

import tempfile

from django.core.files import File
from django.http import QueryDict
from django.utils import timezone

from core.text import plural, plural_suffix
from equipment.exports.csv import export_blocks, export_filter
from jobs.models import Job
from jobs.services import job_attach_file, job_progress


def items_export_queryset(query_string: str):
    """The items the export gives for these filters (the list's query string), in the export's order."""
    return export_filter(QueryDict(query_string)).qs


def items_export_run(job: Job) -> str:
    """Write the file, then attach it. No progress between the start and the end: on PostgreSQL the rows come from
    one COPY, which holds the connection until its last row (and writes 100,000 rows in well under a second)."""
    queryset = items_export_queryset(job.params.get("query", ""))
    total = queryset.count()
    job_progress(job, 0, total)
    with tempfile.TemporaryFile() as spool:
        for block in export_blocks(queryset):
            spool.write(block)
        job_progress(job, total)
        spool.seek(0)
        job_attach_file(job, File(spool), f"materiel-{timezone.localdate():%Y-%m-%d}.csv")
    return f"{plural(total, 'matériel')} exporté{plural_suffix(total)}."
