"""Every job ends: the jobs of a worker that went silent are taken back by a living one — started again when safe,
else failed with a French reason the person reads."""

import datetime

import pytest
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from jobs.models import Job, JobStatus, TaskWorker
from jobs.reclaim import jobs_reclaim, workers_forget
from jobs.registry import RUNNERS, RunnerSpec
from jobs.tasks import job_enqueue
from tests.accounts.factories import UserFactory

EXPORT = "equipment.items_export"


@pytest.fixture(autouse=True)
def queued_in_the_database(settings):
    """The production set-up: a job waits in the database for a worker (none runs here)."""
    settings.JOBS = {"HEARTBEAT_SECONDS": 5, "STALE_SECONDS": 60, "MAX_ATTEMPTS": 3}
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        yield


@pytest.fixture
def fragile(monkeypatch):
    """A kind of work that must not run twice, with a clean-up to watch."""
    ended = []
    monkeypatch.setitem(
        RUNNERS, "tests.fragile", RunnerSpec(runner=lambda job: "", retry_safe=False, on_end=ended.append)
    )
    return ended


def _running(kind=EXPORT, *, silent_for: float, attempts: int = 1) -> Job:
    """A job a worker took `silent_for` seconds before its last heartbeat, the library's task marked running."""
    job = job_enqueue(kind=kind, title="Travail", by=UserFactory(technician=True))
    beat = timezone.now() - datetime.timedelta(seconds=silent_for)
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, attempts=attempts, started_at=beat, heartbeat_at=beat, worker="machine:42:abc"
    )
    DBTaskResult.objects.filter(pk=job.task_id).update(status="RUNNING", started_at=beat)
    job.refresh_from_db()
    return job


def test_a_silent_workers_job_is_queued_again_with_a_new_task_and_a_live_one_is_left_alone():
    lost, alive = _running(silent_for=120), _running(silent_for=2)

    assert jobs_reclaim() == 1

    lost_before, lost = lost.task_id, Job.objects.get(pk=lost.pk)
    assert (lost.status, lost.attempts, lost.worker, lost.heartbeat_at) == (JobStatus.QUEUED, 1, "", None)
    assert lost.task_id != lost_before and DBTaskResult.objects.get(pk=lost.task_id).status == "READY"
    assert DBTaskResult.objects.get(pk=lost_before).status == "FAILED"  # the library's record ends too
    assert Job.objects.get(pk=alive.pk).status == JobStatus.RUNNING
    assert jobs_reclaim() == 0  # once taken back, it waits for a worker like any job


def test_work_that_must_not_run_twice_is_failed_with_a_french_reason(fragile, django_capture_on_commit_callbacks):
    job = _running("tests.fragile", silent_for=120)

    with django_capture_on_commit_callbacks(execute=True):
        jobs_reclaim()

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.finished_at is not None
    assert job.error == (
        "Le travail a été interrompu : le serveur de tâches qui le faisait ne donne plus signe de vie (arrêté "
        "brutalement, ou sa machine perdue). Rien n'a été enregistré à moitié. Relancez-le."
    )
    assert [ended.pk for ended in fragile] == [job.pk]  # its clean-up ran


def test_work_interrupted_three_times_is_failed_and_says_so():
    job = _running(silent_for=120, attempts=3)

    jobs_reclaim()

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "Il a été interrompu trois fois sans aboutir" in job.error


def test_a_waiting_job_whose_task_ended_without_it_is_queued_again():
    """The task failed before the job even started (the database vanished at that moment): nobody would start it."""
    job = job_enqueue(kind=EXPORT, title="Export", by=UserFactory(technician=True))
    old = timezone.now() - datetime.timedelta(minutes=5)
    Job.objects.filter(pk=job.pk).update(created_at=old)
    DBTaskResult.objects.filter(pk=job.task_id).update(status="FAILED")

    assert jobs_reclaim() == 1

    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED and job.attempts == 1  # the lost try counts
    assert DBTaskResult.objects.get(pk=job.task_id).status == "READY"


def test_a_job_waiting_its_turn_is_not_lost_however_long_it_waits():
    job = job_enqueue(kind=EXPORT, title="Export", by=UserFactory(technician=True))
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - datetime.timedelta(days=2))

    assert jobs_reclaim() == 0
    assert Job.objects.get(pk=job.pk).task_id == job.task_id


def test_workers_silent_for_a_week_are_forgotten():
    now = timezone.now()
    for name, seen in [("old", now - datetime.timedelta(days=8)), ("recent", now)]:
        TaskWorker.objects.create(id=name, hostname="machine", pid=1, started_at=seen, beat_at=seen)

    assert workers_forget() == 1
    assert list(TaskWorker.objects.values_list("id", flat=True)) == ["recent"]
