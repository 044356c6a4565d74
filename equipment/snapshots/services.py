"""Import of eReuse Workbench hardware snapshots: an item's specs, drives and erasure records from one file.

One import is one transaction: a refused file writes nothing. The snapshot's uuid is kept
(SnapshotImport, unique), so importing the same file again changes nothing.
"""

import hashlib
import json
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from equipment import snapshots
from equipment.enums import COMPUTER_CATEGORIES, ItemCategory, ItemStatus, StatusChangeSource
from equipment.models import Drive, ErasureRecord, Item, SnapshotImport, StatusChange
from equipment.services import asset_tags_allocate
from equipment.snapshots import ParsedSnapshot, SnapshotError

# Past the audit, an item must not gain a drive that has no erasure record (the refurbishing guard).
_CLEARED_STATUSES = frozenset({ItemStatus.REFURBISHED, ItemStatus.RESERVED, ItemStatus.DISTRIBUTED})
_ITEM_SPECS = ("manufacturer", "model", "cpu", "ram_mb")
_DRIVE_SPECS = ("kind", "manufacturer", "model", "size_gb")


@dataclass
class SnapshotOutcome:
    """What one import did, for the command's and the admin's report."""

    item: Item
    snapshot: SnapshotImport | None
    created: bool = False
    already_imported: bool = False
    specs_changed: tuple[str, ...] = ()
    drives_added: int = 0
    drives_updated: int = 0
    erasures_added: int = 0
    warnings: tuple[str, ...] = ()

    def summary(self) -> str:
        item = self.item
        label = " ".join(part for part in (item.manufacturer, item.model) if part) or item.get_category_display()
        who = f"{item.asset_tag} ({label}, n° de série {item.serial_number})"
        if self.already_imported:
            return f"Rapport déjà importé pour {who} : rien n'a changé."
        if not (self.created or self.specs_changed or self.drives_added or self.drives_updated or self.erasures_added):
            return f"{who} déjà à jour : le rapport est enregistré, rien d'autre n'a changé."
        verb = "créé" if self.created else "mis à jour"
        details = [
            _count(self.drives_added, "support ajouté", "supports ajoutés"),
            _count(self.drives_updated, "support mis à jour", "supports mis à jour"),
            _count(self.erasures_added, "effacement enregistré", "effacements enregistrés"),
        ]
        return f"{who} {verb}" + "".join(f", {part}" for part in details if part) + "."


def _count(number: int, singular: str, plural: str) -> str:
    return f"{number} {singular if number == 1 else plural}" if number else ""


def snapshot_import(*, data: dict | bytes | str, by=None) -> Item:
    """Create or update the item a snapshot describes; SnapshotError (nothing written) for a bad file."""
    return snapshot_ingest(data=data, by=by).item


def snapshot_ingest(*, data: dict | bytes | str, by=None) -> SnapshotOutcome:
    """Same as snapshot_import, returning what was done (created or updated, drives, erasures)."""
    try:
        return _ingest(data=data, by=by)
    except IntegrityError as error:  # someone imported the same computer or file at the same moment
        raise SnapshotError(
            "Ce matériel ou ce rapport vient d'être enregistré par quelqu'un d'autre : rien n'a été modifié. "
            "Réessayez."
        ) from error


@transaction.atomic
def _ingest(*, data: dict | bytes | str, by=None) -> SnapshotOutcome:
    document = snapshots.load(data)
    parsed = snapshots.parse(document)
    uuid = parsed.uuid or _fingerprint(document)
    previous = list(SnapshotImport.objects.select_related("item").defer("raw").filter(uuid=uuid)[:1])
    if previous:
        return SnapshotOutcome(
            item=previous[0].item, snapshot=previous[0], already_imported=True, warnings=parsed.warnings
        )

    item, created, changed = _item_upsert(parsed, uuid=uuid, by=by)
    outcome = SnapshotOutcome(
        item=item, snapshot=None, created=created, specs_changed=changed, warnings=parsed.warnings
    )
    pairs = _drives_upsert(item, parsed, outcome, new_item=created)
    outcome.erasures_added = _erasures_add(pairs, by=by, new_drives_only=created)
    outcome.snapshot = SnapshotImport.objects.create(
        item=item, uuid=uuid, software=parsed.software[:100], raw=document, imported_by=by
    )
    return outcome


def _fingerprint(document: dict) -> str:
    """Identifies a snapshot that carries no uuid, so that re-importing it is still recognised."""
    canonical = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _fit(model, field: str, value: str) -> str:
    return value[: model._meta.get_field(field).max_length]


def _item_upsert(parsed: ParsedSnapshot, *, uuid: str, by) -> tuple[Item, bool, tuple[str, ...]]:
    """The item with this serial number, its specs updated; or a new item, received today."""
    serial = parsed.serial_number
    if len(serial) > Item._meta.get_field("serial_number").max_length:
        raise SnapshotError(f"Le numéro de série de l'appareil est trop long pour être le bon (« {serial[:40]}… »).")
    candidates = list(Item.objects.select_for_update().filter(serial_number__iexact=serial))
    # A screen may share a serial with a computer; the snapshot describes a computer (or its own category).
    pool = [c for c in candidates if c.category == parsed.category] or [
        c for c in candidates if c.category in COMPUTER_CATEGORIES or c.category == ItemCategory.OTHER
    ]
    if len(pool) > 1:
        tags = ", ".join(sorted(c.asset_tag for c in pool))
        raise SnapshotError(
            f"Plusieurs matériels portent le numéro de série {serial} ({tags}) : impossible de savoir lequel "
            "ce rapport décrit. Corrigez d'abord le doublon."
        )
    specs = {field: getattr(parsed, field) for field in _ITEM_SPECS}
    specs = {field: _fit(Item, field, value) if isinstance(value, str) else value for field, value in specs.items()}
    if pool:
        item = pool[0]
        changed = [field for field, value in specs.items() if value and getattr(item, field) != value]
        if parsed.form_factor and not item.form_factor and item.category == ItemCategory.DESKTOP:
            changed.append("form_factor")
            specs["form_factor"] = parsed.form_factor
        if changed:
            for field in changed:
                setattr(item, field, specs[field])
            _validate(item, exclude=[f.name for f in Item._meta.fields if f.name not in changed])
            item._history_user = by
            item.save(update_fields=[*changed, "updated_at"])
        return item, False, tuple(changed)

    now = timezone.now()
    item = Item(
        asset_tag=asset_tags_allocate(count=1)[0],
        category=parsed.category,
        form_factor=parsed.form_factor if parsed.category == ItemCategory.DESKTOP else "",
        status=ItemStatus.RECEIVED,
        received_on=timezone.localdate(),
        serial_number=serial,
        status_changed_at=now,
        **specs,
    )
    _validate(item)
    item._history_user = by
    item.save()
    StatusChange.objects.create(
        item=item,
        from_status="",
        to_status=ItemStatus.RECEIVED,
        by=by,
        at=now,
        source=StatusChangeSource.SNAPSHOT,
        note=f"Créé à partir du rapport matériel {uuid} ({parsed.software}).",
    )
    return item, True, ()


def _validate(item: Item, exclude=None) -> None:
    # Uniqueness and constraints cost a query each to validate here; the database enforces them all, and a
    # violation (a race on the serial number) surfaces as IntegrityError, turned into a message above.
    try:
        item.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        raise SnapshotError(f"Le matériel décrit par le rapport est refusé : {' '.join(error.messages)}") from error


def _drives_upsert(item: Item, parsed: ParsedSnapshot, outcome: SnapshotOutcome, *, new_item: bool) -> list:
    """Match the snapshot's drives to the item's by serial number (bulk: one read, one insert, one update)."""
    existing = [] if new_item else list(item.drives.all())
    by_serial = {drive.serial_number.upper(): drive for drive in existing if drive.serial_number}
    unnamed = [drive for drive in existing if not drive.serial_number]
    pairs, to_create, to_update = [], [], []
    for found in parsed.drives:
        if len(found.serial_number) > Drive._meta.get_field("serial_number").max_length:
            raise SnapshotError(f"Le numéro de série d'un support est trop long (« {found.serial_number[:40]}… »).")
        values = {
            "kind": found.kind,
            "manufacturer": _fit(Drive, "manufacturer", found.manufacturer),
            "model": _fit(Drive, "model", found.model),
            "size_gb": found.size_gb,
        }
        if found.serial_number:
            drive = by_serial.get(found.serial_number.upper())
        else:
            drive = next((d for d in unnamed if (d.model, d.size_gb) == (values["model"], found.size_gb)), None)
        if drive is None:
            drive = Drive(item=item, serial_number=found.serial_number, **values)
            to_create.append(drive)
        elif any(values[field] and getattr(drive, field) != values[field] for field in _DRIVE_SPECS):
            for field in _DRIVE_SPECS:
                if values[field]:
                    setattr(drive, field, values[field])
            to_update.append(drive)
        pairs.append((found, drive))
    if to_create and item.status in _CLEARED_STATUSES:
        serials = ", ".join(drive.serial_number or "sans n° de série" for drive in to_create)
        raise SnapshotError(
            f"{item.asset_tag} est « {item.get_status_display().lower()} » : un support sans effacement ({serials}) "
            "ne peut pas y être ajouté. Repassez-le en audit avant d'importer ce rapport."
        )
    Drive.objects.bulk_create(to_create)
    if to_update:
        Drive.objects.bulk_update(to_update, fields=list(_DRIVE_SPECS))
    outcome.drives_added, outcome.drives_updated = len(to_create), len(to_update)
    return pairs


def _erasures_add(pairs: list, *, by, new_drives_only: bool) -> int:
    """Add the snapshot's erasure records, skipping those already recorded from a snapshot for that drive."""
    wanted = [(drive, erasure) for found, drive in pairs for erasure in found.erasures]
    if not wanted:
        return 0
    known = set()
    if not new_drives_only:
        known = set(
            ErasureRecord.objects.filter(drive__in=[drive.pk for drive, _ in wanted], from_snapshot=True).values_list(
                "drive_id", "method", "started_at", "finished_at", "result"
            )
        )
    records = []
    for drive, erasure in wanted:
        key = (drive.pk, erasure.method, erasure.started_at, erasure.finished_at, erasure.result)
        if key in known:
            continue
        known.add(key)
        records.append(
            ErasureRecord(
                drive=drive,
                method=erasure.method,
                tool=_fit(ErasureRecord, "tool", erasure.tool),
                passes=erasure.passes,
                started_at=erasure.started_at,
                finished_at=erasure.finished_at,
                result=erasure.result,
                technician=by,
                from_snapshot=True,
                notes=erasure.notes,
            )
        )
    ErasureRecord.objects.bulk_create(records)
    return len(records)
