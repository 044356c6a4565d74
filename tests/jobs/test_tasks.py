"""A job always ends: an attempt interrupted by the database going away or by the worker being stopped is given back
to the queue when the work is safe to repeat, else failed with a French reason; a refusal or a bug ends it."""

import psycopg
import pytest
from django.core.exceptions import ValidationError
from django.db import OperationalError
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from equipment.imports.jobs import IMPORT_KIND, items_import_run
from equipment.imports.pending import pending_store
from equipment.models import Item
from jobs.models import Job, JobStatus
from jobs.registry import RUNNERS, RunnerSpec
from jobs.services import JobTakenAway, job_start
from jobs.tasks import FAILURE_MESSAGE, job_enqueue, job_run
from tests.accounts.factories import UserFactory
from tests.equipment.imports.test_views import HEADER_LINE, ROWS


def _lost_database():
    """What Django raises when the server went away in the middle of a query."""
    try:
        try:
            raise psycopg.OperationalError("server closed the connection unexpectedly")
        except psycopg.OperationalError as driver_error:
            raise OperationalError(str(driver_error)) from driver_error
    except OperationalError as error:
        return error


@pytest.fixture
def kind(monkeypatch):
    """A registered kind of work whose runner and retry rule each test chooses."""

    def register(runner, *, retry_safe):
        monkeypatch.setitem(RUNNERS, "tests.work", RunnerSpec(runner=runner, retry_safe=retry_safe))
        return "tests.work"

    return register


@pytest.fixture
def queued_in_the_database():
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        yield


def _job(kind_name) -> Job:
    return job_enqueue(kind=kind_name, title="Travail", by=UserFactory(technician=True))


def _raise(error):
    def runner(job):
        raise error

    return runner


def test_a_database_lost_mid_job_gives_safe_work_back_to_the_queue(kind, queued_in_the_database):
    job = _job(kind(_raise(_lost_database()), retry_safe=True))

    assert job_run.call(job_id=str(job.pk)) == "interrupted"

    job.refresh_from_db()
    assert (job.status, job.attempts, job.error) == (JobStatus.QUEUED, 1, "")
    assert DBTaskResult.objects.filter(pk=job.task_id, status="READY").exists()  # a new task will start it


def test_a_database_lost_mid_job_fails_work_that_must_not_run_twice(kind):
    job = _job(kind(_raise(_lost_database()), retry_safe=False))

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error == (
        "Le travail a été interrompu : la base de données a cessé de répondre pendant qu'il se faisait. Rien n'a "
        "été enregistré à moitié. Relancez-le."
    )


def test_a_worker_stopped_mid_job_gives_the_job_back_then_stops(kind, queued_in_the_database):
    """A second SIGTERM raises SystemExit in the middle of the work: the job row must not stay « en cours »."""
    job = _job(kind(_raise(SystemExit(1)), retry_safe=True))

    with pytest.raises(SystemExit):
        job_run.call(job_id=str(job.pk))

    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED and job.attempts == 1


def test_a_worker_stopped_mid_job_fails_work_that_must_not_run_twice(kind, queued_in_the_database):
    job = _job(kind(_raise(SystemExit(1)), retry_safe=False))

    with pytest.raises(SystemExit):
        job_run.call(job_id=str(job.pk))

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error.startswith("Le travail a été interrompu : le serveur de tâches a été arrêté pendant")


def test_a_refusal_ends_the_job_with_its_french_message_and_no_retry(kind):
    refusal = ValidationError("Le fichier envoyé n'est plus disponible.")
    refusal.result_data = {"errors": ["ligne 2 : catégorie inconnue"]}
    job = _job(kind(_raise(refusal), retry_safe=True))

    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.FAILED, 1)
    assert job.error == "Le fichier envoyé n'est plus disponible." and job.result_data["errors"]


def test_a_bug_ends_the_job_with_a_french_message_not_the_trace(kind, queued_in_the_database):
    job = _job(kind(_raise(RuntimeError("disk full")), retry_safe=True))

    with pytest.raises(RuntimeError):  # the worker logs the trace
        job_run.call(job_id=str(job.pk))

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.error == FAILURE_MESSAGE


def test_an_import_taken_back_meanwhile_keeps_none_of_its_rows(tmp_path, settings):
    """If the job was taken back while this attempt wrote (its worker was thought dead), this attempt's rows are
    rolled back with it: the import happens once, by whoever owns the job."""
    settings.MEDIA_ROOT = tmp_path
    content = ("\n".join([HEADER_LINE, *ROWS]) + "\n").encode()
    params = pending_store({}, content=content, filename="lot.csv")
    job = Job.objects.create(kind=IMPORT_KIND, title="Import", params=params, created_by=UserFactory(technician=True))
    assert job_start(job)
    Job.objects.filter(pk=job.pk).update(attempts=2)  # taken back, and started again elsewhere

    with pytest.raises(JobTakenAway):
        items_import_run(job)

    assert Item.objects.count() == 0
    assert Job.objects.get(pk=job.pk).status == JobStatus.RUNNING  # left to its owner
