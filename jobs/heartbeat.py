"""The task worker's heartbeat: a thread that writes, every JOBS["HEARTBEAT_SECONDS"], that the worker is alive and
that the job it runs still is (with the job's latest progress), and does the worker's housekeeping (taking back the
jobs of workers that went silent).

It has its own database connection (Django's connections are per thread), so it keeps beating while the job's
connection is busy — in a long transaction (an import holds one until its last row), or waiting for a database
that went away. Only the worker process runs one; elsewhere (a job run inside a request under DEBUG, or in tests)
there is none and progress is written directly.
"""

import logging
import os
import socket
import threading
import time
from collections.abc import Callable

from django.db import Error, connection
from django.utils import timezone

from jobs.models import Job, JobStatus, TaskWorker

logger = logging.getLogger(__name__)
# Progress waits at most this long before it reaches the progress page.
PROGRESS_FLUSH_SECONDS = 1.0

_current: "Heartbeat | None" = None


def current() -> "Heartbeat | None":
    """The heartbeat of this process (a worker), or None."""
    return _current


def worker_id_new() -> str:
    """Readable and unique: the machine, the process, a random tail (a pid is reused after a restart)."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{os.urandom(3).hex()}"


class Heartbeat:
    def __init__(self, worker_id: str, *, interval: float, housekeeping: Callable[[], object] | None = None):
        self.worker_id = worker_id
        self.interval = interval
        self.housekeeping = housekeeping
        self._lock = threading.Lock()
        self._job: tuple | None = None  # (job id, attempt) of the job this worker runs
        self._pending: dict = {}  # progress fields not yet written
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._outage_logged = False

    # --- called from the worker's main thread ---

    def start(self) -> None:
        global _current
        _current = self
        self._thread = threading.Thread(target=self._run, name="filiere-heartbeat", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        global _current
        if _current is self:
            _current = None
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def job_started(self, job: Job) -> None:
        with self._lock:
            self._job, self._pending = (job.pk, job.attempts), {}
        self._wake.set()

    def job_ended(self, job: Job) -> None:
        with self._lock:
            if self._job is not None and self._job[0] == job.pk:
                self._job, self._pending = None, {}

    def runs(self, job: Job) -> bool:
        with self._lock:
            return self._job is not None and self._job[0] == job.pk

    def progress(self, job: Job, fields: dict) -> None:
        """Progress to write with the next beat (within PROGRESS_FLUSH_SECONDS)."""
        with self._lock:
            if self._job is not None and self._job[0] == job.pk:
                self._pending.update(fields)

    # --- the thread ---

    def _run(self) -> None:
        last_beat = last_housekeeping = float("-inf")
        try:
            while not self._stop.is_set():
                now = time.monotonic()
                try:
                    if now - last_beat >= self.interval:
                        self._beat(worker_too=True)
                        last_beat = now
                    elif self._pending:
                        self._beat(worker_too=False)
                    if self.housekeeping is not None and now - last_housekeeping >= self.interval:
                        last_housekeeping = now
                        self.housekeeping()
                    self._outage_logged = False
                except Error as error:
                    # The database is away (or refused a write): beat again at the next tick, on a new connection.
                    if not self._outage_logged:
                        logger.warning("Heartbeat of worker %s not written: %s", self.worker_id, error)
                        self._outage_logged = True
                    connection.close()
                except Exception:
                    logger.exception("Heartbeat of worker %s failed", self.worker_id)
                self._wake.wait(timeout=min(PROGRESS_FLUSH_SECONDS, self.interval))
                self._wake.clear()
            self._worker_stopped()
        finally:
            connection.close()

    def _beat(self, *, worker_too: bool) -> None:
        with self._lock:
            job, pending = self._job, self._pending
            self._pending = {}
        now = timezone.now()
        try:
            if job is not None:
                # Only while the job is still this attempt's: a job taken back meanwhile is left to its new owner.
                Job.objects.filter(pk=job[0], status=JobStatus.RUNNING, attempts=job[1]).update(
                    heartbeat_at=now, **pending
                )
            if worker_too:
                updated = TaskWorker.objects.filter(pk=self.worker_id).update(
                    beat_at=now, busy=job is not None, stopped_at=None
                )
                if not updated:
                    TaskWorker.objects.create(
                        id=self.worker_id,
                        hostname=socket.gethostname()[:200],
                        pid=os.getpid(),
                        started_at=now,
                        beat_at=now,
                        busy=job is not None,
                    )
        except Error:
            with self._lock:  # written at the next beat, unless newer values came meanwhile
                if self._job == job:
                    self._pending = {**pending, **self._pending}
            raise

    def _worker_stopped(self) -> None:
        try:
            TaskWorker.objects.filter(pk=self.worker_id).update(stopped_at=timezone.now(), busy=False)
        except Error:
            pass  # the database is away: the worker's silence says the same
