"""Writes about background jobs: start, progress, result, failure (each one short UPDATE, committed
at once by the worker, so that the progress page sees it)."""

import logging

from django.core.files import File
from django.utils import timezone

from jobs.models import Job, JobStatus

logger = logging.getLogger(__name__)


def job_start(job: Job) -> bool:
    """Take the job; False when it was already taken (a task delivered twice does the work once)."""
    started_at = timezone.now()
    taken = Job.objects.filter(pk=job.pk, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=started_at
    )
    if taken:
        job.status, job.started_at = JobStatus.RUNNING, started_at
    return bool(taken)


def job_progress(job: Job, done: int, total: int | None = None) -> None:
    """Tell how far the work went (`done` out of `total` rows, sheets, lines…)."""
    if total is not None:
        job.progress_total = total
    job.progress_done = min(done, job.progress_total) if job.progress_total is not None else done
    Job.objects.filter(pk=job.pk).update(progress_done=job.progress_done, progress_total=job.progress_total)


def job_attach_file(job: Job, content: File, filename: str) -> None:
    """Store the produced file (default storage: local disk, or S3-compatible storage when configured)."""
    job.result_file.save(filename, content, save=False)
    job.result_filename = filename
    Job.objects.filter(pk=job.pk).update(result_file=job.result_file.name, result_filename=filename)


def job_finish(job: Job, summary: str = "") -> None:
    job.status, job.finished_at = JobStatus.DONE, timezone.now()
    if job.progress_total is not None:
        job.progress_done = job.progress_total
    job.result_summary = summary[:500]
    Job.objects.filter(pk=job.pk).update(
        status=job.status, finished_at=job.finished_at, progress_done=job.progress_done, result_summary=summary[:500]
    )


def job_fail(job: Job, message: str) -> None:
    job.status, job.finished_at, job.error = JobStatus.FAILED, timezone.now(), message[:500]
    Job.objects.filter(pk=job.pk).update(status=job.status, finished_at=job.finished_at, error=job.error)
