"""Writes on donation offers: submission by a donor, then each step coordination and technicians take."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from core.text import plural
from donations.enums import OFFER_TRANSITIONS, OfferStatus
from donations.models import (
    OFFER_LINE_MAX_QUANTITY,
    Donation,
    DonationOffer,
    DonationOfferLine,
    DonationOfferStatusChange,
    Donor,
    OfferReferenceCounter,
)
from donations.offers.emails import offer_email_queue
from donations.offers.tokens import tracking_token_new
from equipment.enums import ItemCategory, ItemStatus

OFFER_MAX_TOTAL_QUANTITY = 2000
PENDING_ITEM_STATUSES = (ItemStatus.RECEIVED, ItemStatus.IN_AUDIT)

# What the donor types; everything else about an offer is set by the services below.
SUBMITTED_FIELDS = (
    "organisation_name",
    "donor_kind",
    "siret",
    "contact_name",
    "email",
    "phone",
    "pickup_address",
    "pickup_postal_code",
    "pickup_commune",
    "computers_hold_data",
    "preferred_dates",
    "wants_erasure_certificate",
    "message",
)


def tracking_url(*, token: str, site_url: str) -> str:
    return f"{site_url.rstrip('/')}{reverse('donations:offer_tracking', args=[token])}"


def _reference_allocate(year: int) -> str:
    OfferReferenceCounter.objects.get_or_create(year=year)
    counter = OfferReferenceCounter.objects.select_for_update().get(year=year)
    while True:
        counter.last_number += 1
        reference = f"DON-{year}-{counter.last_number:04d}"
        # A donation typed in by hand may already carry this number: skip it, the offer's donation will need it.
        taken = (
            DonationOffer.objects.filter(reference=reference).exists()
            or Donation.objects.filter(reference=reference).exists()
        )
        if not taken:
            counter.save(update_fields=["last_number"])
            return reference


def quantities_check(quantities: dict[str, int]) -> dict[str, int]:
    errors = []
    kept = {}
    for category, quantity in quantities.items():
        if category not in ItemCategory.values:
            errors.append(f"Catégorie de matériel inconnue : « {category} ».")
        elif quantity is None or quantity == 0:
            continue
        elif not 1 <= quantity <= OFFER_LINE_MAX_QUANTITY:
            label = ItemCategory(category).label
            errors.append(f"{label} : indiquez une quantité entre 1 et {OFFER_LINE_MAX_QUANTITY}.")
        else:
            kept[category] = quantity
    if not errors and not kept:
        errors.append("Indiquez au moins un matériel et sa quantité.")
    if sum(kept.values()) > OFFER_MAX_TOTAL_QUANTITY:
        errors.append(
            f"Au-delà de {OFFER_MAX_TOTAL_QUANTITY} matériels, contactez directement la coordination du programme."
        )
    if errors:
        raise ValidationError(errors)
    return kept


@transaction.atomic
def offer_submit(
    *, fields: dict[str, Any], quantities: dict[str, int], terms_accepted: bool, site_url: str
) -> tuple[DonationOffer, str]:
    """Record a donor's offer, e-mail the reference and the private tracking link; return (offer, token)."""
    if not terms_accepted:
        raise ValidationError("Vous devez accepter les conditions du programme pour proposer un don.")
    kept = quantities_check(quantities)
    token, digest = tracking_token_new()
    now = timezone.now()
    offer = DonationOffer(
        **{name: fields[name] for name in SUBMITTED_FIELDS if name in fields},
        terms_accepted_at=now,
        tracking_token_hash=digest,
        tracking_token_issued_at=now,
        status_changed_at=now,
    )
    if not set(kept) & {ItemCategory.DESKTOP, ItemCategory.LAPTOP}:
        offer.computers_hold_data = ""
    offer.reference = _reference_allocate(timezone.localdate().year)
    offer.full_clean()
    offer.save()
    lines = [DonationOfferLine(offer=offer, category=category, quantity=n) for category, n in kept.items()]
    for line in lines:
        line.full_clean(exclude=["offer"])
    DonationOfferLine.objects.bulk_create(lines)
    DonationOfferStatusChange.objects.create(offer=offer, from_status="", to_status=OfferStatus.OFFERED)
    offer_email_queue(
        offer=offer, kind="submitted", lines=lines, tracking_url=tracking_url(token=token, site_url=site_url)
    )
    return offer, token


def _locked(offer: DonationOffer) -> DonationOffer:
    return DonationOffer.objects.select_for_update().get(pk=offer.pk)


def _move(*, offer: DonationOffer, to_status: str, by, note: str = "") -> None:
    if to_status not in OFFER_TRANSITIONS[offer.status]:
        raise ValidationError(
            f"La proposition {offer.reference} est « {offer.get_status_display()} » : "
            f"elle ne peut pas passer à « {OfferStatus(to_status).label} »."
        )
    DonationOfferStatusChange.objects.create(
        offer=offer, from_status=offer.status, to_status=to_status, by=by, note=note[:500]
    )
    offer.status = to_status
    offer.status_changed_at = timezone.now()


def _save(offer: DonationOffer) -> DonationOffer:
    offer.full_clean()
    offer.save()
    return offer


@transaction.atomic
def offer_accept(*, offer: DonationOffer, by, note: str = "") -> DonationOffer:
    offer = _locked(offer)
    _move(offer=offer, to_status=OfferStatus.ACCEPTED, by=by, note=note)
    _save(offer)
    offer_email_queue(offer=offer, kind="accepted")
    return offer


@transaction.atomic
def offer_decline(*, offer: DonationOffer, by, reason: str) -> DonationOffer:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Indiquez au donateur pourquoi sa proposition est déclinée."})
    if len(reason) > 500:
        raise ValidationError({"reason": "Le motif ne dépasse pas 500 caractères."})
    offer = _locked(offer)
    _move(offer=offer, to_status=OfferStatus.DECLINED, by=by, note=reason)
    offer.decline_reason = reason
    _save(offer)
    offer_email_queue(offer=offer, kind="declined")
    return offer


@transaction.atomic
def offer_schedule(*, offer: DonationOffer, by, collection_on: datetime.date, note: str = "") -> DonationOffer:
    """Set (or move) the collection date; the donor is told each time."""
    if collection_on is None:
        raise ValidationError({"collection_on": "Indiquez la date de la collecte."})
    if collection_on < timezone.localdate():
        raise ValidationError({"collection_on": "La date de collecte ne peut pas être passée."})
    offer = _locked(offer)
    rescheduled = offer.status == OfferStatus.SCHEDULED
    _move(offer=offer, to_status=OfferStatus.SCHEDULED, by=by, note=f"Collecte le {collection_on:%d/%m/%Y}")
    offer.collection_on = collection_on
    offer.collection_note = (note or "").strip()
    _save(offer)
    offer_email_queue(offer=offer, kind="scheduled", rescheduled=rescheduled)
    return offer


def _donor_for(offer: DonationOffer) -> Donor:
    """The offer's organisation as a donor: found by SIRET, then by name, else created."""
    donor = None
    if offer.siret:
        donor = Donor.objects.filter(siret=offer.siret).order_by("id").first()
    if donor is None:
        donor = Donor.objects.filter(name__iexact=offer.organisation_name).order_by("id").first()
    if donor is None:
        donor = Donor(
            name=offer.organisation_name,
            kind=offer.donor_kind,
            siret=offer.siret,
            contact_name=offer.contact_name,
            email=offer.email,
            phone=offer.phone,
            address=offer.pickup_place[:300],
        )
        donor.full_clean()
        donor.save()
    return donor


@transaction.atomic
def offer_receive(
    *, offer: DonationOffer, by, received_on: datetime.date | None = None, note: str = ""
) -> DonationOffer:
    """The equipment arrived: create the donation (same reference) whose items technicians then count in."""
    received_on = received_on or timezone.localdate()
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": "La date de réception ne peut pas être dans le futur."})
    offer = _locked(offer)
    _move(offer=offer, to_status=OfferStatus.COLLECTED, by=by, note=note)
    if Donation.objects.filter(reference=offer.reference).exists():
        raise ValidationError(
            f"Un don porte déjà la référence {offer.reference} : renommez-le dans l'atelier avant de recevoir "
            "cette proposition."
        )
    donation = Donation(
        reference=offer.reference,
        donor=_donor_for(offer),
        received_on=received_on,
        collection_place=offer.pickup_place[:300],
        announced_count=sum(line.quantity for line in offer.lines.all()),
        notes=f"Proposition en ligne {offer.reference}." + (f"\n{note}" if note else ""),
        created_by=by,
    )
    donation.full_clean()
    donation.save()
    offer.donation = donation
    _save(offer)
    offer_email_queue(offer=offer, kind="collected")
    return offer


@transaction.atomic
def offer_mark_processed(*, offer: DonationOffer, by) -> DonationOffer:
    """Every counted item has been refurbished or recycled: tell the donor their documents are ready."""
    offer = _locked(offer)
    if offer.donation_id is not None:
        counts = dict(offer.donation.items.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
        if not counts:
            raise ValidationError("Aucun matériel de ce don n'a encore été compté : rien n'est traité.")
        pending = sum(counts.get(status, 0) for status in PENDING_ITEM_STATUSES)
        if pending:
            verb = "est" if pending == 1 else "sont"
            raise ValidationError(
                f"{plural(pending, 'matériel')} de ce don {verb} encore en attente d'audit ou en audit."
            )
    _move(offer=offer, to_status=OfferStatus.PROCESSED, by=by)
    _save(offer)
    offer_email_queue(offer=offer, kind="processed")
    return offer


@transaction.atomic
def offer_tracking_revoke(*, offer: DonationOffer, by) -> DonationOffer:
    """The link leaked or the donor asks: it stops working at once (a wrong or revoked link is a 404)."""
    offer = _locked(offer)
    if offer.tracking_token_hash is None:
        raise ValidationError("Le lien de suivi de cette proposition est déjà révoqué.")
    offer.tracking_token_hash = None
    offer.save(update_fields=["tracking_token_hash"])
    DonationOfferStatusChange.objects.create(
        offer=offer, from_status=offer.status, to_status=offer.status, by=by, note="Lien de suivi révoqué"
    )
    return offer


@transaction.atomic
def offer_tracking_reissue(*, offer: DonationOffer, by, site_url: str) -> tuple[DonationOffer, str]:
    """Replace the tracking link (the old one stops working) and e-mail the new one to the donor."""
    offer = _locked(offer)
    token, digest = tracking_token_new()
    offer.tracking_token_hash = digest
    offer.tracking_token_issued_at = timezone.now()
    offer.save(update_fields=["tracking_token_hash", "tracking_token_issued_at"])
    DonationOfferStatusChange.objects.create(
        offer=offer, from_status=offer.status, to_status=offer.status, by=by, note="Nouveau lien de suivi envoyé"
    )
    offer_email_queue(offer=offer, kind="link_reissued", tracking_url=tracking_url(token=token, site_url=site_url))
    return offer, token
