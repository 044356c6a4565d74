"""A technician scans a trolley of items in batch mode, as a barcode scanner types, and changes them at once."""

from equipment.enums import ItemStatus
from equipment.models import Item
from tests.accounts.factories import UserFactory
from tests.equipment.factories import ItemFactory


def test_technician_scans_a_batch_sees_the_duplicate_and_applies_a_transition(page, live_url, login, axe_check):
    UserFactory(username="tech", technician=True)
    ItemFactory(asset_tag="PH-000101")
    ItemFactory(asset_tag="PH-000102", desktop=True)
    ItemFactory(asset_tag="PH-000103", in_audit=True)

    login(page, "tech")
    page.goto(live_url("/materiel/scan/"))
    page.get_by_role("heading", level=1, name="Scanner des matériels").wait_for()
    axe_check(page)

    page.get_by_label("Ajouter le matériel au lot").check()
    field = page.get_by_label("Étiquette scannée")
    field.focus()
    # A scanner types fast and ends with Enter; the second label comes as the URL its QR code holds.
    for scanned in ("PH-000101", live_url("/materiel/PH-000102/"), "PH-000103", "ph-000101"):
        page.keyboard.type(scanned + "\n", delay=5)

    feedback = page.locator("#scan-feedback")
    feedback.get_by_text("Doublon : PH-000101 est déjà dans le lot (scanné 2 fois)").wait_for()
    page.get_by_role("heading", name="Lot en cours : 3 matériels").wait_for()
    rows = page.locator("#scan-list tbody tr")
    assert [rows.nth(i).locator("th").inner_text() for i in range(3)] == ["PH-000101", "PH-000102", "PH-000103"]
    assert "Doublon : scanné 2 fois" in rows.nth(0).inner_text()
    assert field.input_value() == ""
    axe_check(page)

    page.keyboard.type("PH-999999\n", delay=5)
    feedback.get_by_text("Étiquette inconnue : « PH-999999 »").wait_for()
    page.get_by_role("heading", name="Lot en cours : 3 matériels").wait_for()

    page.get_by_label("Mettre en audit").check()
    page.get_by_label("Note pour le journal (facultatif)").fill("Chariot du 28/11")
    page.get_by_role("button", name="Appliquer au lot").click()

    report = page.get_by_role("heading", name="Résultat du changement : 2 faits sur 3")
    report.wait_for()
    table = page.locator("section[aria-labelledby=report-title] table")
    assert "PH-000101 Fait" in table.inner_text().replace("\t", " ")
    refused = table.locator("tr", has_text="PH-000103")
    assert "Refusé" in refused.inner_text() and "déjà « en audit »" in refused.inner_text()
    page.get_by_role("heading", name="Lot en cours : 0 matériel").wait_for()
    axe_check(page)

    statuses = dict(Item.objects.values_list("asset_tag", "status"))
    assert statuses == {tag: ItemStatus.IN_AUDIT for tag in ("PH-000101", "PH-000102", "PH-000103")}


def test_open_mode_opens_the_scanned_item(page, live_url, login):
    UserFactory(username="tech", technician=True)
    ItemFactory(asset_tag="PH-000042")

    login(page, "tech")
    page.goto(live_url("/materiel/scan/"))
    page.get_by_label("Étiquette scannée").focus()
    page.keyboard.type("PH-000042\n", delay=5)

    page.wait_for_url("**/materiel/PH-000042/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("PH-000042")


def test_camera_button_stays_hidden_without_barcode_detection(page, live_url, login):
    UserFactory(username="tech", technician=True)
    login(page, "tech")
    page.goto(live_url("/materiel/scan/"))

    has_detector = page.evaluate("'BarcodeDetector' in window")
    assert page.get_by_role("button", name="Scanner avec la caméra").is_visible() == has_detector


def test_label_page_is_accessible_and_prefilled_from_a_donation(page, live_url, login, axe_check):
    UserFactory(username="tech", technician=True)
    item = ItemFactory(asset_tag="PH-000042")

    login(page, "tech")
    page.goto(live_url(f"/materiel/etiquettes/?don={item.donation.pk}"))
    page.get_by_role("heading", level=1, name="Imprimer des étiquettes").wait_for()
    assert page.get_by_label("Don", exact=True).input_value() == str(item.donation.pk)
    page.get_by_text("3. Régler les marges").click()
    assert page.get_by_label("Marge du haut").is_visible()
    axe_check(page)
