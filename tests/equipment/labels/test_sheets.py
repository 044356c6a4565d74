import base64
import io
import shutil
import subprocess

import pytest
import segno
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from equipment.enums import ItemCategory
from equipment.labels.sheets import LAYOUTS, Label, Margins, label_sheet_pdf, place_labels
from equipment.labels.views import SESSION_SELECTED_TAGS
from equipment.models import AssetTagCounter
from tests.accounts.factories import UserFactory
from tests.donations.factories import DonationFactory
from tests.equipment.factories import ItemFactory
from tests.pdftext import pdf_pages, pdf_text

URL = reverse("equipment:labels")


@pytest.fixture
def technician_client(client):
    client.force_login(UserFactory(technician=True))
    return client


def _post(client, **data):
    payload = {"source": "donation", "layout": "3x8", "skip": "0"} | data
    return client.post(URL, payload)


def test_label_sheet_for_a_donation_shows_each_tag_category_and_model(technician_client):
    donation = DonationFactory(reference="DON-DENAIN")
    ItemFactory(donation=donation, asset_tag="PH-000101")
    ItemFactory(donation=donation, asset_tag="PH-000102", desktop=True)

    response = _post(technician_client, donation=donation.pk)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "etiquettes-don-don-denain.pdf" in response["Content-Disposition"]
    text = pdf_text(response.content)
    for expected in ("PH-000101", "PH-000102", "Écran", "Dell P2217H", "Unité centrale", "HP ProDesk 400 G4"):
        assert expected in text


@pytest.mark.parametrize(
    ("count", "layout", "skip", "pages"),
    [(24, "3x8", 0, 1), (25, "3x8", 0, 2), (14, "2x7", 0, 1), (15, "2x7", 0, 2), (23, "3x8", 2, 2), (21, "3x7", 0, 1)],
    ids=["24-on-3x8", "25-on-3x8", "14-on-2x7", "15-on-2x7", "23-after-2-used-on-3x8", "21-on-3x7"],
)
def test_label_sheet_has_one_page_per_sheet_needed(count, layout, skip, pages):
    labels = [Label(asset_tag=f"PH-{n:06d}", category="Écran", model="Dell P2217H") for n in range(1, count + 1)]

    content = label_sheet_pdf(labels, layout=LAYOUTS[layout], skip=skip)

    texts = pdf_pages(content)
    assert len(texts) == pages
    assert f"PH-{count:06d}" in texts[-1]
    assert sum(text.count("PH-") for text in texts) == count


def test_labels_sit_on_the_sheet_grid_with_the_chosen_margins():
    layout = LAYOUTS["2x7"]
    labels = [Label(asset_tag=f"PH-{n:06d}") for n in range(1, 4)]

    pages = place_labels(labels, layout, Margins.for_layout(layout, top_mm=10, left_mm=5))

    styles = [placed.style for placed in pages[0]]
    assert styles[0].startswith("top:10.00mm;left:5.00mm;")
    assert styles[1].startswith("top:10.00mm;left:106.60mm;")  # 5 + 99.1 + 2.5 mm gap
    assert styles[2].startswith("top:48.10mm;left:5.00mm;")  # next row: 10 + 38.1 mm


def test_qr_code_encodes_the_absolute_url_of_the_item_page(rf, settings):
    settings.ALLOWED_HOSTS = ["filiere.example.org"]
    request = rf.get("/", secure=True, HTTP_HOST="filiere.example.org")

    pages = place_labels(
        [Label(asset_tag="PH-000007")], LAYOUTS["3x8"], Margins.for_layout(LAYOUTS["3x8"]), request=request
    )

    # Read the printed code back module by module and compare with the QR code of the page's URL.
    png = base64.b64decode(pages[0][0].qr_src.removeprefix("data:image/png;base64,"))
    image = Image.open(io.BytesIO(png)).convert("L")
    border = 2
    printed = [
        [image.getpixel((x, y)) < 128 for x in range(border, image.width - border)]
        for y in range(border, image.height - border)
    ]
    expected = segno.make_qr("https://filiere.example.org/materiel/PH-000007/", error="m").matrix
    assert printed == [[bool(module) for module in row] for row in expected]


def test_range_of_new_tags_allocates_fresh_tags_each_time(technician_client, settings):
    settings.FILIERE = settings.FILIERE | {"ASSET_TAG_PREFIX": "PH"}

    first = _post(technician_client, source="range", count="24")
    second = _post(technician_client, source="range", count="2", layout="2x7")

    first_text, second_text = pdf_text(first.content), pdf_text(second.content)
    assert "PH-000001" in first_text and "PH-000024" in first_text
    assert len(pdf_pages(first.content)) == 1
    assert "PH-000025" in second_text and "PH-000026" in second_text and "PH-000024" not in second_text
    assert AssetTagCounter.objects.get(prefix="PH").last_number == 26


def test_selection_with_an_unknown_tag_is_refused_with_the_tag_named(technician_client):
    ItemFactory(asset_tag="PH-000001")

    response = _post(technician_client, source="selection", tags="ph-000001\nPH-999999")

    assert response.status_code == 400
    assert "Étiquettes inconnues : PH-999999." in response.content.decode()


def test_selection_accepts_tags_in_any_case_and_separator(technician_client):
    ItemFactory(asset_tag="PH-000001", category=ItemCategory.MOUSE, manufacturer="Logitech", model="B100")
    ItemFactory(asset_tag="PH-000002")

    response = _post(technician_client, source="selection", tags="ph-000001, PH-000002;PH-000001")

    assert response.status_code == 200
    text = pdf_text(response.content)
    assert text.count("PH-000001") == 1 and "PH-000002" in text and "Souris" in text


def test_margins_that_push_labels_off_the_sheet_are_refused(technician_client):
    donation = ItemFactory().donation

    response = _post(technician_client, donation=donation.pk, left_mm="12")

    assert response.status_code == 400
    assert "dépassent à droite de la feuille" in response.content.decode()


def test_donation_without_items_says_there_is_nothing_to_print(technician_client):
    response = _post(technician_client, donation=DonationFactory().pk)

    assert response.status_code == 400
    assert "aucun matériel enregistré" in response.content.decode()


def test_form_page_is_prefilled_from_the_donation_or_the_admin_selection(technician_client):
    donation = DonationFactory()
    response = technician_client.get(URL, {"don": donation.pk})
    assert response.status_code == 200
    assert response.context["form"].initial["donation"] == donation.pk

    session = technician_client.session
    session[SESSION_SELECTED_TAGS] = ["PH-000003", "PH-000004"]
    session.save()
    response = technician_client.get(URL)
    assert response.context["form"].initial["source"] == "selection"
    assert "PH-000003\nPH-000004" in response.content.decode()


@pytest.mark.parametrize("role", ["prescriber", "partner"])
def test_people_outside_the_workshop_cannot_print_labels(client, role):
    client.force_login(UserFactory(**{role: True}))
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"source": "range", "count": "5", "layout": "3x8"}).status_code == 403
    assert not AssetTagCounter.objects.exists()


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_label_sheet_queries_do_not_grow_with_the_number_of_items(technician_client):
    small, large = DonationFactory(), DonationFactory()
    ItemFactory(donation=small)
    ItemFactory.create_batch(30, donation=large)

    counts = []
    for donation in (small, large):
        with CaptureQueriesContext(connection) as queries:
            assert _post(technician_client, donation=donation.pk).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


PDFTOPPM = shutil.which("pdftoppm")


@pytest.mark.skipif(PDFTOPPM is None, reason="pdftoppm (paquet Debian poppler-utils) absent")
def test_first_sheet_renders_as_an_image_with_labels_in_the_top_left_cell(tmp_path):
    labels = [Label(asset_tag=f"PH-{n:06d}", category="Écran", model="Dell P2217H") for n in range(1, 25)]
    pdf = tmp_path / "labels.pdf"
    pdf.write_bytes(label_sheet_pdf(labels, layout=LAYOUTS["3x8"]))

    subprocess.run([PDFTOPPM, "-r", "50", "-f", "1", "-l", "1", "-png", str(pdf), str(tmp_path / "page")], check=True)

    image = Image.open(tmp_path / "page-1.png").convert("L")
    assert image.size == (414, 585)  # A4 at 50 dpi
    # 70 × 37 mm cell at 50 dpi ≈ 138 × 73 px: its QR code (left) is dark ink, its right bottom corner is paper.
    qr_area = image.crop((8, 8, 60, 60))
    assert sum(1 for pixel in qr_area.get_flattened_data() if pixel < 128) > 0.3 * 52 * 52
    assert image.getpixel((135, 70)) > 200
    # Every cell of the grid has a QR code: the last cell (bottom right) too.
    last_cell = image.crop((284, 8 * 73 - 65, 330, 8 * 73 - 15))
    assert any(pixel < 128 for pixel in last_cell.get_flattened_data())


def test_admin_action_sends_the_checked_items_to_the_label_form(technician_client):
    chosen = [ItemFactory(asset_tag="PH-000012"), ItemFactory(asset_tag="PH-000011")]
    ItemFactory(asset_tag="PH-000013")

    response = technician_client.post(
        reverse("admin:equipment_item_changelist"),
        {"action": "print_labels", "_selected_action": [item.pk for item in chosen]},
    )

    assert response.status_code == 302 and response["Location"] == URL
    form = technician_client.get(URL).context["form"]
    assert form.initial["source"] == "selection"
    assert form.initial["tags"] == "PH-000011\nPH-000012"
    printed = _post(technician_client, source="selection", tags=form.initial["tags"])
    text = pdf_text(printed.content)
    assert "PH-000011" in text and "PH-000012" in text and "PH-000013" not in text
