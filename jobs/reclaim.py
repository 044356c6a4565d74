"""Every job ends: the jobs of a worker that went silent (killed, its machine lost, stuck) are taken back by any
living worker — started again when the work is safe to repeat and tries are left, else failed with a French reason.

Two cases, looked at every few seconds by each worker (jobs.heartbeat):
- a running job whose heartbeat is older than JOBS["STALE_SECONDS"];
- a waiting job whose task can no longer start it (the task ended, vanished, or its worker died between taking the
  task and starting the job).
"""

import datetime
import logging
import uuid

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from jobs.models import Job, JobStatus, TaskWorker
from jobs.registry import RUNNERS
from jobs.tasks import WORKER_LOST, interruption_message, job_cleanup, job_requeue

logger = logging.getLogger(__name__)
READY, RUNNING, FAILED = "READY", "RUNNING", "FAILED"
# Workers silent for this long disappear from the list shown to coordination.
FORGET_WORKERS_AFTER = datetime.timedelta(days=7)


def _stale_before(now: datetime.datetime) -> datetime.datetime:
    return now - datetime.timedelta(seconds=settings.JOBS["STALE_SECONDS"])


def _task_cannot_start_job(task: DBTaskResult | None, stale_before) -> bool:
    if task is None or task.status not in {READY, RUNNING}:
        return True
    return task.status == RUNNING and task.started_at is not None and task.started_at < stale_before


def _take_back(job: Job, now: datetime.datetime) -> bool:
    """Inside a transaction, the job's row locked and still in the state it was found in. True when taken back."""
    spec = RUNNERS.get(job.kind)
    # The library's record of the lost task would say « running » forever.
    DBTaskResult.objects.filter(pk=job.task_id or None, status=RUNNING).update(
        status=FAILED,
        finished_at=now,
        exception_class_path="jobs.reclaim.WorkerLost",
        traceback="Taken back: the worker running this task went silent.",
    )
    never_started = job.status == JobStatus.QUEUED
    tries_left = job.attempts < settings.JOBS["MAX_ATTEMPTS"]
    if spec is not None and spec.retry_safe and tries_left:
        logger.warning("Background job %s (%s) taken back from a silent worker, queued again", job.pk, job.kind)
        return job_requeue(job, count_attempt=never_started)
    logger.warning("Background job %s (%s) taken back from a silent worker, failed", job.pk, job.kind)
    ended = Job.objects.filter(pk=job.pk, status=job.status, attempts=job.attempts).update(
        status=JobStatus.FAILED,
        finished_at=now,
        stage="",
        error=interruption_message(job, spec, WORKER_LOST)[:500],
    )
    if ended:
        transaction.on_commit(lambda: job_cleanup(job, spec))
    return bool(ended)


def jobs_reclaim(*, now: datetime.datetime | None = None) -> int:
    """Take back the jobs no living worker will end; return how many."""
    now = now or timezone.now()
    stale_before = _stale_before(now)
    silent = Q(status=JobStatus.RUNNING) & (
        Q(heartbeat_at__lt=stale_before) | Q(heartbeat_at__isnull=True, started_at__lt=stale_before)
    )
    waiting = Q(status=JobStatus.QUEUED, created_at__lt=stale_before)
    candidates = list(Job.objects.filter(silent | waiting).only("pk", "status", "task_id").order_by())
    if not candidates:
        return 0
    task_ids = [job.task_id for job in candidates if job.task_id]
    tasks = {str(task.pk): task for task in DBTaskResult.objects.filter(pk__in=task_ids)}
    taken = 0
    for candidate in candidates:
        if candidate.status == JobStatus.QUEUED:
            task = tasks.get(str(uuid.UUID(candidate.task_id))) if candidate.task_id else None
            if not _task_cannot_start_job(task, stale_before):
                continue  # waiting its turn, or for a worker to be started: not lost
        with transaction.atomic():
            # Locked, skipping a job another worker is taking back at this very moment; state checked again.
            job = Job.objects.select_for_update(skip_locked=True).filter(Q(pk=candidate.pk) & (silent | waiting))
            job = job.first()
            if job is not None and _take_back(job, now):
                taken += 1
    return taken


def workers_forget(*, now: datetime.datetime | None = None) -> int:
    """Drop workers silent for a week from the list."""
    now = now or timezone.now()
    deleted, _ = TaskWorker.objects.filter(beat_at__lt=now - FORGET_WORKERS_AFTER).delete()
    return deleted


def worker_housekeeping() -> None:
    """What each worker does every few seconds, besides its heartbeat."""
    jobs_reclaim()
    workers_forget()
