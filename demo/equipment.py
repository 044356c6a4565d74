"""Demo donors, donations and items in every status (among them the Denain media library's 33 items)."""

import datetime
import random
from decimal import Decimal

from donations.enums import DonorKind
from donations.models import Donation, Donor
from equipment.enums import DriveFate, ErasureMethod, ErasureResult, FormFactor, Grade, ItemCategory
from equipment.models import Audit, Drive, ErasureRecord, Item, WeeeShipment
from equipment.services import (
    asset_tags_allocate,
    item_distribute,
    item_recycle,
    item_refurbish,
    item_release,
    item_reserve,
    item_start_audit,
    weee_shipment_add_items,
)

DENAIN_MIX = [
    (ItemCategory.SCREEN, 12, "Dell", "P2217H"),
    (ItemCategory.DESKTOP, 11, "HP", "ProDesk 400 G4 MT"),
    (ItemCategory.KEYBOARD, 6, "Logitech", "K120"),
    (ItemCategory.MOUSE, 3, "Logitech", "B100"),
    (ItemCategory.UPS, 1, "APC", "Back-UPS 700"),
]
WEIGHTS = {
    ItemCategory.SCREEN: Decimal("4.20"),
    ItemCategory.DESKTOP: Decimal("6.80"),
    ItemCategory.LAPTOP: Decimal("2.10"),
    ItemCategory.KEYBOARD: Decimal("0.55"),
    ItemCategory.MOUSE: Decimal("0.10"),
    ItemCategory.UPS: Decimal("8.50"),
    ItemCategory.CABLE: Decimal("0.20"),
    ItemCategory.OTHER: Decimal("1.00"),
}


def _add_items(donation, mix, rng):
    items = []
    for category, count, manufacturer, model in mix:
        tags = asset_tags_allocate(count=count)
        for tag in tags:
            item = Item.objects.create(
                asset_tag=tag,
                category=category,
                form_factor=FormFactor.MINI_TOWER if category == ItemCategory.DESKTOP else "",
                donation=donation,
                received_on=donation.received_on,
                manufacturer=manufacturer,
                model=model,
                serial_number=f"{manufacturer[:2].upper()}{rng.randrange(10**8, 10**9)}",
                weight_kg=WEIGHTS[category],
                cpu="Intel Core i5-7500" if category == ItemCategory.DESKTOP else "",
                ram_mb=8192 if category == ItemCategory.DESKTOP else None,
            )
            if category == ItemCategory.DESKTOP:
                Drive.objects.create(
                    item=item,
                    kind="ssd",
                    manufacturer="Samsung",
                    model="PM871b",
                    serial_number=f"S3U{rng.randrange(10**8, 10**9)}",
                    size_gb=Decimal("256"),
                )
            items.append(item)
    return items


def _audit_and_wipe(item, technician, day):
    Audit.objects.create(
        item=item, technician=technician, audited_on=day, grade=Grade.B, checklist={"powers_on": True}, notes="Démo"
    )
    for drive in item.drives.all():
        ErasureRecord.objects.create(
            drive=drive,
            method=ErasureMethod.PURGE,
            tool="eReuse Workbench",
            passes=1,
            result=ErasureResult.PASSED,
            technician=technician,
        )


def populate(users) -> None:
    if Donation.objects.filter(reference="DEMO-2025-DENAIN").exists():
        return
    rng = random.Random(2025)  # noqa: S311 — deterministic demo serials
    technician = users["technicien"]
    media_library, _ = Donor.objects.get_or_create(
        name="Médiathèque de Denain", defaults={"kind": DonorKind.PUBLIC_BODY, "address": "Denain"}
    )
    company, _ = Donor.objects.get_or_create(
        name="Transports Hainaut Logistique", defaults={"kind": DonorKind.COMPANY, "address": "Trith-Saint-Léger"}
    )
    denain = Donation.objects.create(
        reference="DEMO-2025-DENAIN",
        donor=media_library,
        received_on=datetime.date(2025, 3, 14),
        collection_place="Médiathèque de Denain",
        announced_count=35,
        created_by=technician,
    )
    denain_items = _add_items(denain, DENAIN_MIX, rng)
    fleet = Donation.objects.create(
        reference="DEMO-2026-THL",
        donor=company,
        received_on=datetime.date(2026, 2, 2),
        collection_place="Trith-Saint-Léger",
        announced_count=12,
        created_by=technician,
    )
    fleet_items = _add_items(
        fleet,
        [
            (ItemCategory.LAPTOP, 4, "Lenovo", "ThinkPad T480"),
            (ItemCategory.SCREEN, 6, "Iiyama", "ProLite E2283HS"),
            (ItemCategory.CABLE, 5, "", "Câble HDMI"),
        ],
        rng,
    )

    # Move the Denain lot through the pipeline so every status shows.
    day = datetime.date(2025, 4, 2)
    by_category = {}
    for item in denain_items:
        by_category.setdefault(item.category, []).append(item)
    screens, desktops = by_category[ItemCategory.SCREEN], by_category[ItemCategory.DESKTOP]
    keyboards, mice = by_category[ItemCategory.KEYBOARD], by_category[ItemCategory.MOUSE]
    for item in screens[:9] + desktops[:8] + keyboards[:5] + mice[:3]:
        item_start_audit(item=item, by=technician)
        _audit_and_wipe(item, technician, day)
    for item in screens[:6] + desktops[:6] + keyboards[:4] + mice[:3]:
        item_refurbish(item=item, by=technician)
    cables = [item for item in fleet_items if item.category == ItemCategory.CABLE]
    for item in cables[:3]:  # cables for the demo packs (demo/packs.py)
        item_start_audit(item=item, by=technician)
        _audit_and_wipe(item, technician, fleet.received_on + datetime.timedelta(days=8))
        item_refurbish(item=item, by=technician)
    for item in (screens[0], desktops[0], keyboards[0], mice[0], screens[1], desktops[1], keyboards[1], mice[1]):
        item_reserve(item=item, by=technician)
    for item in (screens[0], desktops[0], keyboards[0], mice[0]):
        item_distribute(item=item, by=technician)
    item_release(item=mice[1], by=technician, note="Démo : pack défait")
    shipment = WeeeShipment.objects.create(
        recycler="Envie 2E Nord", shipped_on=datetime.date(2025, 5, 20), slip_number="DEMO-BSD-0001"
    )
    recycled = []
    for item in screens[6:9]:
        recycled.append(item_recycle(item=item, reason="Hors d'usage à l'audit", by=technician))
    # A computer goes to the recycler only with each drive's fate noted: one wiped, one destroyed at the workshop.
    for item, fate in ((desktops[6], DriveFate.ERASED), (desktops[7], DriveFate.DESTROYED)):
        fates = {drive.pk: fate for drive in item.drives.all()}
        recycled.append(item_recycle(item=item, reason="Hors d'usage à l'audit", by=technician, drive_fates=fates))
    recycled.append(item_recycle(item=fleet_items[-1], reason="Câble endommagé", by=technician))
    weee_shipment_add_items(shipment=shipment, items=recycled)
