import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse


class JobStatus(models.TextChoices):
    QUEUED = "queued", "En attente"
    RUNNING = "running", "En cours"
    DONE = "done", "Terminé"
    FAILED = "failed", "Échoué"


FINISHED_STATUSES = frozenset({JobStatus.DONE, JobStatus.FAILED})


class Job(models.Model):
    """Long work run by a task worker (a big export, an event's PDFs, a big import), followed on its own page."""

    # A random id: the job's page and file are reached by URL, and ids must not be guessable.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField("type", max_length=50)
    title = models.CharField("intitulé", max_length=200)
    params = models.JSONField("paramètres", default=dict, blank=True)
    status = models.CharField("état", max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress_done = models.PositiveIntegerField("fait", default=0)
    progress_total = models.PositiveIntegerField("à faire", null=True, blank=True)
    stage = models.CharField("étape", max_length=100, blank=True)
    result_file = models.FileField("fichier produit", upload_to="travaux/%Y/%m/", blank=True, max_length=300)
    result_filename = models.CharField("nom du fichier", max_length=200, blank=True)
    result_summary = models.CharField("résultat", max_length=500, blank=True)
    # What the work found, for the page that follows it (an import's preview, its refused lines…).
    result_data = models.JSONField("résultat détaillé", default=dict, blank=True)
    error = models.CharField("erreur", max_length=500, blank=True)
    task_id = models.CharField("identifiant de la tâche", max_length=64, blank=True)
    # Each start counts one attempt; an interrupted attempt (worker stopped or killed, database lost) is started
    # again when the work is safe to repeat, up to JOB_MAX_ATTEMPTS, or failed with a French reason.
    attempts = models.PositiveSmallIntegerField("tentatives", default=0)
    worker = models.CharField("serveur de tâches", max_length=100, blank=True)
    # Written every few seconds by the worker running the job; a running job silent for JOB_STALE_SECONDS is
    # taken back by another worker (jobs.services.jobs_reclaim).
    heartbeat_at = models.DateTimeField("dernier signe de vie", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="demandé par", on_delete=models.CASCADE, related_name="jobs"
    )
    created_at = models.DateTimeField("demandé le", auto_now_add=True)
    started_at = models.DateTimeField("commencé le", null=True, blank=True)
    finished_at = models.DateTimeField("fini le", null=True, blank=True)

    class Meta:
        verbose_name = "travail en arrière-plan"
        verbose_name_plural = "travaux en arrière-plan"
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["created_by", "-created_at"], name="job_user_created_idx"),
            # The reclaim's look-up of unfinished jobs, every few seconds in each worker.
            models.Index(
                fields=["status", "heartbeat_at"],
                name="job_unfinished_idx",
                condition=Q(status__in=["queued", "running"]),
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=JobStatus.values), name="job_status_valid"),
            models.CheckConstraint(
                condition=Q(progress_total__isnull=True) | Q(progress_done__lte=F("progress_total")),
                name="job_progress_within_total",
            ),
            models.CheckConstraint(
                condition=~Q(status=JobStatus.FAILED) | ~Q(error=""), name="job_failure_has_message"
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.get_status_display().lower()})"

    def get_absolute_url(self):
        return reverse("jobs:detail", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_STATUSES

    @property
    def percent(self) -> int | None:
        if not self.progress_total:
            return 100 if self.status == JobStatus.DONE else None
        return min(100, self.progress_done * 100 // self.progress_total)


class TaskWorker(models.Model):
    """A running `manage.py db_worker` process, as it last said (every JOB_HEARTBEAT_SECONDS): coordination sees on
    /taches/ whether background work can run at all."""

    id = models.CharField("identifiant", max_length=100, primary_key=True)
    hostname = models.CharField("machine", max_length=200)
    pid = models.PositiveIntegerField("processus")
    started_at = models.DateTimeField("démarré le")
    beat_at = models.DateTimeField("dernier signe de vie")
    stopped_at = models.DateTimeField("arrêté le", null=True, blank=True)
    busy = models.BooleanField("occupé", default=False)

    class Meta:
        verbose_name = "serveur de tâches"
        verbose_name_plural = "serveurs de tâches"
        ordering = ["-beat_at"]

    def __str__(self):
        return f"{self.hostname} ({self.pid})"
