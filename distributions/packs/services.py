"""Every write on packs: create, fill by scan or pick, dissolve, and the reserve / release / hand-over blocks.

Locks are always taken pack first, then items, so two technicians never deadlock each other.
`PackItem.is_live` is kept equal to "the pack is live" here and only here.
"""

from collections import Counter

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from distributions.packs.enums import EDITABLE_PACK_STATUSES, LIVE_PACK_STATUSES, PackStatus
from distributions.packs.models import Invitation, Pack, PackItem, PackTemplate
from distributions.packs.selectors import composition_matches, pack_composition, pack_missing_text
from equipment.enums import ItemStatus
from equipment.models import Item
from equipment.services import asset_tags_allocate, item_distribute, item_release, item_reserve
from equipment.storage import storage_refusal

PACK_REFERENCE_PREFIX = "PACK"


def _status_label(status: str) -> str:
    return PackStatus(status).label.lower()


def _lock_pack(pack: Pack) -> Pack:
    return Pack.objects.select_for_update(of=("self",)).select_related("template").get(pk=pack.pk)


def _lock_item(*, item: Item | None, asset_tag: str) -> Item:
    if item is not None:
        return Item.objects.select_for_update().get(pk=item.pk)
    tag = (asset_tag or "").strip()
    if not tag:
        raise ValidationError("Scannez ou saisissez l'étiquette d'un matériel.")
    # Asset tags are unique ignoring case, so a tag typed in lower case still finds its one item.
    found = Item.objects.select_for_update().filter(asset_tag__iexact=tag).first()
    if found is None:
        raise ValidationError(f"Aucun matériel ne porte l'étiquette « {tag} ».")
    return found


def _set_status(pack: Pack, status: str, *, by) -> None:
    now = timezone.now()
    pack.status = status
    pack.status_changed_at = now
    if status == PackStatus.COMPLETE and pack.completed_at is None:
        pack.completed_at = now
    elif status == PackStatus.ASSEMBLING:
        pack.completed_at = None
    pack._history_user = by
    pack.save(update_fields=["status", "status_changed_at", "completed_at"])
    if status not in LIVE_PACK_STATUSES:
        pack.pack_items.filter(is_live=True).update(is_live=False)


def _check_editable(pack: Pack) -> None:
    if pack.status not in EDITABLE_PACK_STATUSES:
        raise ValidationError(
            f"Le pack {pack.reference} est « {_status_label(pack.status)} » : son contenu ne peut plus changer."
        )


def pack_is_complete(pack: Pack) -> bool:
    """True when the pack's live items match its template exactly, category by category."""
    wanted = {line.category: line.quantity for line in pack.template.lines.all()}
    present = Counter(pack.pack_items.filter(is_live=True).values_list("item__category", flat=True))
    return composition_matches(wanted=wanted, present=present)


def _sync_completeness(pack: Pack, *, by) -> None:
    if pack.status not in EDITABLE_PACK_STATUSES:
        return
    status = PackStatus.COMPLETE if pack_is_complete(pack) else PackStatus.ASSEMBLING
    if status != pack.status:
        _set_status(pack, status, by=by)


@transaction.atomic
def pack_create(*, template: PackTemplate | None = None, by=None, notes: str = "") -> Pack:
    """Open a new, empty pack after `template` (the default template when none is given)."""
    template = template or PackTemplate.objects.default()
    if template is None:
        raise ValidationError("Aucun modèle de pack par défaut : choisissez un modèle.")
    if not template.lines.exists():
        raise ValidationError(f"Le modèle « {template} » ne prévoit aucun matériel : complétez-le d'abord.")
    reference = asset_tags_allocate(count=1, prefix=PACK_REFERENCE_PREFIX)[0]
    pack = Pack(reference=reference, template=template, assembled_by=by, notes=notes)
    pack.status_changed_at = timezone.now()
    pack.full_clean()
    pack._history_user = by
    pack.save()
    return pack


@transaction.atomic
def pack_add_item(*, pack: Pack, item: Item | None = None, asset_tag: str = "", by=None) -> PackItem:
    """Put one refurbished item (given or found by its scanned asset tag) into a pack being assembled."""
    pack = _lock_pack(pack)
    _check_editable(pack)
    item = _lock_item(item=item, asset_tag=asset_tag)
    tag, category = item.asset_tag, item.get_category_display().lower()
    if item.status != ItemStatus.REFURBISHED:
        raise ValidationError(
            f"{tag} est « {item.get_status_display().lower()} » : seul un matériel reconditionné peut entrer "
            "dans un pack."
        )
    # A computer refurbished before its storage had to be accounted for (older records) waits for its audit.
    refusal = storage_refusal(item, action="entrer dans un pack")
    if refusal:
        raise ValidationError(refusal)
    current = PackItem.objects.filter(item=item, is_live=True).select_related("pack").first()
    if current is not None:
        where = "ce pack" if current.pack_id == pack.pk else f"le pack {current.pack.reference}"
        raise ValidationError(f"{tag} est déjà dans {where}.")
    wanted = {line.category: line.quantity for line in pack.template.lines.all()}.get(item.category, 0)
    if not wanted:
        raise ValidationError(
            f"{tag} est un matériel « {category} » : le modèle « {pack.template} » n'en prévoit pas."
        )
    present = pack.pack_items.filter(is_live=True, item__category=item.category).count()
    if present >= wanted:
        raise ValidationError(
            f"{tag} : le pack {pack.reference} a déjà son compte de « {category} » ({present} sur {wanted})."
        )
    pack_item = PackItem(pack=pack, item=item, added_by=by)
    try:
        # The partial unique index is the last word if two requests slipped past the checks above.
        with transaction.atomic():
            pack_item.save()
    except IntegrityError as error:
        raise ValidationError(f"{tag} vient d'être mis dans un autre pack.") from error
    _sync_completeness(pack, by=by)
    return pack_item


@transaction.atomic
def pack_remove_item(*, pack: Pack, item: Item | None = None, asset_tag: str = "", by=None) -> Pack:
    """Take an item out of a pack being assembled; it stays refurbished and free for another pack."""
    pack = _lock_pack(pack)
    _check_editable(pack)
    item = _lock_item(item=item, asset_tag=asset_tag)
    deleted, _ = PackItem.objects.filter(pack=pack, item=item, is_live=True).delete()
    if not deleted:
        raise ValidationError(f"{item.asset_tag} n'est pas dans le pack {pack.reference}.")
    _sync_completeness(pack, by=by)
    return pack


def _locked_items(pack: Pack) -> list[Item]:
    item_ids = pack.pack_items.filter(is_live=True).values("item_id")
    return list(Item.objects.select_for_update().filter(pk__in=item_ids).order_by("pk"))


@transaction.atomic
def pack_dissolve(*, pack: Pack, by=None) -> Pack:
    """Undo a pack: reserved items go back to `refurbished`, every item is free again; the pack stays as history."""
    pack = _lock_pack(pack)
    if pack.status not in LIVE_PACK_STATUSES:
        raise ValidationError(
            f"Le pack {pack.reference} est « {_status_label(pack.status)} » : il ne peut plus être défait."
        )
    holder = Invitation.objects.seated().filter(pack=pack).select_related("event").first()
    if holder is not None:
        raise ValidationError(
            f"Le pack {pack.reference} est attribué à un foyer invité à « {holder.event.title} » : retirez-le "
            "d'abord de l'invitation (ou remettez-le en stock) avant de le défaire."
        )
    for item in _locked_items(pack):
        if item.status == ItemStatus.RESERVED:
            item_release(item=item, by=by, note=f"Pack {pack.reference} défait")
    _set_status(pack, PackStatus.DISSOLVED, by=by)
    return pack


@transaction.atomic
def pack_reserve_items(*, pack: Pack, by=None, note: str = "") -> Pack:
    """A complete pack is promised to a household: its items become `reserved`, the pack `allocated`."""
    pack = _lock_pack(pack)
    if pack.status != PackStatus.COMPLETE or not pack_is_complete(pack):
        missing = pack_missing_text(pack_composition(pack)) if pack.status in EDITABLE_PACK_STATUSES else ""
        detail = f" : il manque {missing}" if missing else ""
        raise ValidationError(
            f"Le pack {pack.reference} est « {_status_label(pack.status)} »{detail} ; seul un pack complet "
            "peut être attribué."
        )
    for item in _locked_items(pack):
        item_reserve(item=item, by=by, note=note or f"Pack {pack.reference}")
    _set_status(pack, PackStatus.ALLOCATED, by=by)
    return pack


@transaction.atomic
def pack_release_items(*, pack: Pack, by=None, note: str = "") -> Pack:
    """An allocated pack goes back to stock whole (household absent): items `refurbished`, pack `complete`."""
    pack = _lock_pack(pack)
    if pack.status != PackStatus.ALLOCATED:
        raise ValidationError(f"Le pack {pack.reference} n'est pas attribué : rien à remettre en stock.")
    for item in _locked_items(pack):
        if item.status == ItemStatus.RESERVED:
            item_release(item=item, by=by, note=note or f"Pack {pack.reference} remis en stock")
    _set_status(pack, PackStatus.COMPLETE, by=by)
    return pack


@transaction.atomic
def pack_hand_over(*, pack: Pack, by=None, note: str = "") -> Pack:
    """An allocated pack is handed to its household: items `distributed`, pack `handed_over` (no longer live)."""
    pack = _lock_pack(pack)
    if pack.status != PackStatus.ALLOCATED:
        raise ValidationError(
            f"Le pack {pack.reference} est « {_status_label(pack.status)} » : seul un pack attribué peut être remis."
        )
    for item in _locked_items(pack):
        item_distribute(item=item, by=by, note=note or f"Pack {pack.reference} remis")
    _set_status(pack, PackStatus.HANDED_OVER, by=by)
    return pack
