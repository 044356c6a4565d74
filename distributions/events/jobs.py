"""Runners for documents of other apps that do not (yet) host their own: they only call those apps' functions."""

from django.core.files.base import ContentFile

from core.text import plural
from distributions.events.documents import handover_sheets_pdf
from distributions.events.models import Event
from distributions.events.selectors import sheet_invitations
from jobs.models import Job
from jobs.services import job_attach_file, job_progress


def handover_sheets_run(job: Job) -> str:
    """Every handover sheet of an event as one PDF (params: event_id): hundreds of pages without holding a web
    worker."""
    event = Event.objects.get(pk=job.params["event_id"])
    invitations = sheet_invitations(event, None)
    job_progress(job, 0, len(invitations))
    content = handover_sheets_pdf(event, invitations)
    job_progress(job, len(invitations))
    job_attach_file(job, ContentFile(content), f"fiches-de-remise-{event.date:%Y-%m-%d}-{event.pk}.pdf")
    return plural(len(invitations), "fiche de remise", "fiches de remise")
