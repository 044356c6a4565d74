"""The storage rule: when a computer's drives are accounted for, so that it may leave the workshop.

A computer (COMPUTER_CATEGORIES) becomes « reconditionné », joins a pack or goes to a household only when every
drive recorded has a successful erasure or was destroyed, and at least one drive is recorded — or a technician
confirmed it holds no storage at all (who, when). It goes to WEEE recycling only when each drive's fate is recorded
(erased, destroyed, removed and kept), or no storage was confirmed. Items the historical import brought in already
past the audit are exempt until they come back to the audit.

These functions read; equipment.services applies them, and the database applies the same rule in its triggers
(migration 0004), whatever writes the rows.
"""

from equipment.enums import CLEARED_STATUSES, COMPUTER_CATEGORIES, DriveFate, ItemStatus
from equipment.models import Drive, Item


def _drives(item: Item) -> list[Drive]:
    if "drives" in getattr(item, "_prefetched_objects_cache", {}):  # a page read them already, with their erasures
        return list(item.drives.all())
    return list(item.drives.prefetch_related("erasures").order_by("id"))


def _names(drives: list[Drive]) -> str:
    return ", ".join(drive.serial_number or f"{drive.get_kind_display()} sans n° de série" for drive in drives)


def past_audit(item: Item | None) -> bool:
    """Refurbished, reserved, distributed or recycled: its drives and erasures are part of why it could leave, so
    they are not added, deleted or rewritten any more (the item goes back to the audit first)."""
    return item is not None and (item.status in CLEARED_STATUSES or item.status == ItemStatus.RECYCLED)


def storage_rule_applies(item: Item) -> bool:
    return item.category in COMPUTER_CATEGORIES and not item.erasure_exempt


def storage_refusal(item: Item, to_status: str = ItemStatus.REFURBISHED, *, action: str = "") -> str | None:
    """Why `item` may not become `to_status` (reconditionné, réservé, distribué) for its storage, or None.
    `action` names the step in the message (« entrer dans un pack ») instead of the status."""
    if item.erasure_exempt:
        return None
    drives = _drives(item)
    action = action or f"devenir « {ItemStatus(to_status).label.lower()} »"
    pending = [drive for drive in drives if not drive.is_cleared]
    if pending:
        return (
            f"{item.asset_tag} : ne peut pas {action} tant que chaque support n'a pas un effacement "
            f"réussi ou n'est pas détruit (en attente : {_names(pending)})."
        )
    if item.category in COMPUTER_CATEGORIES and not drives and item.no_storage_confirmed_at is None:
        return (
            f"{item.asset_tag} : ne peut pas {action} sans preuve que ses données sont effacées — aucun "
            "support de stockage n'est enregistré. Enregistrez ses supports et leurs effacements, ou confirmez "
            "sur sa fiche « aucun support de stockage » après l'avoir vérifié."
        )
    return None


def recycling_refusal(item: Item) -> str | None:
    """Why `item` may not go to WEEE recycling yet for its storage (the fate of each drive unknown), or None."""
    if not storage_rule_applies(item):
        return None
    drives = _drives(item)
    unknown = [drive for drive in drives if not drive.fate]
    if unknown:
        return (
            f"{item.asset_tag} : dites ce qu'est devenu chaque support de stockage avant le recyclage (effacé, "
            f"détruit, retiré et conservé) — sans réponse : {_names(unknown)}."
        )
    claimed = [drive for drive in drives if drive.fate == DriveFate.ERASED and not drive.is_cleared]
    if claimed:
        return (
            f"{item.asset_tag} : « effacé » demande un effacement réussi enregistré ; ce n'est pas le cas de "
            f"{_names(claimed)} (choisissez « détruit » ou « retiré et conservé », ou enregistrez l'effacement)."
        )
    if not drives and item.no_storage_confirmed_at is None:
        return (
            f"{item.asset_tag} : aucun support de stockage n'est enregistré. Enregistrez ses supports, ou confirmez "
            "« aucun support de stockage » après l'avoir vérifié."
        )
    return None
