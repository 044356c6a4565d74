"""Import of eReuse Workbench hardware snapshots: an item's specs, drives and erasure records from one file.

One service for every way a snapshot arrives — the workshop's upload page, `import_snapshot` and the Workbench's
direct upload (POST /api/v1/snapshot/): `snapshot_ingest(*, data, ...)`.

- One import is one transaction: a refused file writes nothing (nor keeps its file in storage).
- The snapshot's uuid is kept (SnapshotImport, unique): the same file again changes nothing. Two requests carrying
  the same uuid (a client that retries) or describing the same computer wait for each other (a named lock).
- The most recently *taken* snapshot wins, whatever the order of import: each spec comes from the newest snapshot
  that gives it, the drive list from the newest snapshot that lists drives. A drive it no longer lists is marked
  removed (its erasures stay); an older snapshot imported later is kept in the history and still records its
  erasures, but changes nothing current.
- The file itself is kept in the default storage (S3 when configured), with its channel and sender.
"""

import datetime
import hashlib
import json
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from core.locks import transaction_lock
from equipment import snapshots
from equipment.enums import COMPUTER_CATEGORIES, ItemCategory, ItemStatus, SnapshotChannel, StatusChangeSource
from equipment.models import Drive, ErasureRecord, Item, SnapshotImport, StatusChange
from equipment.services import asset_tags_allocate
from equipment.snapshots import ParsedSnapshot, SnapshotError
from equipment.storage import past_audit

_ITEM_SPECS = ("manufacturer", "model", "cpu", "ram_mb")
_DRIVE_SPECS = ("kind", "manufacturer", "model", "size_gb")
# A computer's clock may be wrong; a snapshot "taken" further ahead than this is dated by its import instead.
_CLOCK_TOLERANCE = datetime.timedelta(days=1)


@dataclass
class SnapshotOutcome:
    """What one import did, for the command's, the admin's and the API's report."""

    item: Item
    snapshot: SnapshotImport | None
    created: bool = False
    already_imported: bool = False
    current: bool = True  # the newest snapshot of the item: its specs are now the item's
    specs_changed: tuple[str, ...] = ()
    drives_added: int = 0
    drives_updated: int = 0
    drives_removed: int = 0
    drives_past: int = 0  # drives only an older snapshot saw: recorded as removed, for their erasures
    erasures_added: int = 0
    warnings: tuple[str, ...] = ()

    def summary(self) -> str:
        item = self.item
        label = " ".join(part for part in (item.manufacturer, item.model) if part) or item.get_category_display()
        who = f"{item.asset_tag} ({label}, n° de série {item.serial_number})"
        if self.already_imported:
            return f"Rapport déjà importé pour {who} : rien n'a changé."
        details = [
            _count(self.drives_added, "support ajouté", "supports ajoutés"),
            _count(self.drives_updated, "support mis à jour", "supports mis à jour"),
            _count(self.drives_removed, "support retiré", "supports retirés"),
            _count(self.drives_past, "ancien support enregistré", "anciens supports enregistrés"),
            _count(self.erasures_added, "effacement enregistré", "effacements enregistrés"),
        ]
        details = "".join(f", {part}" for part in details if part)
        if not self.current and not self.created:
            taken = timezone.localtime(self.snapshot.taken_at) if self.snapshot else None
            when = f" (pris le {taken:%d/%m/%Y à %H:%M})" if taken else ""
            return (
                f"Rapport plus ancien{when} que le plus récent de {who} : gardé dans l'historique, la fiche ne "
                f"change pas{details}."
            )
        if not (
            self.created
            or self.specs_changed
            or self.drives_added
            or self.drives_updated
            or self.drives_removed
            or self.erasures_added
        ):
            return f"{who} déjà à jour : le rapport est enregistré, rien d'autre n'a changé."
        verb = "créé" if self.created else "mis à jour"
        return f"{who} {verb}{details}."


def _count(number: int, singular: str, plural: str) -> str:
    return f"{number} {singular if number == 1 else plural}" if number else ""


def snapshot_import(*, data: dict | bytes | str, by=None, **options) -> Item:
    """Create or update the item a snapshot describes; SnapshotError (nothing written) for a bad file."""
    return snapshot_ingest(data=data, by=by, **options).item


def snapshot_ingest(
    *,
    data: dict | bytes | str,
    by=None,
    channel: str = SnapshotChannel.COMMAND,
    sender: str = "",
    donation=None,
) -> SnapshotOutcome:
    """Import one snapshot (the bytes of a file, its text, or a decoded document) and say what was done.

    `by`: the person importing (erasure records' technician), `channel` and `sender` (a Workbench token's name):
    how it arrived, kept with the file; `donation`: the donation a new item is attached to (and an existing item
    without one). Raises SnapshotError, with a French message and a `code`, for a file that cannot be imported.
    """
    document = snapshots.load(data)
    parsed = snapshots.parse(document)
    uuid = parsed.uuid or _fingerprint(document)
    if isinstance(data, dict):
        content = json.dumps(document, ensure_ascii=False, indent=1).encode()
    else:
        content = data.encode() if isinstance(data, str) else bytes(data)
    stored: list[str] = []
    for attempt in range(2):
        try:
            return _ingest(
                parsed=parsed,
                uuid=uuid,
                content=content,
                stored=stored,
                by=by,
                channel=channel,
                sender=sender,
                donation=donation,
            )
        except IntegrityError as error:
            # Someone imported the same computer or file at the same moment (where named locks do not exist):
            # once more, it is then found.
            _forget(stored)
            if attempt:
                raise SnapshotError(
                    "Ce matériel ou ce rapport vient d'être enregistré par quelqu'un d'autre : rien n'a été "
                    "modifié. Réessayez.",
                    code="conflict",
                ) from error
        except BaseException:
            _forget(stored)
            raise
    raise AssertionError("unreachable")  # pragma: no cover


def _forget(stored: list[str]) -> None:
    """The file of an import that did not happen leaves the storage too."""
    while stored:
        default_storage.delete(stored.pop())


@transaction.atomic
def _ingest(*, parsed: ParsedSnapshot, uuid: str, content: bytes, stored: list, by, channel, sender, donation):
    transaction_lock("snapshot-uuid", uuid)
    previous = list(SnapshotImport.objects.select_related("item").defer("raw").filter(uuid=uuid)[:1])
    if previous:
        return SnapshotOutcome(
            item=previous[0].item, snapshot=previous[0], already_imported=True, warnings=parsed.warnings
        )
    transaction_lock("snapshot-serial", parsed.serial_number.upper())
    warnings = list(parsed.warnings)
    now = timezone.now()
    taken_at = parsed.taken_at
    if taken_at is None:
        taken_at = now
    elif taken_at > now + _CLOCK_TOLERANCE:
        warnings.append(
            f"L'horloge de l'ordinateur datait le rapport du {timezone.localtime(taken_at):%d/%m/%Y}, dans le "
            "futur : il est daté de son import."
        )
        taken_at = now

    item, created = _item_find_or_create(parsed, uuid=uuid, by=by, donation=donation, now=now)
    newer = _newer_snapshots(item, taken_at) if not created else {}
    outcome = SnapshotOutcome(item=item, snapshot=None, created=created, current=not newer.get("any"))
    changed = [] if created else _item_specs_update(item, parsed, newer=newer)
    if donation is not None and not created:
        if item.donation_id is None:
            changed.append("donation")
            item.donation = donation
        elif item.donation_id != donation.pk:
            warnings.append(
                f"{item.asset_tag} appartient déjà à un autre don ; il n'a pas été rattaché au don choisi."
            )
    if changed:
        _validate(item, exclude=[f.name for f in Item._meta.fields if f.name not in changed])
        item._history_user = by
        item.save(update_fields=[*changed, "updated_at"])
    outcome.specs_changed = tuple(changed)

    name = default_storage.save(_file_name(uuid, now), ContentFile(content))
    stored.append(name)
    snapshot = SnapshotImport.objects.create(
        item=item,
        uuid=uuid,
        software=parsed.software[:100],
        taken_at=taken_at,
        file=name,
        channel=channel,
        sender=sender[:100],
        imported_by=by,
        manufacturer=_fit(SnapshotImport, "manufacturer", parsed.manufacturer),
        model=_fit(SnapshotImport, "model", parsed.model),
        cpu=_fit(SnapshotImport, "cpu", parsed.cpu),
        ram_mb=parsed.ram_mb,
        lists_drives=parsed.lists_drives,
    )
    outcome.snapshot = snapshot
    authority = parsed.lists_drives and not newer.get("lists_drives")
    pairs = _drives_upsert(item, parsed, snapshot, outcome, new_item=created, authority=authority, now=now)
    outcome.erasures_added = _erasures_add(pairs, by=by, new_drives_only=created)
    outcome.warnings = tuple(warnings)
    return outcome


def _file_name(uuid: str, now) -> str:
    safe = "".join(char if char.isalnum() or char == "-" else "_" for char in uuid)[:64]
    return f"snapshots/{now:%Y/%m}/{safe}.json"


def _fingerprint(document: dict) -> str:
    """Identifies a snapshot that carries no uuid, so that re-importing it is still recognised."""
    canonical = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _fit(model, field: str, value: str) -> str:
    return value[: model._meta.get_field(field).max_length]


def _item_find_or_create(parsed: ParsedSnapshot, *, uuid: str, by, donation, now) -> tuple[Item, bool]:
    """The item with this serial number (locked); or a new item with the snapshot's specs, received today (or on
    its donation's day)."""
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
    if pool:
        return pool[0], False
    specs = {field: getattr(parsed, field) for field in _ITEM_SPECS}
    specs = {field: _fit(Item, field, value) if isinstance(value, str) else value for field, value in specs.items()}
    item = Item(
        asset_tag=asset_tags_allocate(count=1)[0],
        category=parsed.category,
        form_factor=parsed.form_factor if parsed.category == ItemCategory.DESKTOP else "",
        status=ItemStatus.RECEIVED,
        donation=donation,
        received_on=donation.received_on if donation is not None else timezone.localdate(now),
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
    return item, True


def _newer_snapshots(item: Item, taken_at) -> dict:
    """What the item's snapshots taken after `taken_at` say, in one query: how many, and how many give each spec
    and a drive list. A snapshot taken at the same moment and imported earlier counts as older."""
    return SnapshotImport.objects.filter(item=item, taken_at__gt=taken_at).aggregate(
        any=Count("pk"),
        manufacturer=Count("pk", filter=~Q(manufacturer="")),
        model=Count("pk", filter=~Q(model="")),
        cpu=Count("pk", filter=~Q(cpu="")),
        ram_mb=Count("pk", filter=Q(ram_mb__isnull=False)),
        lists_drives=Count("pk", filter=Q(lists_drives=True)),
    )


def _item_specs_update(item: Item, parsed: ParsedSnapshot, *, newer: dict) -> list[str]:
    """Set each spec this snapshot gives and no newer snapshot gives; the fields changed (not saved yet)."""
    changed = []
    for field in _ITEM_SPECS:
        value = getattr(parsed, field)
        if isinstance(value, str):
            value = _fit(Item, field, value)
        if value and not newer.get(field) and getattr(item, field) != value:
            setattr(item, field, value)
            changed.append(field)
    if parsed.form_factor and not item.form_factor and item.category == ItemCategory.DESKTOP:
        item.form_factor = parsed.form_factor
        changed.append("form_factor")
    return changed


def _validate(item: Item, exclude=None) -> None:
    # Uniqueness and constraints cost a query each to validate here; the database enforces them all, and a
    # violation (a race on the serial number) surfaces as IntegrityError, turned into a message above.
    try:
        item.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        raise SnapshotError(f"Le matériel décrit par le rapport est refusé : {' '.join(error.messages)}") from error


def _drives_upsert(
    item: Item,
    parsed: ParsedSnapshot,
    snapshot: SnapshotImport,
    outcome: SnapshotOutcome,
    *,
    new_item: bool,
    authority: bool,
    now,
) -> list:
    """Match the snapshot's drives to the item's by serial number (bulk: one read, one insert, one update).

    `authority`: this snapshot is the newest that lists drives, so its list is the computer's: drives it does not
    list are marked removed, drives it lists are current again. Otherwise its drives only enrich the history: a
    drive the item never had is recorded as removed (so that its erasures can be), a drive it saw later than any
    other snapshot takes its specs from it.
    """
    existing = (
        []
        if new_item
        else list(
            item.drives.select_related("last_seen_in").only(
                "pk",
                "item_id",
                "kind",
                "manufacturer",
                "model",
                "serial_number",
                "size_gb",
                "removed_at",
                "last_seen_in__taken_at",
            )
        )
    )
    by_serial = {drive.serial_number.upper(): drive for drive in existing if drive.serial_number}
    unnamed = [drive for drive in existing if not drive.serial_number]
    pairs, to_create, to_update, matched = [], [], {}, set()
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
            drive = next(
                (
                    d
                    for d in unnamed
                    if d.pk not in matched and (d.model, d.size_gb) == (values["model"], found.size_gb)
                ),
                None,
            )
        if drive is None:
            drive = Drive(
                item=item,
                serial_number=found.serial_number,
                last_seen_in=snapshot,
                removed_at=None if authority else now,
                **values,
            )
            to_create.append(drive)
        else:
            matched.add(drive.pk)
            seen = drive.last_seen_in
            if authority or seen is None or seen.taken_at <= snapshot.taken_at:
                if any(values[field] and getattr(drive, field) != values[field] for field in _DRIVE_SPECS):
                    for field in _DRIVE_SPECS:
                        if values[field]:
                            setattr(drive, field, values[field])
                    outcome.drives_updated += 1
                drive.last_seen_in = snapshot
                to_update[drive.pk] = drive
            if authority and drive.removed_at is not None:
                drive.removed_at = None  # back in the computer
                to_update[drive.pk] = drive
        pairs.append((found, drive))
    if authority:
        for drive in existing:
            if drive.pk not in matched and drive.removed_at is None:
                drive.removed_at = now
                to_update[drive.pk] = drive
                outcome.drives_removed += 1
    current_new = [drive for drive in to_create if drive.removed_at is None]
    if to_create and past_audit(item):
        # Past the audit the drives are part of why the computer could leave: none is added (the database refuses
        # it too), not even one only an older snapshot saw.
        serials = ", ".join(drive.serial_number or "sans n° de série" for drive in to_create)
        raise SnapshotError(
            f"{item.asset_tag} est « {item.get_status_display().lower()} » : un support sans effacement ({serials}) "
            "ne peut pas y être ajouté. Repassez-le en audit avant d'importer ce rapport."
        )
    Drive.objects.bulk_create(to_create)
    if to_update:
        Drive.objects.bulk_update(list(to_update.values()), fields=[*_DRIVE_SPECS, "last_seen_in", "removed_at"])
    outcome.drives_added = len(current_new)
    outcome.drives_past = len(to_create) - len(current_new)
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
