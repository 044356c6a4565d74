"""The one task of Django's tasks framework behind every background job (it runs the job's registered runner),
and job_enqueue, which records a job and hands it to that task.

Run the worker (database backend, django-tasks-db) with `python manage.py db_worker` — see docs/guides/scaling.md.
"""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.tasks import task

from jobs.models import Job, JobStatus
from jobs.registry import RUNNERS
from jobs.services import job_fail, job_finish, job_start

logger = logging.getLogger(__name__)
FAILURE_MESSAGE = "Le travail a échoué à cause d'une erreur imprévue ; l'équipe technique en a la trace. Relancez-le."


@task
def job_run(job_id: str) -> str:
    job = Job.objects.get(pk=job_id)
    if not job_start(job):
        return job.status
    runner = RUNNERS[job.kind]
    try:
        summary = runner(job) or ""
    except ValidationError as exc:
        job_fail(job, " ".join(exc.messages))
        return JobStatus.FAILED
    except Exception:
        logger.exception("Background job %s (%s) failed", job.pk, job.kind)
        job_fail(job, FAILURE_MESSAGE)
        raise
    job_finish(job, summary)
    return JobStatus.DONE


@transaction.atomic
def job_enqueue(*, kind: str, title: str, by, params: dict | None = None) -> Job:
    """Record the job and hand it to the task backend (same database: both are written, or neither)."""
    if kind not in RUNNERS:
        raise ValidationError(f"Type de travail inconnu : {kind}.")
    job = Job.objects.create(kind=kind, title=title, params=params or {}, created_by=by)
    result = job_run.enqueue(job_id=str(job.pk))
    Job.objects.filter(pk=job.pk, task_id="").update(task_id=str(result.id))
    job.refresh_from_db()
    return job
