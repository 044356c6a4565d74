"""Every write on items: status transitions, asset tags, erasure and audit records.

The status machine is enforced here and only here; the admin, imports and pages call these functions.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from equipment.enums import (
    ALLOWED_TRANSITIONS,
    CLEARED_STATUSES,
    COMPUTER_CATEGORIES,
    DEFAULT_WEEE_CATEGORY,
    DriveFate,
    ErasureMethod,
    ErasureResult,
    ItemStatus,
    StatusChangeSource,
    WeeeCategory,
)
from equipment.models import AssetTagCounter, ErasureRecord, Item, StatusChange, WeeeShipment
from equipment.storage import recycling_refusal, storage_refusal

# Back to these statuses, an item imported past the audit is audited like any other (its exemption ends).
AUDIT_STATUSES = frozenset({ItemStatus.RECEIVED, ItemStatus.IN_AUDIT})


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
    _check_move(item, to_status)
    # Becoming refurbished, joining a pack, going to a household: the storage must be accounted for. A pack
    # undone or a household absent (reserved -> refurbished) only brings the item back to stock.
    if to_status in CLEARED_STATUSES and (item.status, to_status) != (ItemStatus.RESERVED, ItemStatus.REFURBISHED):
        refusal = storage_refusal(item, to_status)
        if refusal:
            raise TransitionError(refusal)
    if to_status == ItemStatus.RECYCLED:
        refusal = recycling_refusal(item)
        if refusal:
            raise TransitionError(refusal)


def _check_move(item: Item, to_status: str) -> None:
    """The state machine alone (ALLOWED_TRANSITIONS)."""
    if item.status == to_status:
        raise TransitionError(f"{item.asset_tag} : le matériel est déjà « {_label(to_status)} ».")
    if to_status not in ALLOWED_TRANSITIONS[item.status]:
        raise TransitionError(
            f"{item.asset_tag} : passage de « {_label(item.status)} » à « {_label(to_status)} » interdit."
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
    fields = ["status", "status_changed_at", "updated_at"]
    if to_status in AUDIT_STATUSES and item.erasure_exempt:
        item.erasure_exempt = False
        fields.append("erasure_exempt")
    item.save(update_fields=fields)
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
def item_confirm_no_storage(*, item: Item, by=None, confirmed: bool = True) -> Item:
    """A technician checked that a computer holds no storage at all (who, when): its storage is accounted for.
    Withdrawn (`confirmed=False`) only while the item is still received or in audit."""
    item = Item.objects.select_for_update().get(pk=item.pk)
    if not confirmed:
        if item.no_storage_confirmed_at is None:
            return item
        if item.status not in AUDIT_STATUSES:
            raise ValidationError(
                f"{item.asset_tag} est « {_label(item.status)} » : « aucun support de stockage » ne se retire "
                "qu'en audit."
            )
        item.no_storage_confirmed_by, item.no_storage_confirmed_at = None, None
    else:
        if item.category not in COMPUTER_CATEGORIES:
            raise ValidationError(f"{item.asset_tag} : « aucun support de stockage » ne concerne que les ordinateurs.")
        drives = list(item.drives.all())
        if drives:
            raise ValidationError(
                f"{item.asset_tag} : {len(drives)} support{'s' if len(drives) > 1 else ''} de stockage "
                f"{'sont enregistrés' if len(drives) > 1 else 'est enregistré'} — « aucun support de stockage » "
                "contredirait la fiche. Supprimez d'abord un support enregistré par erreur."
            )
        if item.no_storage_confirmed_at is not None:
            return item
        item.no_storage_confirmed_by, item.no_storage_confirmed_at = by, timezone.now()
    item._history_user = by
    item.save(update_fields=["no_storage_confirmed_by", "no_storage_confirmed_at", "updated_at"])
    return item


DESTROYED_NOTE = "Détruit avant le recyclage DEEE"


def _record_drive_fates(item: Item, fates: Mapping[int, str], *, by) -> None:
    """Record what became of the item's drives (keys: drive ids; other items' drives are ignored). A drive
    destroyed gets its NIST « destroy » record, so that certificates and the refurbishing rule see it."""
    now = timezone.now()
    for drive in item.drives.prefetch_related("erasures"):
        fate = fates.get(drive.pk)
        if not fate:
            continue
        if fate not in DriveFate.values:
            raise TransitionError(f"{item.asset_tag} : devenir du support {drive} inconnu (« {fate} »).")
        if fate == DriveFate.DESTROYED and not any(
            record.method == ErasureMethod.DESTROY for record in drive.erasures.all()
        ):
            ErasureRecord.objects.create(
                drive=drive,
                method=ErasureMethod.DESTROY,
                result=ErasureResult.PASSED,
                technician=by,
                started_at=now,
                finished_at=now,
                notes=DESTROYED_NOTE,
            )
        drive.fate, drive.fate_recorded_by, drive.fate_recorded_at = fate, by, now
        drive.save(update_fields=["fate", "fate_recorded_by", "fate_recorded_at"])


@transaction.atomic
def item_recycle(
    *,
    item: Item,
    reason: str,
    weight_kg: Decimal | None = None,
    weee_category: str = "",
    by=None,
    note: str = "",
    drive_fates: Mapping[int, str] | None = None,
    no_storage: bool = False,
) -> Item:
    """Send an item to WEEE recycling: a reason, a DEEE category and a weight are required; for a computer, what
    became of each drive (`drive_fates`: drive id -> DriveFate), or `no_storage` confirmed for one without any."""
    item = Item.objects.select_for_update().get(pk=item.pk)
    _check_move(item, ItemStatus.RECYCLED)
    if drive_fates:
        _record_drive_fates(item, drive_fates, by=by)
    if no_storage and item.no_storage_confirmed_at is None:
        try:
            item = item_confirm_no_storage(item=item, by=by)
        except ValidationError as error:
            raise TransitionError(" ".join(error.messages)) from error
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


def items_transition_bulk(
    *, items: Iterable[Item], to_status: str, by=None, note: str = "", no_storage_items=frozenset(), **recycle
) -> BulkOutcome:
    """Apply one transition to many items, each in its own transaction; report per item. Recycling takes
    item_recycle's arguments (`drive_fates` for all items at once), and `no_storage_items`: the ids of the computers
    a technician checked hold no storage."""
    outcome = BulkOutcome(done=[], refused=[])
    for item in items:
        try:
            if to_status == ItemStatus.RECYCLED:
                moved = item_recycle(item=item, by=by, note=note, no_storage=item.pk in no_storage_items, **recycle)
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
