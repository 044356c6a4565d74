"""A person's background jobs: the progress page (they may leave it and come back), the list, the download."""

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render

from accounts.decorators import access_required
from accounts.permissions import Capability
from jobs.models import Job, JobStatus

REFRESH_SECONDS = 2


def _own_job(request, pk) -> Job:
    """Only the person who asked for the work sees it: anyone else gets a 404."""
    return get_object_or_404(Job.objects.filter(created_by=request.user), pk=pk)


@access_required(Capability.ACCOUNT)
def job_list(request):
    jobs = Job.objects.filter(created_by=request.user)[:50]
    return render(request, "jobs/job_list.html", {"jobs": jobs})


@access_required(Capability.ACCOUNT)
def job_detail(request, pk):
    job = _own_job(request, pk)
    refresh = None if job.is_finished else REFRESH_SECONDS
    return render(request, "jobs/job_detail.html", {"job": job, "refresh": refresh})


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
