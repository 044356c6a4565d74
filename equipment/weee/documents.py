"""WEEE (DEEE) paperwork: the register of recycled items (CSV) and the slip of one shipment (PDF)."""

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone

from core.pdf import render_pdf
from equipment.enums import COMPUTER_CATEGORIES, ItemStatus, WeeeCategory
from equipment.models import Drive, Item, WeeeShipment

REGISTER_HEADER = [
    "Date de recyclage",
    "Étiquette",
    "Catégorie",
    "Marque",
    "Modèle",
    "N° de série",
    "Catégorie DEEE",
    "Poids (kg)",
    "Motif",
    "Don",
    "Donateur",
    "N° de bordereau",
    "Date d'enlèvement",
    "Recycleur",
]
# Rows fetched from the database at a time: the export never holds the whole register in memory.
CHUNK_SIZE = 2000


def _decimal_fr(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.2f}".replace(".", ",")


def _date_fr(value) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def register_items(year: int | None = None):
    items = (
        Item.objects.filter(status=ItemStatus.RECYCLED)
        .select_related("weee_shipment", "donation__donor")
        .order_by("status_changed_at", "id")
    )
    if year is not None:
        items = items.filter(status_changed_at__year=year)
    return items


def register_rows(year: int | None = None) -> Iterator[list[str]]:
    """The WEEE register, header first, one row per recycled item (shipped or not yet)."""
    yield REGISTER_HEADER
    for item in register_items(year).iterator(chunk_size=CHUNK_SIZE):
        shipment = item.weee_shipment
        recycled_at = timezone.localtime(item.status_changed_at) if item.status_changed_at else None
        yield [
            _date_fr(recycled_at),
            item.asset_tag,
            item.get_category_display(),
            item.manufacturer,
            item.model,
            item.serial_number,
            item.get_weee_category_display(),
            _decimal_fr(item.weight_kg),
            item.recycling_reason,
            item.donation.reference if item.donation else "",
            item.donation.donor.name if item.donation else "",
            shipment.slip_number if shipment else "",
            _date_fr(shipment.shipped_on) if shipment else "",
            shipment.recycler if shipment else "",
        ]


class _Echo:
    """A write-only file for csv.writer: each row comes back as a string to stream."""

    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterator[list[str]]) -> Iterator[str]:
    """Rows as CSV text for French spreadsheets: semicolons, a BOM so Excel reads UTF-8."""
    writer = csv.writer(_Echo(), delimiter=";", lineterminator="\r\n")
    yield "\ufeff"
    for row in rows:
        # A cell starting with = + - @ would run as a formula in a spreadsheet: neutralise it.
        yield writer.writerow([f"'{cell}" if cell[:1] in ("=", "+", "-", "@") else cell for cell in row])


@dataclass(frozen=True)
class CategoryWeight:
    category: str
    label: str
    count: int
    weight_kg: Decimal


@dataclass(frozen=True)
class ShipmentSlip:
    """A shipment with its items and the weight per DEEE category."""

    shipment: WeeeShipment
    items: list[Item]
    by_category: list[CategoryWeight]
    total_weight_kg: Decimal
    issued_on: date
    storage: list["StorageLine"]


@dataclass(frozen=True)
class StorageLine:
    """One line of the slip's storage section: a computer's drive and its fate, or the computer's own status."""

    item: Item
    drive: Drive | None
    fate: str


def _storage_lines(items: list[Item]) -> list[StorageLine]:
    """What became of each computer's storage before it left: drive by drive, or why there was none to note."""
    lines = []
    for item in items:
        if item.category not in COMPUTER_CATEGORIES:
            continue
        drives = list(item.drives.all())
        for drive in drives:
            fate = drive.get_fate_display() if drive.fate else "non noté"
            if drive.fate_recorded_at:
                fate += f" (noté le {timezone.localtime(drive.fate_recorded_at):%d/%m/%Y})"
            lines.append(StorageLine(item, drive, fate))
        if drives:
            continue
        if item.no_storage_confirmed_at:
            when = timezone.localtime(item.no_storage_confirmed_at)
            who = item.no_storage_confirmed_by
            name = (who.get_full_name() or who.username) if who else ""
            fate = f"Aucun support de stockage (vérifié{f' par {name}' if name else ''} le {when:%d/%m/%Y})"
        elif item.erasure_exempt:
            fate = "Import historique : supports non suivis dans l'outil"
        else:
            fate = "Aucun support enregistré"
        lines.append(StorageLine(item, None, fate))
    return lines


def shipment_slip(shipment: WeeeShipment) -> ShipmentSlip:
    drives = Prefetch("drives", queryset=Drive.objects.order_by("id"))
    items = list(
        shipment.items.select_related("donation", "no_storage_confirmed_by")
        .prefetch_related(drives)
        .order_by("weee_category", "asset_tag")
    )
    counts: dict[str, int] = {}
    weights: dict[str, Decimal] = {}
    for item in items:
        counts[item.weee_category] = counts.get(item.weee_category, 0) + 1
        weights[item.weee_category] = weights.get(item.weee_category, Decimal("0")) + (item.weight_kg or 0)
    by_category = [
        CategoryWeight(category.value, category.label, counts[category], weights[category])
        for category in WeeeCategory
        if category in counts
    ]
    return ShipmentSlip(
        shipment=shipment,
        items=items,
        by_category=by_category,
        total_weight_kg=sum(weights.values(), Decimal("0")),
        issued_on=timezone.localdate(),
        storage=_storage_lines(items),
    )


def shipment_slip_pdf(slip: ShipmentSlip) -> bytes:
    return render_pdf("equipment/weee_slip_pdf.html", {"slip": slip})
