"""PDF documents of an event: handover sheets and check-in list (coordination), invitation letters
(coordination, and a prescriber for their own households)."""

from django.http import Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from accounts.decorators import access_required
from accounts.permissions import Capability
from core.pdf import pdf_response
from distributions.events.documents import checkin_list_pdf, handover_sheets_pdf, invitation_letters_pdf
from distributions.events.enums import PENDING_STATUSES, SEAT_STATUSES
from distributions.events.selectors import event_invitations, sheet_invitations
from distributions.events.views import event_or_404
from jobs.tasks import job_enqueue


def _filename(event, kind: str, suffix: str = "") -> str:
    return f"{kind}-{event.date:%Y-%m-%d}-{event.pk}{suffix}.pdf"


@access_required(Capability.EVENT_MANAGE)
def handover_sheets(request, pk):
    event = event_or_404(request, pk)
    invitations = sheet_invitations(event, request.user)
    return pdf_response(handover_sheets_pdf(event, invitations), _filename(event, "fiches-de-remise"))


@require_POST
@access_required(Capability.EVENT_MANAGE)
def handover_sheets_background(request, pk):
    """The same PDF prepared by a task worker: a large event never holds a web worker; the coordinator follows it on
    the job's page, may leave it, and downloads the file when ready."""
    event = event_or_404(request, pk)
    job = job_enqueue(
        kind="distributions.handover_sheets",
        title=f"Fiches de remise — {event.title} ({event.date:%d/%m/%Y})",
        by=request.user,
        params={"event_id": event.pk},
    )
    return redirect(job)


@access_required(Capability.EVENT_MANAGE)
def handover_sheet(request, pk, invitation_id):
    event = event_or_404(request, pk)
    invitations = sheet_invitations(event, request.user, invitation_id=invitation_id)
    if not invitations:
        raise Http404("Pas de fiche : ce foyer n'a pas de pack attribué à cet événement.")
    return pdf_response(
        handover_sheets_pdf(event, invitations), _filename(event, "fiche-de-remise", f"-{invitation_id}")
    )


@access_required(Capability.EVENT_MANAGE)
def checkin_list(request, pk):
    event = event_or_404(request, pk)
    invitations = list(event_invitations(event, request.user).filter(status__in=SEAT_STATUSES))
    return pdf_response(checkin_list_pdf(event, invitations), _filename(event, "emargement"))


@access_required(Capability.INVITATION_ANSWER)
def invitation_letters(request, pk):
    """Every letter of the event this user may print (a prescriber: their structure's households)."""
    event = event_or_404(request, pk)
    invitations = list(event_invitations(event, request.user).filter(status__in=PENDING_STATUSES))
    return pdf_response(invitation_letters_pdf(event, invitations), _filename(event, "convocations"))


@access_required(Capability.INVITATION_ANSWER)
def invitation_letter(request, pk, invitation_id):
    event = event_or_404(request, pk)
    invitations = list(event_invitations(event, request.user).filter(pk=invitation_id))
    if not invitations:
        raise Http404("Aucune invitation de ce foyer à cet événement.")
    if not invitations[0].is_pending:
        # A household already equipped (or absent, excused, withdrawn) has nothing to be invited to any more.
        status = invitations[0].get_status_display().lower()
        raise Http404(f"Pas de convocation : l'invitation de ce foyer est « {status} ».")
    return pdf_response(
        invitation_letters_pdf(event, invitations), _filename(event, "convocation", f"-{invitation_id}")
    )
