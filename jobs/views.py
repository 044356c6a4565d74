"""A person's background jobs: the progress page (they may leave it and come back), the list, the download, and
« Relancer » for a failed one. Coordination also sees whether a task worker is alive."""

import datetime

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.decorators import access_required
from accounts.permissions import Capability, may
from jobs.models import Job, JobStatus
from jobs.registry import RUNNERS
from jobs.selectors import jobs_unfinished_count, worker_alive, workers_state
from jobs.tasks import job_relaunch

REFRESH_SECONDS = 2


def _own_job(request, pk) -> Job:
    """Only the person who asked for the work sees it: anyone else gets a 404."""
    return get_object_or_404(Job.objects.filter(created_by=request.user), pk=pk)


@access_required(Capability.ACCOUNT)
def job_list(request):
    jobs = Job.objects.filter(created_by=request.user)[:50]
    context = {"jobs": jobs}
    if may(request.user, Capability.JOB_SUPERVISION):
        context["workers"] = workers_state()
        context["unfinished"] = jobs_unfinished_count()
        context["any_worker_alive"] = any(state.alive for state in context["workers"])
    return render(request, "jobs/job_list.html", context)


def _start_url(spec) -> str:
    if spec is None or not spec.start_url_name:
        return ""
    try:
        return reverse(spec.start_url_name)
    except NoReverseMatch:
        return ""


@access_required(Capability.ACCOUNT)
def job_detail(request, pk):
    job = _own_job(request, pk)
    spec = RUNNERS.get(job.kind)
    now = timezone.now()
    stale = datetime.timedelta(seconds=settings.JOBS["STALE_SECONDS"])
    context = {
        "job": job,
        "refresh": None if job.is_finished else REFRESH_SECONDS,
        "relaunchable": job.status == JobStatus.FAILED and spec is not None and spec.relaunchable,
        "start_url": _start_url(spec),
        "silent": job.status == JobStatus.RUNNING and job.heartbeat_at is not None and now - job.heartbeat_at > stale,
        # A job waiting with no worker alive would wait forever without anyone knowing why.
        "no_worker": job.status == JobStatus.QUEUED and not worker_alive(now=now),
        "errors": (job.result_data or {}).get("errors", []),
        "link": (job.result_data or {}).get("link"),
    }
    return render(request, "jobs/job_detail.html", context)


@access_required(Capability.ACCOUNT)
@require_POST
def job_relaunch_view(request, pk):
    job = _own_job(request, pk)
    try:
        again = job_relaunch(job=job, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(job)
    messages.success(request, f"« {job.title} » est relancé.")
    return redirect(again)


@access_required(Capability.ACCOUNT)
def job_download(request, pk):
    job = _own_job(request, pk)
    if job.status != JobStatus.DONE or not job.result_file:
        raise Http404("Ce travail n'a pas (encore) produit de fichier.")
    storage = job.result_file.storage
    try:
        storage.path(job.result_file.name)
    except NotImplementedError:
        # Remote storage (S3-compatible): the browser fetches the file there, through a short-lived signed URL.
        return redirect(storage.url(job.result_file.name))
    if not storage.exists(job.result_file.name):
        raise Http404("Le fichier de ce travail n'existe plus.")
    return FileResponse(job.result_file.open("rb"), as_attachment=True, filename=job.result_filename)
