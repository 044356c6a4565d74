"""Staff pages of donations: the list, a donation's page, and the documents its donor receives (PDF)."""

from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, render
from django.utils.text import slugify

from accounts.decorators import access_required
from accounts.permissions import Capability
from core.pdf import pdf_response
from donations.documents import donation_receipt, donation_receipt_pdf, erasure_certificate, erasure_certificate_pdf
from donations.models import Donation


@access_required(Capability.DONATIONS)
def donation_list(request):
    donations = Donation.objects.select_related("donor").with_counts()
    page = Paginator(donations, 50).get_page(request.GET.get("page"))
    return render(request, "donations/donation_list.html", {"page": page})


@access_required(Capability.DONATIONS)
def donation_detail(request, pk):
    donation = get_object_or_404(Donation.objects.select_related("donor").with_counts(), pk=pk)
    by_category = donation.items.values("category", "status").annotate(n=Count("id")).order_by("category", "status")
    return render(request, "donations/donation_detail.html", {"donation": donation, "by_category": by_category})


def _donation(pk: int) -> Donation:
    return get_object_or_404(Donation.objects.select_related("donor"), pk=pk)


@access_required(Capability.DONATIONS)
def receipt(request, pk):
    """The attestation de prise en charge, as PDF."""
    donation = _donation(pk)
    pdf = donation_receipt_pdf(donation_receipt(donation))
    return pdf_response(pdf, f"attestation-prise-en-charge-{slugify(donation.reference)}.pdf")


@access_required(Capability.DONATIONS)
def erasure_certificate_view(request, pk):
    """The erasure certificate as PDF, or a page saying why it cannot be issued yet (409)."""
    donation = _donation(pk)
    certificate = erasure_certificate(donation)
    if certificate.refusal_reason:
        return render(request, "donations/erasure_certificate_refused.html", {"certificate": certificate}, status=409)
    pdf = erasure_certificate_pdf(certificate)
    return pdf_response(pdf, f"certificat-effacement-{slugify(donation.reference)}.pdf")
