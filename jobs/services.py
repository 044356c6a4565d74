"""Writes about background jobs: start, progress, result, end (each one short UPDATE, committed at once by the
worker, so that the progress page sees it).

The end of a job is written only by the attempt that runs it (status running and the same attempt number): a job
taken back from a silent worker, then started again elsewhere, is never ended twice nor by the wrong one.
"""

import logging

from django.core.files import File
from django.db import connection
from django.db.models import F
from django.utils import timezone

from jobs import heartbeat
from jobs.models import Job, JobStatus

logger = logging.getLogger(__name__)


class JobTakenAway(Exception):
    """This attempt no longer owns its job (taken back after its worker went silent): its work must not count."""


def _this_attempt(job: Job):
    return Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING, attempts=job.attempts)


def job_start(job: Job, *, worker: str = "") -> bool:
    """Take the job; False when it was already taken (a task delivered twice does the work once)."""
    started_at = timezone.now()
    taken = Job.objects.filter(pk=job.pk, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING,
        started_at=started_at,
        heartbeat_at=started_at,
        worker=worker[:100],
        attempts=F("attempts") + 1,
        progress_done=0,
        stage="",
    )
    if taken:
        job.refresh_from_db()
    return bool(taken)


def job_progress(job: Job, done: int, total: int | None = None, *, stage: str | None = None) -> None:
    """Tell how far the work went (`done` out of `total` rows, sheets, lines…), and at which stage.

    In the worker, the heartbeat thread writes it within a second, on its own connection: the job's connection
    may be inside a long transaction, whose writes nobody would see before its end."""
    if total is not None:
        job.progress_total = total
    job.progress_done = min(done, job.progress_total) if job.progress_total is not None else done
    fields = {"progress_done": job.progress_done, "progress_total": job.progress_total}
    if stage is not None:
        job.stage = fields["stage"] = stage[:100]
    beat = heartbeat.current()
    if beat is not None and beat.runs(job):
        beat.progress(job, fields)
    elif not connection.in_atomic_block:
        Job.objects.filter(pk=job.pk).update(**fields)
    # Else the job runs inside a transaction (within a request, under DEBUG): nobody could see the row before its
    # end, and the connection may be busy (a COPY in progress).


def job_attach_file(job: Job, content: File, filename: str) -> None:
    """Store the produced file (default storage: local disk, or S3-compatible storage when configured)."""
    job.result_file.save(filename, content, save=False)
    job.result_filename = filename
    Job.objects.filter(pk=job.pk).update(result_file=job.result_file.name, result_filename=filename)


def job_finish(job: Job, summary: str = "", *, result_data: dict | None = None) -> bool:
    """The work is done. A runner whose work is one transaction calls it inside that transaction, so that the work
    and its end commit together (a job found still running after a crash did not do its work). False when this
    attempt no longer owns the job."""
    finished_at = timezone.now()
    fields = {"status": JobStatus.DONE, "finished_at": finished_at, "result_summary": summary[:500], "stage": ""}
    if job.progress_total is not None:
        fields["progress_done"] = fields["progress_total"] = job.progress_total
    if result_data is not None:
        fields["result_data"] = result_data
    if not _this_attempt(job).update(**fields):
        return False
    for name, value in fields.items():
        setattr(job, name, value)
    return True


def job_fail(job: Job, message: str, *, result_data: dict | None = None) -> bool:
    """The job ended without its result; `message` (French) is what the person reads. False when this attempt no
    longer owns the job."""
    fields = {"status": JobStatus.FAILED, "finished_at": timezone.now(), "error": message[:500], "stage": ""}
    if result_data is not None:
        fields["result_data"] = result_data
    if not _this_attempt(job).update(**fields):
        return False
    for name, value in fields.items():
        setattr(job, name, value)
    return True
