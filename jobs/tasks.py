"""The one task of Django's tasks framework behind every background job: it runs the job's registered runner.

Run the worker (database backend, django-tasks-db) with `python manage.py db_worker` — see docs/guides/scaling.md.
"""

import logging

from django.core.exceptions import ValidationError
from django.tasks import task
from django.utils.module_loading import import_string

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
    runner = import_string(RUNNERS[job.kind])
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
