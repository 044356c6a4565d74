"""The CSV import's background work: checking an uploaded file (for the preview), then importing it. A file of
100,000 rows takes longer than a web request may (gunicorn stops a worker after 30 s): both run in the task worker,
the page follows their progress (lines checked, items written).

Both are safe to start again after an interruption: the check writes nothing, and the import is one transaction
that records the job's end itself — a job found unfinished after a crash wrote nothing, and a job found done wrote
everything. The uploaded file is removed when the import ends (done or failed), when the check refuses it, or after
a day (equipment.imports.pending).
"""

from django.core.exceptions import ValidationError
from django.urls import reverse

from core.text import plural, plural_suffix
from equipment.imports.csv_rows import CsvRow, lines_estimate
from equipment.imports.items_csv import ImportReport, items_csv_check, items_import_csv
from equipment.imports.pending import pending_delete, pending_read
from jobs.models import Job, JobStatus
from jobs.services import JobTakenAway, job_finish, job_progress

CHECK_KIND = "equipment.items_import_check"
IMPORT_KIND = "equipment.items_import"
PREVIEW_ROWS = 20
# A file refused for every one of its 100,000 lines would make a page (and a job row) of 10 MB: the first errors
# are kept, with their count.
ERRORS_KEPT = 1000
CHECKING = "Vérification des lignes"
WRITING = "Enregistrement des matériels"
FILE_GONE = (
    "Le fichier envoyé n'est plus disponible (import annulé, remplacé par un autre fichier, ou gardé plus d'un "
    "jour) : envoyez-le à nouveau."
)


def _content(job: Job) -> bytes:
    content = pending_read(name=job.params.get("name", ""), expected_digest=job.params.get("digest", ""))
    if content is None:
        raise ValidationError(FILE_GONE)
    return content


def _row(row: CsvRow) -> dict:
    return {
        "line": row.line,
        "asset_tag": row.asset_tag,
        "category_label": row.category_label,
        "manufacturer": row.manufacturer,
        "model": row.model,
        "serial_number": row.serial_number,
        "status_label": row.status_label,
        "received_on": f"{row.received_on:%d/%m/%Y}",
        "donor": row.donor,
        "weight_kg": "" if row.weight_kg is None else str(row.weight_kg),
    }


def report_data(report: ImportReport, *, lines: int) -> dict:
    """What the preview page shows of a check (kept on the job: the page never checks the file again)."""
    return {
        "valid": report.is_valid,
        "filename": report.filename,
        "lines": lines,
        "rows": len(report.rows),
        "to_create": len(report.to_create),
        "unchanged": len(report.unchanged),
        "counts": [[label, per_status, total] for label, per_status, total in report.counts_to_create()],
        "erasure_exempt": report.erasure_exempt_count,
        "first_rows": [_row(row) for row in report.to_create[:PREVIEW_ROWS]],
        "errors": report.errors[:ERRORS_KEPT],
        "error_count": len(report.errors),
    }


def items_import_check_run(job: Job) -> str:
    """Check the uploaded file against the database; writes nothing but the job's report."""
    content = _content(job)
    total = lines_estimate(content)
    job_progress(job, 0, total, stage=CHECKING)
    report = items_csv_check(
        content=content,
        filename=job.params.get("filename", ""),
        on_progress=lambda done: job_progress(job, done, stage=CHECKING),
    )
    data = report_data(report, lines=total)
    if report.is_valid:
        data["link"] = {"url": reverse("equipment:import_confirm"), "label": "Voir l'aperçu et confirmer l'import"}
        rows, created, unchanged = len(report.rows), len(report.to_create), len(report.unchanged)
        summary = (
            f"{plural(rows, 'ligne')} vérifiée{plural_suffix(rows)} : {plural(created, 'matériel')} à créer, "
            f"{unchanged} déjà enregistré{plural_suffix(unchanged)} à l'identique."
        )
    else:
        summary = f"{plural(len(report.errors), 'erreur')} : rien ne sera importé."
    job_finish(job, summary, result_data=data)
    return summary


def items_import_run(job: Job) -> str:
    """Check the file again (the recorded items may have changed since the preview), then write it all, the job's
    end included, in one transaction — or nothing."""
    content = _content(job)
    filename = job.params.get("filename", "")
    job_progress(job, 0, lines_estimate(content), stage=CHECKING)

    def finish(report: ImportReport) -> None:
        created, unchanged = len(report.created), len(report.unchanged)
        summary = (
            f"Import de « {filename} » terminé : {plural(created, 'matériel')} créé{plural_suffix(created)}, "
            f"{unchanged} déjà enregistré{plural_suffix(unchanged)} à l'identique."
        )
        data = {
            "created": len(report.created),
            "unchanged": len(report.unchanged),
            "link": {"url": reverse("equipment:list"), "label": "Voir le matériel"},
        }
        if not job_finish(job, summary, result_data=data):
            raise JobTakenAway  # taken back meanwhile: this attempt's rows are rolled back

    report = items_import_csv(
        content=content,
        by=job.created_by,
        filename=filename,
        on_checked=lambda done: job_progress(job, done, stage=CHECKING),
        on_written=lambda done, total: job_progress(job, done, total, stage=WRITING),
        before_commit=finish,
    )
    if not report.is_valid:
        refusal = ValidationError(
            f"Import refusé : {plural(len(report.errors), 'erreur')} dans « {filename} » ; rien n'a été enregistré. "
            "Corrigez le fichier puis envoyez-le à nouveau."
        )
        refusal.result_data = {"errors": report.errors[:ERRORS_KEPT], "error_count": len(report.errors)}
        raise refusal
    return job.result_summary


def items_import_check_end(job: Job) -> None:
    """A refused file is of no more use; a valid one waits for the person's confirmation."""
    if job.status != JobStatus.DONE or not (job.result_data or {}).get("valid"):
        pending_delete(job.params.get("name", ""))


def items_import_end(job: Job) -> None:
    pending_delete(job.params.get("name", ""))
