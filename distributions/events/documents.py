"""Documents of a distribution event: handover sheets (fiches de remise), the check-in list, invitation letters.

A whole event is laid out as ONE WeasyPrint document (one page per household), never N documents merged:
the layout engine's start-up cost is paid once, so 40 sheets take seconds.
"""

from django.conf import settings
from django.utils import timezone

from core.pdf import render_pdf
from distributions.events.models import Event, Invitation

STYLESHEETS = ("pdf/document.css", "pdf/distributions.css")


def _context(event: Event) -> dict:
    config = settings.FILIERE
    return {
        "event": event,
        "agenda": list(event.agenda.all()),
        "partners": config["PARTNERS"],
        "warranty": config["WARRANTY"],
        "support_contact": config["SUPPORT_CONTACT"],
        "data_notice": config["DATA_NOTICE"],
        "printed_on": timezone.localdate(),
    }


def handover_sheets_pdf(event: Event, invitations: list[Invitation]) -> bytes:
    """One A4 per household (invitations from event_selectors.sheet_invitations, items attached)."""
    context = {**_context(event), "invitations": invitations}
    return render_pdf("distributions/handover_sheets_pdf.html", context, stylesheets=STYLESHEETS)


def checkin_list_pdf(event: Event, invitations: list[Invitation]) -> bytes:
    """The list to tick at the door: names, commune, pack number, arrival time."""
    context = {**_context(event), "invitations": invitations}
    return render_pdf("distributions/checkin_list_pdf.html", context, stylesheets=STYLESHEETS)


def invitation_letters_pdf(event: Event, invitations: list[Invitation]) -> bytes:
    """The letter (convocation) a prescriber gives the household: when, where, what to bring; one page each."""
    context = {**_context(event), "invitations": invitations}
    return render_pdf("distributions/invitation_letters_pdf.html", context, stylesheets=STYLESHEETS)
