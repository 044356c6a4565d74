"""The WEEE slip (PDF, read back as text) says what became of each computer's storage before it left."""

from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from equipment.enums import DriveFate
from equipment.services import item_recycle, weee_shipment_add_items
from tests.accounts.factories import UserFactory
from tests.equipment.factories import DriveFactory, ErasureRecordFactory, ItemFactory, WeeeShipmentFactory
from tests.pdftext import pdf_text


def _slip(client, shipment):
    response = client.get(reverse("equipment:weee_slip", args=[shipment.pk]))
    assert response.status_code == 200
    return pdf_text(response.content)


def _recycled_desktop(tag, *fates, by=None):
    desktop = ItemFactory(desktop=True, in_audit=True, asset_tag=tag, weight_kg=Decimal("6.5"))
    answers = {}
    for index, fate in enumerate(fates):
        drive = DriveFactory(item=desktop, serial_number=f"{tag}-D{index}", size_gb=Decimal("500"))
        if fate == DriveFate.ERASED:
            ErasureRecordFactory(drive=drive)
        answers[drive.pk] = fate
    return item_recycle(item=desktop, reason="Carte mère HS", by=by, drive_fates=answers)


def test_the_slip_lists_each_drive_and_what_became_of_it(client):
    technician = UserFactory(technician=True, first_name="Inès", last_name="Carlier")
    client.force_login(technician)
    shipment = WeeeShipmentFactory(slip_number="BSD-2026-0007")
    erased_and_destroyed = _recycled_desktop("PH-000701", DriveFate.ERASED, DriveFate.DESTROYED, by=technician)
    kept = _recycled_desktop("PH-000702", DriveFate.REMOVED_KEPT, by=technician)
    laptop = item_recycle(
        item=ItemFactory(laptop=True, asset_tag="PH-000703"), reason="Écran cassé", by=technician, no_storage=True
    )
    screen = ItemFactory(recycled=True, asset_tag="PH-000704")
    weee_shipment_add_items(shipment=shipment, items=[erased_and_destroyed, kept, laptop, screen])

    text = _slip(client, shipment)

    assert "Supports de stockage des ordinateurs" in text
    assert "PH-000701 SSD 500 Go PH-000701-D0 Effacé (noté le" in text
    assert "PH-000701 SSD 500 Go PH-000701-D1 Détruit (noté le" in text
    assert "PH-000702 SSD 500 Go PH-000702-D0 Retiré et conservé (noté le" in text
    assert "PH-000703 — — Aucun support de stockage (vérifié par Inès Carlier le" in text
    assert "PH-000704 —" not in text  # a screen has no storage line


def test_the_slip_reads_the_same_queries_for_one_or_many_computers(client):
    client.force_login(UserFactory(technician=True))
    small, large = WeeeShipmentFactory(), WeeeShipmentFactory()
    weee_shipment_add_items(shipment=small, items=[_recycled_desktop("PH-000801", DriveFate.DESTROYED)])
    weee_shipment_add_items(
        shipment=large,
        items=[_recycled_desktop(f"PH-00090{n}", DriveFate.DESTROYED, DriveFate.REMOVED_KEPT) for n in range(6)],
    )
    _slip(client, small)

    counts = []
    for shipment in (small, large):
        with CaptureQueriesContext(connection) as queries:
            _slip(client, shipment)
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1]
