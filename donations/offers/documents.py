"""The donor's documents on the private tracking page, built by donations.documents (shared with staff pages)."""

from django.utils.text import slugify

from core.pdf import pdf_response
from donations.documents import donation_receipt, donation_receipt_pdf, erasure_certificate, erasure_certificate_pdf
from donations.enums import OfferStatus
from donations.models import DonationOffer


def available(offer: DonationOffer) -> dict[str, bool]:
    """Receipt once items are counted in; erasure certificate once the offer is processed and nothing failed."""
    donation = offer.donation
    if donation is None or not donation.items.exists():
        return {"receipt": False, "certificate": False}
    certificate = False
    if offer.status == OfferStatus.PROCESSED:
        certificate = erasure_certificate(donation).refusal_reason is None
    return {"receipt": True, "certificate": certificate}


def response(offer: DonationOffer, kind: str, request=None):
    donation = offer.donation
    if kind == "receipt":
        pdf = donation_receipt_pdf(donation_receipt(donation))
        return pdf_response(pdf, f"attestation-de-don-{slugify(donation.reference)}.pdf")
    pdf = erasure_certificate_pdf(erasure_certificate(donation))
    return pdf_response(pdf, f"certificat-effacement-{slugify(donation.reference)}.pdf")
