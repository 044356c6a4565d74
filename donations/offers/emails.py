"""E-mails to donors about their offer: rendered from templates/emails/, sent once the change is committed."""

import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string

from donations.models import DonationOffer

logger = logging.getLogger(__name__)


def offer_email_queue(*, offer: DonationOffer, kind: str, **context) -> EmailMessage:
    """Render the e-mail `kind` now (the offer as it is) and send it when the transaction commits."""
    contact = settings.FILIERE["DONOR_CONTACT_EMAIL"]
    context |= {"offer": offer, "programme_name": settings.FILIERE["PROGRAMME_NAME"], "contact_email": contact}
    subject = " ".join(render_to_string(f"emails/offer_{kind}_subject.txt", context).split())
    body = render_to_string(f"emails/offer_{kind}.txt", context)
    message = EmailMessage(subject=subject, body=body, to=[offer.email], reply_to=[contact])
    transaction.on_commit(lambda: _deliver(message, offer.reference))
    return message


def _deliver(message: EmailMessage, reference: str) -> None:
    # The offer is saved whatever happens to the mail server; the failure is logged for coordination.
    try:
        message.send()
    except (smtplib.SMTPException, OSError):
        logger.exception("E-mail « %s » pour la proposition %s non envoyé", message.subject, reference)
