"""The one task of Django's tasks framework behind every background job (it runs the job's registered runner),
job_enqueue, which records a job and hands it to that task, and what makes every job end: an interrupted attempt is
started again when the work is safe to repeat, or failed with a French reason.

Run the worker (database backend, django-tasks-db) with `python manage.py db_worker` — see docs/guides/scaling.md.
"""

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.tasks import task

from core.db_errors import database_unreachable, until_database_answers
from jobs import heartbeat
from jobs.models import Job, JobStatus
from jobs.registry import RUNNERS, RunnerSpec
from jobs.services import JobTakenAway, job_fail, job_finish, job_start

logger = logging.getLogger(__name__)
FAILURE_MESSAGE = "Le travail a échoué à cause d'une erreur imprévue ; l'équipe technique en a la trace. Relancez-le."
STOPPED = "Le travail a été interrompu : le serveur de tâches a été arrêté pendant qu'il le faisait."
DATABASE_LOST = "Le travail a été interrompu : la base de données a cessé de répondre pendant qu'il se faisait."
WORKER_LOST = (
    "Le travail a été interrompu : le serveur de tâches qui le faisait ne donne plus signe de vie (arrêté "
    "brutalement, ou sa machine perdue)."
)
NOTHING_HALF_DONE = " Rien n'a été enregistré à moitié."
# A stopping worker (second Ctrl+C or SIGTERM) records the interruption at once or leaves it to the reclaim; a
# worker that lost its database waits for it, since it can do nothing else meanwhile.
STOPPING_PATIENCE = 3.0
OUTAGE_PATIENCE = 15 * 60.0


def _attempts_word(count: int) -> str:
    return {1: "une fois", 2: "deux fois", 3: "trois fois"}.get(count, f"{count} fois")


def interruption_message(job: Job, spec: RunnerSpec | None, reason: str) -> str:
    """The French reason a person reads when interrupted work is not started again."""
    if spec is not None and spec.retry_safe and job.attempts >= settings.JOBS["MAX_ATTEMPTS"]:
        then = f" Il a été interrompu {_attempts_word(job.attempts)} sans aboutir : relancez-le plus tard, ou "
        then += "prévenez l'équipe technique si cela se reproduit."
    elif spec is not None and not spec.relaunchable:
        then = " Recommencez depuis la page de départ."
    else:
        then = " Relancez-le."
    return f"{reason}{NOTHING_HALF_DONE}{then}"


def job_cleanup(job: Job, spec: RunnerSpec | None) -> None:
    """The job ended for good: its registered clean-up (an uploaded file removed…), never allowed to fail it."""
    if spec is not None and spec.on_end is not None:
        try:
            spec.on_end(job)
        except Exception:
            logger.exception("Clean-up of background job %s (%s) failed", job.pk, job.kind)


def job_requeue(job: Job, *, count_attempt: bool = False) -> bool:
    """Give the job back to the queue, to be started again (by any worker): status waiting, a new task. Only from
    the state `job` was read in (same status and attempt); False when someone else moved it meanwhile."""
    fields = {
        "status": JobStatus.QUEUED,
        "started_at": None,
        "heartbeat_at": None,
        "worker": "",
        "progress_done": 0,
        "stage": "",
        "error": "",
    }
    if count_attempt:  # a job lost before it even started: its tries are counted all the same
        fields["attempts"] = F("attempts") + 1
    with transaction.atomic():
        if not Job.objects.filter(pk=job.pk, status=job.status, attempts=job.attempts).update(**fields):
            return False
        result = job_run.enqueue(job_id=str(job.pk))
        Job.objects.filter(pk=job.pk, status=JobStatus.QUEUED).update(task_id=str(result.id))
    return True


def job_interrupted(job: Job, spec: RunnerSpec | None, reason: str) -> str:
    """An attempt stopped before its end: started again when safe (and tries are left), else failed, in French.
    Returns the job's new status."""
    if spec is not None and spec.retry_safe and job.attempts < settings.JOBS["MAX_ATTEMPTS"]:
        if not job_requeue(job):
            return job.status
        logger.warning("Background job %s (%s) interrupted, queued again: %s", job.pk, job.kind, reason)
        return JobStatus.QUEUED
    if job_fail(job, interruption_message(job, spec, reason)):
        job_cleanup(job, spec)
        return JobStatus.FAILED
    return job.status


@task
def job_run(job_id: str) -> str:
    job = Job.objects.filter(pk=job_id).first()
    if job is None:
        return "missing"
    beat = heartbeat.current()
    if not job_start(job, worker=beat.worker_id if beat is not None else ""):
        return job.status
    spec = RUNNERS.get(job.kind)
    if beat is not None:
        beat.job_started(job)
    try:
        if spec is None:
            raise RuntimeError(f"No runner registered for background job kind {job.kind!r}")
        summary = spec.runner(job) or ""
    except JobTakenAway:
        logger.warning("Background job %s was taken back while running: this attempt's work was not kept", job.pk)
        return "taken"
    except ValidationError as error:
        # The runner's own refusal (a file that no longer checks out…): final, in French.
        if job_fail(job, " ".join(error.messages), result_data=getattr(error, "result_data", None)):
            job_cleanup(job, spec)
        return JobStatus.FAILED
    except BaseException as error:
        stopping = not isinstance(error, Exception)  # SystemExit from a second SIGTERM, KeyboardInterrupt
        if not stopping and not database_unreachable(error):
            logger.exception("Background job %s (%s) failed", job.pk, job.kind)
            if job_fail(job, FAILURE_MESSAGE):
                job_cleanup(job, spec)
            raise
        reason = STOPPED if stopping else DATABASE_LOST
        try:
            until_database_answers(
                lambda: job_interrupted(job, spec, reason),
                patience=STOPPING_PATIENCE if stopping else OUTAGE_PATIENCE,
                what=f"the interruption of job {job.pk}",
            )
        except Exception:
            logger.exception("Interruption of background job %s not recorded: the reclaim will end it", job.pk)
        if stopping:
            raise
        return "interrupted"
    else:
        # Runners whose work is one transaction ended their job inside it (job_finish): nothing left to write.
        if job.status != JobStatus.DONE and not job_finish(job, summary):
            return "taken"
        job_cleanup(job, spec)
        return JobStatus.DONE
    finally:
        if beat is not None:
            beat.job_ended(job)


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


def job_relaunch(*, job: Job, by) -> Job:
    """« Relancer »: the same work asked again, as a new job (the failed one stays, with its reason)."""
    spec = RUNNERS.get(job.kind)
    if job.created_by_id != by.pk:
        raise PermissionDenied("Seule la personne qui a demandé ce travail peut le relancer.")
    if job.status != JobStatus.FAILED:
        raise ValidationError("Seul un travail échoué se relance.")
    if spec is None or not spec.relaunchable:
        raise ValidationError("Ce travail ne se relance pas d'ici : recommencez depuis la page de départ.")
    if spec.may_start is not None and not spec.may_start(by):
        raise PermissionDenied("Votre compte ne peut plus demander ce travail.")
    return job_enqueue(kind=job.kind, title=job.title, by=by, params=job.params)
