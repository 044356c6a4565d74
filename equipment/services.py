"""Every write on items: status transitions, asset tags, erasure and audit records.

The status machine is enforced here and only here; the admin, imports and pages call these functions.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from equipment.enums import (
    ALLOWED_TRANSITIONS,
    DEFAULT_WEEE_CATEGORY,
    ItemStatus,
    StatusChangeSource,
    WeeeCategory,
)
from equipment.models import AssetTagCounter, Item, StatusChange, WeeeShipment


class TransitionError(ValidationError):
    """A status move that the pipeline forbids; the message names the item and why."""


def _label(status: str) -> str:
    return ItemStatus(status).label.lower()


@transaction.atomic
def asset_tags_allocate(*, count: int, prefix: str | None = None) -> list[str]:
    """Hand out `count` new, never-used asset tags (locks the counter row)."""
    prefix = prefix or settings.FILIERE["ASSET_TAG_PREFIX"]
    AssetTagCounter.objects.get_or_create(prefix=prefix)
    counter = AssetTagCounter.objects.select_for_update().get(prefix=prefix)
    first = counter.last_number + 1
    counter.last_number += count
    counter.save(update_fields=["last_number"])
    return [f"{prefix}-{number:06d}" for number in range(first, first + count)]


def transition_check(item: Item, to_status: str) -> None:
    """Raise TransitionError when `item` may not move to `to_status` now."""
    if item.status == to_status:
        raise TransitionError(f"{item.asset_tag} : le matériel est déjà « {_label(to_status)} ».")
    if to_status not in ALLOWED_TRANSITIONS[item.status]:
        raise TransitionError(
            f"{item.asset_tag} : passage de « {_label(item.status)} » à « {_label(to_status)} » interdit."
        )
    if to_status == ItemStatus.REFURBISHED:
        pending = [drive for drive in item.drives.all() if not drive.is_cleared]
        if pending:
            serials = ", ".join(drive.serial_number or "sans n° de série" for drive in pending)
            raise TransitionError(
                f"{item.asset_tag} : ne peut pas être reconditionné tant que chaque support n'a pas un "
                f"effacement réussi ou n'est pas détruit (en attente : {serials})."
            )


@transaction.atomic
def item_transition(
    *,
    item: Item,
    to_status: str,
    by=None,
    note: str = "",
    source: str = StatusChangeSource.TRANSITION,
) -> Item:
    """Move an item to another status, checking the machine and its guards, and log the move."""
    item = Item.objects.select_for_update().get(pk=item.pk)
    transition_check(item, to_status)
    from_status = item.status
    now = timezone.now()
    item.status = to_status
    item.status_changed_at = now
    item.save(update_fields=["status", "status_changed_at", "updated_at"])
    StatusChange.objects.create(
        item=item, from_status=from_status, to_status=to_status, by=by, at=now, note=note, source=source
    )
    return item


def item_start_audit(*, item: Item, by=None, note: str = "") -> Item:
    return item_transition(item=item, to_status=ItemStatus.IN_AUDIT, by=by, note=note)


def item_refurbish(*, item: Item, by=None, note: str = "") -> Item:
    return item_transition(item=item, to_status=ItemStatus.REFURBISHED, by=by, note=note)


def item_reserve(*, item: Item, by=None, note: str = "") -> Item:
    return item_transition(item=item, to_status=ItemStatus.RESERVED, by=by, note=note)


def item_release(*, item: Item, by=None, note: str = "") -> Item:
    """A reserved item goes back to stock (pack dissolved, household absent)."""
    return item_transition(item=item, to_status=ItemStatus.REFURBISHED, by=by, note=note)


def item_distribute(*, item: Item, by=None, note: str = "") -> Item:
    return item_transition(item=item, to_status=ItemStatus.DISTRIBUTED, by=by, note=note)


@transaction.atomic
def item_recycle(
    *,
    item: Item,
    reason: str,
    weight_kg: Decimal | None = None,
    weee_category: str = "",
    by=None,
    note: str = "",
) -> Item:
    """Send an item to WEEE recycling: a reason, a DEEE category and a weight are required."""
    item = Item.objects.select_for_update().get(pk=item.pk)
    transition_check(item, ItemStatus.RECYCLED)
    reason = (reason or "").strip()
    weight = weight_kg if weight_kg is not None else item.weight_kg
    category = weee_category or DEFAULT_WEEE_CATEGORY.get(item.category, "")
    errors = []
    if not reason:
        errors.append("le motif de recyclage est obligatoire")
    if weight is None:
        errors.append("le poids (kg) est obligatoire")
    elif weight < 0:
        errors.append("le poids ne peut pas être négatif")
    if category not in WeeeCategory.values:
        errors.append("la catégorie DEEE est inconnue")
    if errors:
        raise TransitionError(f"{item.asset_tag} : recyclage refusé — " + " ; ".join(errors) + ".")
    item.recycling_reason = reason
    item.weight_kg = weight
    item.weee_category = category
    item.save(update_fields=["recycling_reason", "weight_kg", "weee_category", "updated_at"])
    return item_transition(item=item, to_status=ItemStatus.RECYCLED, by=by, note=note or reason)


@dataclass
class BulkOutcome:
    """What a bulk action did to each item: for the per-item report."""

    done: list[Item]
    refused: list[tuple[Item, str]]


def items_transition_bulk(*, items: Iterable[Item], to_status: str, by=None, note: str = "", **recycle) -> BulkOutcome:
    """Apply one transition to many items, each in its own transaction; report per item."""
    outcome = BulkOutcome(done=[], refused=[])
    for item in items:
        try:
            if to_status == ItemStatus.RECYCLED:
                moved = item_recycle(item=item, by=by, note=note, **recycle)
            else:
                moved = item_transition(item=item, to_status=to_status, by=by, note=note)
        except ValidationError as error:
            outcome.refused.append((item, " ".join(error.messages)))
        else:
            outcome.done.append(moved)
    return outcome


@transaction.atomic
def weee_shipment_add_items(*, shipment: WeeeShipment, items: Iterable[Item]) -> WeeeShipment:
    """Put recycled items in a WEEE shipment; an item already shipped elsewhere is refused."""
    items = list(Item.objects.select_for_update().filter(pk__in=[item.pk for item in items]))
    problems = []
    for item in items:
        if item.status != ItemStatus.RECYCLED:
            problems.append(f"{item.asset_tag} n'est pas recyclé")
        elif item.weee_shipment_id not in (None, shipment.pk):
            problems.append(f"{item.asset_tag} est déjà dans l'enlèvement {item.weee_shipment.slip_number}")
    if problems:
        raise ValidationError("Enlèvement refusé : " + " ; ".join(problems) + ".")
    Item.objects.filter(pk__in=[item.pk for item in items]).update(weee_shipment=shipment)
    return shipment


@transaction.atomic
def item_create(*, item: Item, by=None, note: str = "") -> Item:
    """Save a new item as received: an asset tag is allocated when left blank, and the log gets its first row."""
    if item.pk is not None:
        raise ValidationError("Ce matériel est déjà enregistré.")
    tag = (item.asset_tag or "").strip()
    while not tag:
        candidate = asset_tags_allocate(count=1)[0]
        # Imported history may already hold tags the counter has not reached yet.
        if not Item.objects.filter(asset_tag__iexact=candidate).exists():
            tag = candidate
    item.asset_tag = tag
    item.status = ItemStatus.RECEIVED
    item.status_changed_at = timezone.now()
    item.full_clean()
    item.save()
    StatusChange.objects.create(
        item=item, from_status="", to_status=ItemStatus.RECEIVED, by=by, at=item.status_changed_at, note=note
    )
    return item
