"""Import of equipment from a CSV file (historical spreadsheets): all rows are checked, then all or nothing is written.

Matching with what is already recorded, so that re-importing a file changes nothing:
- a row with an asset tag is the item with that tag;
- a row without tag but with a serial number is the item with that (category, serial number);
- rows with neither are matched as a group on (category, brand, model, received_on, donor) against items without
  serial number: when none exists they are created; when some exist they must say exactly the same.
A matched item with the same data is "unchanged"; with different data the row is an error: the import never
modifies a recorded item (that is the technicians' job, in the admin, through the status machine).
"""

import datetime
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import BooleanField, F, Func, Q, Value
from django.utils import timezone

from core.text import plural, plural_suffix
from donations.models import Donation, Donor
from equipment.enums import (
    CLEARED_STATUSES,
    COMPUTER_CATEGORIES,
    DEFAULT_WEEE_CATEGORY,
    ItemCategory,
    ItemStatus,
    StatusChangeSource,
)
from equipment.imports.csv_rows import CsvRow, parse
from equipment.imports.rows_insert import rows_insert
from equipment.models import AssetTagCounter, Item, StatusChange
from equipment.services import asset_tags_allocate

IMPORT_RECYCLING_REASON = "Import historique"
Progress = Callable[[int], None]  # lines read
WriteProgress = Callable[[int, int], None]  # items written, items to write
BATCH_SIZE = 1000
# Bound on the number of values in one SQL IN (...): SQLite builds may cap query parameters.
IN_CHUNK = 10_000


@dataclass
class ImportReport:
    """What an import found (and, once written, did): for the command's summary and the web preview."""

    filename: str = ""
    rows: list[CsvRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    to_create: list[CsvRow] = field(default_factory=list)
    unchanged: list[CsvRow] = field(default_factory=list)
    created: list[str] = field(default_factory=list)  # asset tags of the items written
    written: bool = False

    @property
    def is_valid(self) -> bool:
        return not self.errors

    @property
    def erasure_exempt_count(self) -> int:
        """Computers to create already past the audit: exempt from the storage rule (see row_erasure_exempt)."""
        return sum(1 for row in self.to_create if row_erasure_exempt(row))

    @property
    def error_count(self) -> int:
        return len(self.errors)

    def counts_to_create(self) -> list[tuple[str, list[int], int]]:
        """Rows to create by category (label) and status, in enum order: [(label, [n per status], total)]."""
        counts = Counter((row.category, row.status) for row in self.to_create)
        table = []
        for category in ItemCategory:
            per_status = [counts[(category.value, status.value)] for status in ItemStatus]
            if any(per_status):
                table.append((category.label, per_status, sum(per_status)))
        return table


def _chunks(values: list, size: int = IN_CHUNK) -> Iterator[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


class _AnyOf(Func):
    """`field = ANY(%s)`, the values as one array parameter (PostgreSQL). An IN list of 10,000 values costs more to
    build in the driver and to parse in the server than the lookup itself."""

    arg_joiner = " = ANY("
    template = "%(expressions)s)"
    output_field = BooleanField()

    def __init__(self, field: str, values: list):
        super().__init__(F(field), Value(values))


def _among(field: str, values: list) -> Iterator[Q]:
    """`field` in `values`, as few conditions as the database allows: one on PostgreSQL, else one per IN_CHUNK
    values; none for no values (no query at all)."""
    if not values:
        return
    if connection.vendor == "postgresql":
        yield Q(_AnyOf(field, values))
    else:
        for chunk in _chunks(values):
            yield Q(**{f"{field}__in": chunk})


def _items(queryset_filter: Iterable[Q]) -> list[Item]:
    found = []
    for condition in queryset_filter:
        found.extend(Item.objects.filter(condition).select_related("donation__donor").order_by("id"))
    return found


def _donor_name(item: Item) -> str:
    return item.donation.donor.name if item.donation_id else ""


def _differences(row: CsvRow, item: Item) -> list[str]:
    """Human-readable differences between a row and the recorded item (empty when they say the same)."""
    pairs = [
        ("catégorie", row.category, item.category),
        ("marque", row.manufacturer, item.manufacturer),
        ("modèle", row.model, item.model),
        ("n° de série", row.serial_number, item.serial_number),
        ("statut", row.status, item.status),
        ("reçu le", row.received_on, item.received_on),
        ("donateur", row.donor.casefold(), _donor_name(item).casefold()),
        ("poids", row.weight_kg, item.weight_kg),
        ("notes", row.notes, item.notes),
    ]
    return [
        f"{label} : fichier « {mine or '—'} », enregistré « {theirs or '—'} »"
        for label, mine, theirs in pairs
        if mine != theirs
    ]


def _serials_filter(pairs: list[tuple[str, str]]) -> Q:
    """Items having one of these (category, serial number): one list per category, in a single query. « Serial
    number not empty » lets the database use the unique index on (category, serial number), which has only those."""
    serials: dict[str, list[str]] = defaultdict(list)
    for category, serial in pairs:
        serials[category].append(serial)
    condition = Q(pk__in=[])
    for category, values in serials.items():
        condition |= Q(Q(category=category), *_among("serial_number", values), ~Q(serial_number=""))
    return condition


def _group_key(category, manufacturer, model, received_on, donor) -> tuple:
    return (category, manufacturer, model, received_on, donor.casefold())


def _reconcile(report: ImportReport) -> None:
    """Sort valid rows into to_create / unchanged, or errors when they clash with recorded items."""
    rows = report.rows
    file_tags = [row.asset_tag for row in rows if row.asset_tag]
    by_tag = {item.asset_tag: item for item in _items(_among("asset_tag", file_tags))}
    pairs = [(row.category, row.serial_number) for row in rows if row.serial_number]
    chunks = [pairs] if pairs and connection.vendor == "postgresql" else _chunks(pairs)
    by_serial = {(item.category, item.serial_number): item for item in _items(map(_serials_filter, chunks))}
    anonymous: dict[tuple, list[CsvRow]] = defaultdict(list)
    errors = report.errors

    for row in rows:
        if row.asset_tag and row.asset_tag in by_tag:
            item = by_tag[row.asset_tag]
            diffs = _differences(row, item)
            if diffs:
                errors.append(
                    f"ligne {row.line} : le matériel {item.asset_tag} existe déjà avec d'autres données "
                    f"({' ; '.join(diffs)}) — l'import ne modifie jamais un matériel enregistré : corrigez la ligne "
                    "ou le matériel dans l'atelier"
                )
            else:
                report.unchanged.append(row)
            continue
        twin = by_serial.get((row.category, row.serial_number)) if row.serial_number else None
        if twin is not None and row.asset_tag:
            errors.append(
                f"ligne {row.line} : le numéro de série « {row.serial_number} » "
                f"({ItemCategory(row.category).label.lower()}) est déjà porté par le matériel {twin.asset_tag}"
            )
        elif twin is not None:
            diffs = _differences(row, twin)
            if diffs:
                errors.append(
                    f"ligne {row.line} : le matériel {twin.asset_tag} porte ce numéro de série avec d'autres données "
                    f"({' ; '.join(diffs)}) — l'import ne modifie jamais un matériel enregistré"
                )
            else:
                report.unchanged.append(row)
        elif row.asset_tag or row.serial_number:
            report.to_create.append(row)
        else:
            key = _group_key(row.category, row.manufacturer, row.model, row.received_on, row.donor)
            anonymous[key].append(row)
    if anonymous:
        _reconcile_anonymous(report, anonymous, exclude_tags=set(file_tags))
    report.to_create.sort(key=lambda row: row.line)


def _reconcile_anonymous(report: ImportReport, groups: dict[tuple, list[CsvRow]], exclude_tags: set[str]) -> None:
    categories = sorted({key[0] for key in groups})
    dates = sorted({key[3] for key in groups})
    recorded: dict[tuple, list[Item]] = defaultdict(list)
    conditions = (Q(Q(serial_number="", category__in=categories), days) for days in _among("received_on", dates))
    for item in _items(conditions):
        if item.asset_tag not in exclude_tags:
            key = _group_key(item.category, item.manufacturer, item.model, item.received_on, _donor_name(item))
            recorded[key].append(item)
    for key, rows in groups.items():
        items = recorded.get(key)
        if not items:
            report.to_create.extend(rows)
            continue
        in_file = Counter((row.status, row.weight_kg, row.notes) for row in rows)
        in_base = Counter((item.status, item.weight_kg, item.notes) for item in items)
        if in_file == in_base:
            report.unchanged.extend(rows)
            continue
        tags = ", ".join(item.asset_tag for item in items[:5]) + ("…" if len(items) > 5 else "")
        for row in rows:
            report.errors.append(
                f"ligne {row.line} : {plural(len(rows), 'ligne')} sans étiquette ni numéro de série "
                f"{'décrit' if len(rows) == 1 else 'décrivent'} ce matériel "
                f"({ItemCategory(row.category).label.lower()} {row.manufacturer} {row.model}, reçu le "
                f"{row.received_on:%d/%m/%Y}) mais {plural(len(items), 'matériel')} "
                f"semblable{plural_suffix(len(items))} déjà enregistré{plural_suffix(len(items))} "
                f"{'diffère' if len(items) == 1 else 'diffèrent'} "
                f"({tags}) — indiquez l'étiquette (asset_tag) de chacun pour lever l'ambiguïté"
            )


def items_csv_check(*, content: bytes, filename: str = "", on_progress: Progress | None = None) -> ImportReport:
    """Read and check a whole CSV file against the database; writes nothing. `on_progress(lines read)` now and
    then."""
    parsed = parse(content, on_progress)
    report = ImportReport(filename=filename, rows=parsed.rows, errors=parsed.errors)
    if report.rows:
        _reconcile(report)
    report.errors.sort(key=lambda message: int(re.match(r"ligne (\d+)", message).group(1)))
    return report


def _counter_catch_up(tags: list[str]) -> None:
    """Move the asset-tag counter past tags of our own format brought by the file, so it never hands them out."""
    prefix = settings.FILIERE["ASSET_TAG_PREFIX"]
    pattern = re.compile(rf"^{re.escape(prefix)}-(\d+)$")
    numbers = [int(match.group(1)) for tag in tags if (match := pattern.match(tag))]
    if numbers:
        AssetTagCounter.objects.get_or_create(prefix=prefix)
        AssetTagCounter.objects.filter(prefix=prefix, last_number__lt=max(numbers)).update(last_number=max(numbers))


def _existing_tags(tags: list[str]) -> set[str]:
    taken = set()
    for condition in _among("asset_tag", tags):
        taken.update(Item.objects.filter(condition).order_by().values_list("asset_tag", flat=True))
    return taken


def _new_tags(count: int) -> list[str]:
    tags: list[str] = []
    while len(tags) < count:
        batch = asset_tags_allocate(count=count - len(tags))
        taken = _existing_tags(batch)
        tags.extend(tag for tag in batch if tag not in taken)
    return tags


def _donations(rows: list[CsvRow], by, filename: str) -> dict[tuple[str, datetime.date], Donation]:
    """Donor by name (case-insensitive), donation by (donor, day): existing ones reused, missing ones created."""
    names = {row.donor.casefold(): row.donor for row in reversed(rows) if row.donor}
    if not names:
        return {}
    donors = {donor.name.casefold(): donor for donor in Donor.objects.only("id", "name").order_by()}
    missing = [Donor(name=name) for key, name in names.items() if key not in donors]
    for donor in Donor.objects.bulk_create(missing, batch_size=BATCH_SIZE):
        donors[donor.name.casefold()] = donor
    pairs = {(row.donor.casefold(), row.received_on) for row in rows if row.donor}
    donor_ids = {donors[name].pk for name, _day in pairs}
    existing: dict[tuple[int, datetime.date], Donation] = {}
    days = sorted({day for _name, day in pairs})
    for donation in Donation.objects.filter(donor_id__in=donor_ids, received_on__in=days).order_by("-id"):
        existing[(donation.donor_id, donation.received_on)] = donation  # the oldest wins
    to_create = []
    for name, day in sorted(pairs):
        donor = donors[name]
        if (donor.pk, day) not in existing:
            donation = Donation(
                reference=f"IMP-{day:%Y%m%d}-{donor.pk}",
                donor=donor,
                received_on=day,
                created_by=by,
                notes=f"Créé par l'import CSV {filename}".strip(),
            )
            existing[(donor.pk, day)] = donation
            to_create.append(donation)
    taken = set(
        Donation.objects.filter(reference__in=[d.reference for d in to_create]).values_list("reference", flat=True)
    )
    for donation in to_create:
        base, suffix = donation.reference, 1
        while donation.reference in taken:  # a hand-made donation already uses this reference
            suffix += 1
            donation.reference = f"{base}-{suffix}"
        taken.add(donation.reference)
    Donation.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
    return {(name, day): existing[(donors[name].pk, day)] for name, day in pairs}


def _item_ids_reserve(count: int) -> list[int] | None:
    """On PostgreSQL, `count` new item ids taken from the table's sequence in one query, so that the history and
    status-log rows can point at their items without reading them back (a 10,000-tag lookup). None elsewhere."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [connection.ops.quote_name(Item._meta.db_table), count],
        )
        return [pk for (pk,) in cursor.fetchall()]


def _item_ids_read(tags: list[str]) -> list[int]:
    """The ids of the items just written, in the order of their tags."""
    ids = {}
    for condition in _among("asset_tag", tags):
        ids.update(Item.objects.filter(condition).order_by().values_list("asset_tag", "id"))
    return [ids[tag] for tag in tags]


HISTORY_OWN_FIELDS = ("history_id", "history_date", "history_change_reason", "history_type", "history_user")


def _history_and_log_write(values: list[dict], rows: list[CsvRow], ids: list[int], *, source: str, user_id, now):
    """One history row (as simple_history's bulk_history_create would write it) and one status-log row (from
    nothing to the item's status, source « import », the file's line) per new item."""
    if connection.vendor == "postgresql":
        _history_and_log_copy(ids, [row.line for row in rows], source=source, user_id=user_id, now=now)
    else:
        _history_and_log_insert(values, rows, ids, source=source, user_id=user_id, now=now)


def _history_and_log_copy(ids: list[int], lines: list[int], *, source: str, user_id, now) -> None:
    """PostgreSQL: the rows copied from the new items by the database itself (INSERT … SELECT) rather than built in
    Python and sent back: a third less Python time for the import. Same rows as `_history_and_log_insert`."""
    history = Item.history.model
    quote = connection.ops.quote_name
    tracked = [quote(field.column) for field in history._meta.concrete_fields if field.name not in HISTORY_OWN_FIELDS]
    item_table, history_table = quote(Item._meta.db_table), quote(history._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {history_table} ({', '.join(tracked)}, history_date, history_change_reason, history_type, "  # noqa: S608 — names come from the models
            f"history_user_id) SELECT {', '.join(tracked)}, %s, %s, '+', %s FROM {item_table} WHERE id = ANY(%s) "
            "ORDER BY id",
            [now, source, user_id, ids],
        )
        cursor.execute(
            f"INSERT INTO {quote(StatusChange._meta.db_table)} (item_id, from_status, to_status, by_id, at, source, "  # noqa: S608
            f"note) SELECT item.id, '', item.status, %s, %s, %s, %s || imported.line FROM unnest(%s::bigint[], "
            f"%s::integer[]) AS imported (id, line) JOIN {item_table} item ON item.id = imported.id ORDER BY item.id",
            [user_id, now, StatusChangeSource.IMPORT.value, f"{source}, ligne ", ids, lines],
        )


def _history_and_log_insert(values: list[dict], rows: list[CsvRow], ids: list[int], *, source: str, user_id, now):
    history, log = [], []
    for value, row, pk in zip(values, rows, ids, strict=True):
        history.append(
            {
                **value,
                "id": pk,
                "created_at": now,
                "history_date": now,
                "history_change_reason": source,
                "history_type": "+",
                "history_user_id": user_id,
            }
        )
        log.append(
            {
                "item_id": pk,
                "from_status": "",
                "to_status": row.status,
                "by_id": user_id,
                "at": now,
                "source": StatusChangeSource.IMPORT.value,
                "note": f"{source}, ligne {row.line}",
            }
        )
    rows_insert(Item.history.model, history, now=now)
    rows_insert(StatusChange, log, now=now)


def row_erasure_exempt(row: CsvRow) -> bool:
    """A computer the history brings in already past the audit: its erasures were recorded elsewhere (or never).
    It enters exempt from the storage rule, its log says « import », and the exemption ends if it comes back to
    the audit."""
    return row.category in COMPUTER_CATEGORIES and (
        row.status in CLEARED_STATUSES or row.status == ItemStatus.RECYCLED
    )


def _write(report: ImportReport, by, on_progress: WriteProgress | None = None) -> None:
    rows = report.to_create
    now = timezone.now()
    user_id = by.pk if by is not None else None
    _counter_catch_up([row.asset_tag for row in report.rows if row.asset_tag])
    generated = iter(_new_tags(sum(1 for row in rows if not row.asset_tag)))
    donations = _donations(rows, by, report.filename)
    values = []
    for row in rows:
        recycled = row.status == ItemStatus.RECYCLED
        donation = donations.get((row.donor.casefold(), row.received_on))
        values.append(
            {
                "asset_tag": row.asset_tag or next(generated),
                "category": row.category,
                "status": row.status,
                "donation_id": donation.pk if donation else None,
                "received_on": row.received_on,
                "manufacturer": row.manufacturer,
                "model": row.model,
                "serial_number": row.serial_number,
                "weight_kg": row.weight_kg,
                "notes": row.notes,
                "recycling_reason": IMPORT_RECYCLING_REASON if recycled else "",
                "weee_category": DEFAULT_WEEE_CATEGORY[row.category].value if recycled else "",
                "erasure_exempt": row_erasure_exempt(row),
                "status_changed_at": now,
            }
        )
    tags = [value["asset_tag"] for value in values]
    ids = _item_ids_reserve(len(values))
    if ids is not None:
        for value, pk in zip(values, ids, strict=True):
            value["id"] = pk
        rows_insert(Item, values, now=now, with_pk=True, on_progress=on_progress)
    else:
        rows_insert(Item, values, now=now, on_progress=on_progress)
        ids = _item_ids_read(tags)
    source = f"Import CSV « {report.filename} »" if report.filename else "Import CSV"
    _history_and_log_write(values, rows, ids, source=source, user_id=user_id, now=now)
    report.created = tags
    report.written = True


def items_import_csv(
    *,
    content: bytes,
    by=None,
    filename: str = "",
    dry_run: bool = False,
    on_checked: Progress | None = None,
    on_written: WriteProgress | None = None,
    before_commit: Callable[[ImportReport], None] | None = None,
) -> ImportReport:
    """Check the whole file, then create its new items in one transaction — or write nothing at all.

    Each created item gets one status-log row (source « import », from nothing to its status) and one history row.
    `on_checked(lines read)` and `on_written(items written, items to write)` are told the progress now and then;
    `before_commit` runs inside the transaction once a valid file is written (a background job records its end
    there, so that the items and the job's end commit together): if it raises, nothing is written.
    """
    try:
        with transaction.atomic():
            report = items_csv_check(content=content, filename=filename, on_progress=on_checked)
            if report.is_valid and not dry_run and report.to_create:
                _write(report, by, on_written)
            if report.is_valid and not dry_run and before_commit is not None:
                before_commit(report)
    except IntegrityError:
        # Someone recorded a clashing item or donation between the check and the write: nothing was written.
        report = ImportReport(filename=filename)
        report.errors.append(
            "ligne 1 : la base de données a refusé l'import car une étiquette, un numéro de série ou une référence "
            "de don de ce fichier vient d'être enregistré par ailleurs ; rien n'a été enregistré, relancez l'import"
        )
    return report
