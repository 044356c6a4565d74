"""Speed of the PDFs: label sheets, receipt, erasure certificate, WEEE slip, an event's handover sheets, check-in list
and invitation letters (CPU time, median of a few rounds).

Run: .venv/bin/python -m pytest bench/test_pdf_speed.py -q -s   (CPU time is reported beside wall time:
it stays meaningful on a busy machine).
"""

import statistics
import time
from decimal import Decimal

from distributions.events.documents import checkin_list_pdf, handover_sheets_pdf, invitation_letters_pdf
from distributions.events.selectors import event_invitations, sheet_invitations
from donations.documents import donation_receipt, donation_receipt_pdf, erasure_certificate, erasure_certificate_pdf
from equipment.labels.qr import qr_png_data_uri
from equipment.labels.sheets import LAYOUTS, Label, label_sheet_pdf
from equipment.weee.documents import shipment_slip, shipment_slip_pdf
from tests.accounts.factories import UserFactory
from tests.distributions.events.helpers import invitation_with_pack
from tests.distributions.factories import EventFactory
from tests.donations.factories import DonationFactory
from tests.equipment.factories import ErasureRecordFactory, ItemFactory, WeeeShipmentFactory

ROUNDS = 3


def _measure(name, build):
    build()  # warm: fonts, stylesheets
    walls, cpus = [], []
    for _ in range(ROUNDS):
        qr_png_data_uri.cache_clear()  # every label's QR code is computed, as on a first print
        wall, cpu = time.perf_counter(), time.process_time()
        content = build()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    print(
        f"{name:<42} CPU {statistics.median(cpus) * 1000:7.0f} ms   "
        f"mur {statistics.median(walls) * 1000:7.0f} ms   {len(content) // 1024:5d} Kio"
    )
    return statistics.median(cpus)


def test_pdf_speed():
    print()
    for count in (24, 96, 240):
        labels = [
            Label(asset_tag=f"PH-{n:06d}", category="Unité centrale", model="HP ProDesk 400 G4") for n in range(count)
        ]
        cpu = _measure(
            f"étiquettes 3×8, {count}", lambda labels=labels: label_sheet_pdf(labels, layout=LAYOUTS["3x8"])
        )
        if count == 240:
            assert cpu < 8, "240 étiquettes doivent tenir dans une requête"

    donation = DonationFactory()
    ItemFactory.create_batch(30, donation=donation)
    for _ in range(50):
        ErasureRecordFactory(drive__item__donation=donation)
    _measure("attestation (80 matériels)", lambda: donation_receipt_pdf(donation_receipt(donation)))
    _measure("certificat d'effacement (50 supports)", lambda: erasure_certificate_pdf(erasure_certificate(donation)))

    shipment = WeeeShipmentFactory()
    ItemFactory.create_batch(100, recycled=True, weee_shipment=shipment, weight_kg=Decimal("4.2"))
    _measure("bordereau DEEE (100 matériels)", lambda: shipment_slip_pdf(shipment_slip(shipment)))


def test_event_documents_speed():
    """The bench case « fiches de remise » in CPU time: 40 sheets against 40 × one sheet (bench target: ≤ 1.2)."""
    print()
    coordinator = UserFactory(coordination=True)
    event = EventFactory(created_by=coordinator, address="12 rue de la Mairie, 59590 Raismes")
    for _ in range(40):
        invitation_with_pack(coordinator, event=event)
    sheets = sheet_invitations(event, None)
    invitations = list(event_invitations(event, None))

    whole = _measure("fiches de remise, 40 foyers", lambda: handover_sheets_pdf(event, sheets))
    one = _measure("fiche de remise, 1 foyer", lambda: handover_sheets_pdf(event, sheets[:1]))
    _measure("liste d'émargement, 40 foyers", lambda: checkin_list_pdf(event, invitations))
    _measure("convocations, 40 foyers", lambda: invitation_letters_pdf(event, invitations))
    ratio = whole / (40 * one)
    print(f"{'40 fiches / (40 × 1 fiche), CPU':<42} {ratio:7.2f}   ({whole / 40 * 1000:.0f} ms CPU par fiche)")
