import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from donations.documents import erasure_certificate
from equipment.enums import ErasureMethod, ErasureResult, ItemCategory
from tests.accounts.factories import UserFactory
from tests.donations.factories import DonationFactory, DonorFactory
from tests.equipment.factories import DriveFactory, ErasureRecordFactory, ItemFactory, WeeeShipmentFactory
from tests.pdftext import pdf_text


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(technician=True))
    return client


def _receipt_url(donation):
    return reverse("donations:receipt", args=[donation.pk])


def _certificate_url(donation):
    return reverse("donations:erasure_certificate", args=[donation.pk])


def _erased_at(day: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(2025, 4, day, 10, 0))


# --- Receipt ---------------------------------------------------------------------------------------------------


def test_receipt_names_the_donor_and_counts_items_by_category(staff_client):
    donor = DonorFactory(name="Médiathèque de Denain", siret="21590172700017")
    donation = DonationFactory(donor=donor, reference="DON-2025-007", received_on=datetime.date(2025, 3, 14))
    ItemFactory.create_batch(3, donation=donation)
    ItemFactory.create_batch(2, donation=donation, desktop=True)
    ItemFactory(donation=donation, category=ItemCategory.UPS)

    response = staff_client.get(_receipt_url(donation))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Attestation de prise en charge" in text
    assert "Médiathèque de Denain" in text and "21590172700017" in text
    assert "DON-2025-007" in text and "14/03/2025" in text
    assert "Écran 3" in text and "Unité centrale 2" in text and "Onduleur 1" in text
    assert "Total 6" in text
    assert "Clavier" not in text  # no empty categories


# --- Erasure certificate ----------------------------------------------------------------------------------------


def test_erasure_certificate_lists_every_drive_with_method_tool_date_and_result(staff_client, settings):
    settings.FILIERE = settings.FILIERE | {"REFURBISHER_NAME": "ATIS Denain"}
    donation = DonationFactory(reference="DON-2025-010")
    wiped = DriveFactory(item__donation=donation, item__asset_tag="PH-000001", serial_number="S3U-WIPED")
    ErasureRecordFactory(drive=wiped, method=ErasureMethod.PURGE, tool="nwipe 0.35", finished_at=_erased_at(2))
    destroyed = DriveFactory(item__donation=donation, item__asset_tag="PH-000002", serial_number="WD-SHREDDED")
    ErasureRecordFactory(drive=destroyed, result=ErasureResult.FAILED, finished_at=_erased_at(3))
    ErasureRecordFactory(drive=destroyed, method=ErasureMethod.DESTROY, tool="Broyeur HSM", finished_at=_erased_at(4))
    DriveFactory(item__donation=donation, item__asset_tag="PH-000003", serial_number="ST-WAITING")
    ItemFactory(donation=donation, asset_tag="PH-000004", desktop=True)  # drives not inventoried yet
    DriveFactory(serial_number="OTHER-LOT")  # another donation's drive

    response = staff_client.get(_certificate_url(donation))

    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "Certificat d'effacement des données" in text and "DON-2025-010" in text
    assert "S3U-WIPED" in text and "Purge" in text and "nwipe 0.35" in text and "02/04/2025" in text
    assert "WD-SHREDDED" in text and "Destroy" in text and "Broyeur HSM" in text and "Détruit" in text
    assert "ST-WAITING" in text and "En attente de traitement" in text
    assert "PH-000004" in text and "pas encore inventoriés" in text
    assert "OTHER-LOT" not in text
    assert "pour ATIS Denain" in text


def test_erasure_certificate_is_refused_while_a_failed_drive_is_not_destroyed(staff_client):
    donation = DonationFactory()
    failed = DriveFactory(item__donation=donation, item__asset_tag="PH-000009", serial_number="WD-FAILED")
    ErasureRecordFactory(drive=failed, result=ErasureResult.FAILED, tool="nwipe")
    DriveFactory(item__donation=donation, serial_number="ST-WAITING")

    response = staff_client.get(_certificate_url(donation))

    assert response.status_code == 409
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "ne peut pas être délivré" in html and "WD-FAILED (PH-000009)" in html
    assert "détruisez ce support" in html

    ErasureRecordFactory(drive=failed, method=ErasureMethod.DESTROY)
    assert staff_client.get(_certificate_url(donation)).status_code == 200


def test_a_drive_that_failed_then_passed_counts_as_erased():
    donation = DonationFactory()
    drive = DriveFactory(item__donation=donation)
    ErasureRecordFactory(drive=drive, result=ErasureResult.FAILED, finished_at=_erased_at(1))
    ErasureRecordFactory(drive=drive, tool="Blancco", finished_at=_erased_at(2))

    certificate = erasure_certificate(donation)

    assert certificate.refusal_reason is None
    assert [(line.outcome, line.record.tool) for line in certificate.lines] == [("erased", "Blancco")]
    assert certificate.is_complete


def test_certificate_reads_take_the_same_queries_for_one_or_many_drives(django_assert_num_queries):
    small, large = DonationFactory(), DonationFactory()
    ErasureRecordFactory(drive__item__donation=small)
    for _ in range(15):
        ErasureRecordFactory(drive__item__donation=large)

    with django_assert_num_queries(3):
        erasure_certificate(small)
    with django_assert_num_queries(3):
        certificate = erasure_certificate(large)
    assert len(certificate.processed) == 15


# --- WEEE register and slip -------------------------------------------------------------------------------------


def _recycled(**kwargs):
    item = ItemFactory(recycled=True, **kwargs)
    item.status_changed_at = timezone.make_aware(datetime.datetime(2025, 5, 2, 9, 30))
    item.save(update_fields=["status_changed_at"])
    return item


def test_weee_register_streams_recycled_items_with_their_shipment(staff_client):
    shipment = WeeeShipmentFactory(slip_number="BSD-2025-0042", recycler="Envie 2E Nord")
    _recycled(asset_tag="PH-000001", weight_kg=Decimal("4.2"), weee_shipment=shipment, serial_number="CN-123")
    _recycled(asset_tag="PH-000002", desktop=True, weight_kg=Decimal("6.8"), weee_category="6")
    ItemFactory(asset_tag="PH-000003")  # not recycled

    response = staff_client.get(reverse("equipment:weee_register"))

    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="registre-deee.csv"' in response["Content-Disposition"]
    content = b"".join(response.streaming_content).decode("utf-8")
    assert content.startswith("\ufeffDate de recyclage;Étiquette;Catégorie;")
    lines = content.removeprefix("\ufeff").splitlines()
    assert len(lines) == 3
    assert lines[1].split(";") == [
        "02/05/2025",
        "PH-000001",
        "Écran",
        "Dell",
        "P2217H",
        "CN-123",
        "2 — Écrans et moniteurs",
        "4,20",
        "Hors d'usage",
        lines[1].split(";")[9],  # donation reference from the factory
        lines[1].split(";")[10],
        "BSD-2025-0042",
        "20/05/2025",
        "Envie 2E Nord",
    ]
    assert lines[2].startswith("02/05/2025;PH-000002;Unité centrale;HP;")
    assert lines[2].endswith(";;;")  # not shipped yet
    assert "PH-000003" not in content


def test_weee_register_for_one_year_and_formula_like_cells_neutralised(staff_client):
    _recycled(asset_tag="PH-000001", model="=HYPERLINK(1)")
    old = _recycled(asset_tag="PH-000002")
    old.status_changed_at = timezone.make_aware(datetime.datetime(2024, 12, 1))
    old.save(update_fields=["status_changed_at"])

    response = staff_client.get(reverse("equipment:weee_register"), {"annee": "2025"})

    content = b"".join(response.streaming_content).decode("utf-8")
    assert "PH-000001" in content and "PH-000002" not in content
    assert ";'=HYPERLINK(1);" in content


def test_weee_slip_gives_weight_by_category_recycler_and_items(staff_client):
    shipment = WeeeShipmentFactory(slip_number="BSD-2025-0042", recycler="Envie 2E Nord")
    _recycled(asset_tag="PH-000001", weight_kg=Decimal("4.2"), weee_shipment=shipment)
    _recycled(asset_tag="PH-000002", weight_kg=Decimal("4.3"), weee_shipment=shipment)
    _recycled(asset_tag="PH-000003", desktop=True, weight_kg=Decimal("6.8"), weee_category="6", weee_shipment=shipment)
    _recycled(asset_tag="PH-000004")  # recycled, not in this shipment

    response = staff_client.get(reverse("equipment:weee_slip", args=[shipment.pk]))

    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "Bordereau d'enlèvement DEEE" in text and "BSD-2025-0042" in text and "Envie 2E Nord" in text
    assert "2 — Écrans et moniteurs 2 8,50" in text
    assert "6 — Petits équipements informatiques et de télécommunications 1 6,80" in text
    assert "Total 3 15,30" in text
    assert all(tag in text for tag in ("PH-000001", "PH-000002", "PH-000003"))
    assert "PH-000004" not in text


def test_weee_documents_take_the_same_queries_for_one_or_many_items(staff_client):
    small, large = WeeeShipmentFactory(), WeeeShipmentFactory()
    _recycled(weee_shipment=small)
    for _ in range(12):
        _recycled(weee_shipment=large)

    def count(url):
        with CaptureQueriesContext(connection) as queries:
            response = staff_client.get(url)
            if isinstance(response, StreamingHttpResponse):
                b"".join(response.streaming_content)
        return len(queries)

    assert count(reverse("equipment:weee_slip", args=[small.pk])) == count(
        reverse("equipment:weee_slip", args=[large.pk])
    )
    one_year = count(reverse("equipment:weee_register") + "?annee=2025")
    _recycled()
    assert count(reverse("equipment:weee_register") + "?annee=2025") == one_year


def test_document_pages_take_the_same_queries_for_one_or_many_items(staff_client):
    small, large = DonationFactory(), DonationFactory()
    ErasureRecordFactory(drive__item__donation=small)
    for _ in range(10):
        ErasureRecordFactory(drive__item__donation=large)
        ItemFactory(donation=large)

    for url in (_receipt_url, _certificate_url):
        with CaptureQueriesContext(connection) as queries:
            assert staff_client.get(url(small)).status_code == 200
        queries_small = len(queries)
        with CaptureQueriesContext(connection) as queries:
            assert staff_client.get(url(large)).status_code == 200
        assert len(queries) == queries_small


# --- Who may see them -------------------------------------------------------------------------------------------


def _document_urls():
    donation = DonationFactory()
    shipment = WeeeShipmentFactory()
    return [
        _receipt_url(donation),
        _certificate_url(donation),
        reverse("equipment:weee_register"),
        reverse("equipment:weee_slip", args=[shipment.pk]),
    ]


@pytest.mark.parametrize("role", ["prescriber", "partner"])
def test_documents_are_refused_outside_coordination_and_workshop(client, role):
    client.force_login(UserFactory(**{role: True}))
    for url in _document_urls():
        assert client.get(url).status_code == 403, url


def test_documents_send_anonymous_visitors_to_login(client):
    for url in _document_urls():
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login")), url


def test_coordination_gets_the_documents(client):
    client.force_login(UserFactory(coordination=True))
    for url in _document_urls():
        assert client.get(url).status_code == 200, url


def test_unknown_donation_or_shipment_is_a_404(staff_client):
    assert staff_client.get(reverse("donations:receipt", args=[999999])).status_code == 404
    assert staff_client.get(reverse("donations:erasure_certificate", args=[999999])).status_code == 404
    assert staff_client.get(reverse("equipment:weee_slip", args=[999999])).status_code == 404


def test_donation_page_links_to_its_documents(staff_client):
    donation = DonationFactory()

    html = staff_client.get(donation.get_absolute_url()).content.decode()

    assert _receipt_url(donation) in html and _certificate_url(donation) in html
    assert f"{reverse('equipment:labels')}?don={donation.pk}" in html
