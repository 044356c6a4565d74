"""Reads on donation offers: the staff queue, a donor's tracking page."""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, QuerySet

from donations.enums import OfferStatus
from donations.models import DonationOffer, DonationOfferLine, DonationOfferStatusChange
from donations.offers.tokens import TOKEN_PATTERN, tracking_token_digest
from equipment.enums import ItemStatus

# Queue tabs: (key, label, statuses).
QUEUE_TABS = [
    ("a-traiter", "À traiter", [OfferStatus.OFFERED]),
    ("en-cours", "Acceptées et planifiées", [OfferStatus.ACCEPTED, OfferStatus.SCHEDULED]),
    ("recues", "Reçues", [OfferStatus.COLLECTED]),
    ("terminees", "Traitées ou déclinées", [OfferStatus.PROCESSED, OfferStatus.DECLINED]),
    ("toutes", "Toutes", list(OfferStatus)),
]

# What the donor sees of their items: the bilan's three groups, never where an item went.
DONOR_ITEM_GROUPS = [
    ("pending", "En attente de diagnostic", {ItemStatus.RECEIVED, ItemStatus.IN_AUDIT}),
    (
        "refurbished",
        "Reconditionnés pour un réemploi",
        {ItemStatus.REFURBISHED, ItemStatus.RESERVED, ItemStatus.DISTRIBUTED},
    ),
    ("recycled", "Recyclés dans la filière DEEE", {ItemStatus.RECYCLED}),
]

# The steps shown to the donor, in order.
DONOR_STEPS = [
    (OfferStatus.OFFERED, "Proposition envoyée"),
    (OfferStatus.ACCEPTED, "Proposition acceptée"),
    (OfferStatus.SCHEDULED, "Collecte planifiée"),
    (OfferStatus.COLLECTED, "Matériel reçu à l'atelier"),
    (OfferStatus.PROCESSED, "Matériel traité"),
]


def offer_queue(*, statuses) -> QuerySet[DonationOffer]:
    lines = Prefetch("lines", queryset=DonationOfferLine.objects.order_by("id"))
    return (
        DonationOffer.objects.filter(status__in=statuses)
        .with_totals()
        .prefetch_related(lines)
        .order_by("created_at", "id")
    )


def offer_for_staff(pk: int) -> QuerySet[DonationOffer]:
    changes = Prefetch("status_changes", queryset=DonationOfferStatusChange.objects.select_related("by"))
    return DonationOffer.objects.select_related("donation").prefetch_related("lines", changes).filter(pk=pk)


def offer_by_token(token: str) -> DonationOffer | None:
    """The offer whose live tracking link this is, or None (wrong, malformed or revoked link)."""
    if not TOKEN_PATTERN.fullmatch(token or ""):
        return None
    return (
        DonationOffer.objects.select_related("donation")
        .prefetch_related("lines", "status_changes")
        .filter(tracking_token_hash=tracking_token_digest(token))
        .first()
    )


@dataclass
class Step:
    label: str
    done: bool
    current: bool
    at: object = None


def offer_steps(offer: DonationOffer) -> list[Step]:
    """The donor's timeline: each step with the date it was reached (a declined offer stops where it was)."""
    reached = {}
    for change in offer.status_changes.all():
        reached.setdefault(change.to_status, change.at)
    order = [status for status, _ in DONOR_STEPS]
    if offer.status in order:
        position = order.index(offer.status)
    else:  # declined: the steps reached before stay done
        position = max((order.index(status) for status in reached if status in order), default=0)
    live = offer.status != OfferStatus.DECLINED
    steps = []
    for index, (status, label) in enumerate(DONOR_STEPS):
        if status == OfferStatus.SCHEDULED and status not in reached and position > index:
            continue  # brought in without a planned collection
        steps.append(
            Step(label=label, done=index <= position, current=live and index == position, at=reached.get(status))
        )
    return steps


def offer_item_groups(offer: DonationOffer) -> list[dict]:
    """Counts of the donation's items in the donor's three groups (empty before the donation exists)."""
    if offer.donation_id is None:
        return []
    counts = dict(
        offer.donation.items.order_by().values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    return [
        {"key": key, "label": label, "count": sum(counts.get(status, 0) for status in statuses)}
        for key, label, statuses in DONOR_ITEM_GROUPS
    ]
