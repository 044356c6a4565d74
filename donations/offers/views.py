"""Pages of donation offers: the public form and tracking page (no account), the staff queue."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from accounts.decorators import access_required
from accounts.permissions import Capability, may, refusal
from core.forms import add_service_errors
from core.ratelimit import client_address
from donations.enums import OFFER_TRANSITIONS, OfferStatus
from donations.models import DonationOffer
from donations.offers import documents as offer_documents
from donations.offers.forms import (
    HONEYPOT_FIELD,
    DonationOfferForm,
    OfferDeclineForm,
    OfferReceiveForm,
    OfferScheduleForm,
)
from donations.offers.limits import offer_limits
from donations.offers.selectors import (
    QUEUE_TABS,
    offer_by_token,
    offer_for_staff,
    offer_item_groups,
    offer_queue,
    offer_steps,
)
from donations.offers.services import (
    offer_accept,
    offer_decline,
    offer_mark_processed,
    offer_receive,
    offer_schedule,
    offer_submit,
    offer_tracking_reissue,
    offer_tracking_revoke,
)
from territory.models import Commune


def _site_url(request) -> str:
    return settings.FILIERE["PUBLIC_URL"] or request.build_absolute_uri("/")


def _private(response):
    """Pages behind a private link: never indexed, never cached, never leaked through the Referer header."""
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _public_render(request, template: str, context: dict | None = None, status: int = 200):
    context = {"contact_email": settings.FILIERE["DONOR_CONTACT_EMAIL"], **(context or {})}
    return render(request, template, context, status=status)


# --- Public pages ---


@login_not_required
@require_http_methods(["GET", "POST"])
def offer_create(request):
    form = DonationOfferForm()
    if request.method == "POST":
        address = client_address(request)
        offers_limit, posts_limit = offer_limits()
        if offers_limit.is_exceeded(address) or posts_limit.hit(address) > posts_limit.limit:
            return _public_render(request, "donations/offer_rate_limited.html", status=429)
        if request.POST.get(HONEYPOT_FIELD):
            # A robot filled the hidden field: it sees the usual thanks, nothing is stored or sent.
            return _public_render(request, "donations/offer_received.html")
        form = DonationOfferForm(request.POST)
        if form.is_valid():
            # The offer is counted before it is written (atomically, in the cache shared by every worker), and the
            # count given back if it is refused: simultaneous posts cannot all pass a limit checked beforehand.
            if not offers_limit.acquire(address):
                return _public_render(request, "donations/offer_rate_limited.html", status=429)
            try:
                offer, token = offer_submit(
                    fields=form.service_fields(),
                    quantities=form.quantities(),
                    terms_accepted=form.cleaned_data["terms_accepted"],
                    site_url=_site_url(request),
                )
            except ValidationError as error:
                offers_limit.release(address)
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    f"Merci ! Votre proposition {offer.reference} est bien enregistrée. Gardez l'adresse de cette "
                    f"page : c'est votre lien de suivi personnel. Nous vous l'avons aussi envoyée à {offer.email}.",
                )
                return redirect("donations:offer_tracking", token=token)
    communes = Commune.objects.in_territory().values_list("name", flat=True)
    context = {"form": form, "communes": communes}
    return _public_render(request, "donations/offer_form.html", context)


@login_not_required
@require_safe
@never_cache
def offer_tracking(request, token):
    offer = offer_by_token(token)
    if offer is None:
        raise Http404("Lien de suivi inconnu ou révoqué.")
    context = {
        "offer": offer,
        "token": token,
        "steps": offer_steps(offer),
        "item_groups": offer_item_groups(offer),
        "documents": offer_documents.available(offer),
    }
    return _private(_public_render(request, "donations/offer_tracking.html", context))


def _tracking_document(request, token, kind):
    offer = offer_by_token(token)
    if offer is None or not offer_documents.available(offer).get(kind):
        raise Http404("Document indisponible.")
    return _private(offer_documents.response(offer, kind, request))


@login_not_required
@require_safe
@never_cache
def offer_tracking_receipt(request, token):
    return _tracking_document(request, token, "receipt")


@login_not_required
@require_safe
@never_cache
def offer_tracking_certificate(request, token):
    return _tracking_document(request, token, "certificate")


# --- Staff pages (coordination and technicians) ---


@access_required(Capability.DONATIONS)
def offer_list(request):
    keys = [key for key, _, _ in QUEUE_TABS]
    current = request.GET.get("statut") if request.GET.get("statut") in keys else keys[0]
    counts = DonationOffer.objects.aggregate(
        **{key.replace("-", "_"): Count("id", filter=Q(status__in=statuses)) for key, _, statuses in QUEUE_TABS}
    )
    tabs = [
        {"key": key, "label": label, "count": counts[key.replace("-", "_")], "active": key == current}
        for key, label, _ in QUEUE_TABS
    ]
    statuses = next(statuses for key, _, statuses in QUEUE_TABS if key == current)
    page = Paginator(offer_queue(statuses=statuses), 50).get_page(request.GET.get("page"))
    return render(request, "donations/offer_list.html", {"page": page, "tabs": tabs, "current": current})


ACTIONS = {
    "accept": OfferStatus.ACCEPTED,
    "decline": OfferStatus.DECLINED,
    "schedule": OfferStatus.SCHEDULED,
    "receive": OfferStatus.COLLECTED,
    "process": OfferStatus.PROCESSED,
}


def _run_action(request, offer, action, forms):
    """Apply one staff action; return the error to show, or None when done."""
    user = request.user
    if action in {"revoke_link", "reissue_link"} and not may(user, Capability.OFFER_LINKS):
        raise PermissionDenied(refusal(Capability.OFFER_LINKS))
    form = forms.get(action)
    if form is not None and not form.is_valid():
        return form
    data = form.cleaned_data if form is not None else {}
    try:
        if action == "accept":
            offer_accept(offer=offer, by=user)
            messages.success(request, f"Proposition {offer.reference} acceptée ; le donateur est prévenu.")
        elif action == "decline":
            offer_decline(offer=offer, by=user, reason=data["reason"])
            messages.success(request, f"Proposition {offer.reference} déclinée ; le motif est envoyé au donateur.")
        elif action == "schedule":
            offer_schedule(offer=offer, by=user, collection_on=data["collection_on"], note=data["note"])
            messages.success(
                request, f"Collecte planifiée le {data['collection_on']:%d/%m/%Y} ; le donateur est prévenu."
            )
        elif action == "receive":
            offer = offer_receive(offer=offer, by=user, received_on=data["received_on"], note=data["note"])
            messages.success(
                request,
                f"Don {offer.reference} créé ({offer.donation.announced_count} matériels annoncés) : "
                "comptez maintenant les matériels dans l'atelier.",
            )
        elif action == "process":
            offer_mark_processed(offer=offer, by=user)
            messages.success(request, f"Proposition {offer.reference} traitée ; le donateur est prévenu.")
        elif action == "revoke_link":
            offer_tracking_revoke(offer=offer, by=user)
            messages.success(request, "Lien de suivi révoqué : l'ancien lien affiche désormais « page introuvable ».")
        elif action == "reissue_link":
            offer_tracking_reissue(offer=offer, by=user, site_url=_site_url(request))
            messages.success(request, f"Nouveau lien de suivi envoyé à {offer.email} ; l'ancien ne fonctionne plus.")
        else:
            return ValidationError("Action inconnue.")
    except ValidationError as error:
        if form is None:
            return error
        add_service_errors(form, error)
        return form
    return None


@access_required(Capability.DONATIONS)
@require_http_methods(["GET", "POST"])
def offer_detail(request, pk):
    offer = get_object_or_404(offer_for_staff(pk))
    bound = request.POST if request.method == "POST" else None
    action = request.POST.get("action", "") if bound else ""
    forms = {
        "decline": OfferDeclineForm(bound if action == "decline" else None, prefix="decline"),
        "schedule": OfferScheduleForm(
            bound if action == "schedule" else None,
            prefix="schedule",
            initial={"collection_on": offer.collection_on, "note": offer.collection_note},
        ),
        "receive": OfferReceiveForm(bound if action == "receive" else None, prefix="receive"),
    }
    status = 200
    if bound:
        problem = _run_action(request, offer, action, forms)
        if problem is None:
            return redirect(offer)
        if isinstance(problem, ValidationError):
            for message in problem.messages:
                messages.error(request, message)
        status = 400
    allowed = OFFER_TRANSITIONS[offer.status]
    context = {
        "offer": offer,
        "forms": forms,
        "can": {action: to_status in allowed for action, to_status in ACTIONS.items()},
        "item_groups": offer_item_groups(offer),
        "submitted": forms.get(action),
        "total_quantity": sum(line.quantity for line in offer.lines.all()),
    }
    return render(request, "donations/offer_detail.html", context, status=status)
