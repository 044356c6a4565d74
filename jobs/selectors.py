"""Reads about background jobs: the task workers' state, for coordination."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from jobs.models import Job, JobStatus, TaskWorker


@dataclass(frozen=True)
class WorkerState:
    worker: TaskWorker
    alive: bool
    silent_for: datetime.timedelta


def workers_state(*, now: datetime.datetime | None = None) -> list[WorkerState]:
    """Workers seen in the last week, the living first: alive when their last heartbeat is recent and they did not
    say they stopped."""
    now = now or timezone.now()
    stale_before = now - datetime.timedelta(seconds=settings.JOBS["STALE_SECONDS"])
    states = [
        WorkerState(
            worker=worker,
            alive=worker.stopped_at is None and worker.beat_at >= stale_before,
            silent_for=now - worker.beat_at,
        )
        for worker in TaskWorker.objects.order_by("-beat_at")[:20]
    ]
    return sorted(states, key=lambda state: not state.alive)


def jobs_unfinished_count() -> dict[str, int]:
    """Everyone's jobs waiting for a worker, and running: one query on the unfinished jobs' index."""
    return Job.objects.filter(status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).aggregate(
        queued=Count("pk", filter=Q(status=JobStatus.QUEUED)),
        running=Count("pk", filter=Q(status=JobStatus.RUNNING)),
    )


def worker_alive(*, now: datetime.datetime | None = None) -> bool:
    """Whether some task worker said it was alive lately: a job waiting while none is would wait forever."""
    now = now or timezone.now()
    stale_before = now - datetime.timedelta(seconds=settings.JOBS["STALE_SECONDS"])
    return TaskWorker.objects.filter(stopped_at__isnull=True, beat_at__gte=stale_before).exists()
