"""A technician in a real browser: a laptop is not refurbished until its storage is accounted for, and a computer
goes to the recycler only once each drive's fate is noted (item page and scan page)."""

from equipment.enums import DriveFate, ItemStatus
from equipment.models import Drive, Item
from tests.accounts.factories import UserFactory
from tests.equipment.factories import DriveFactory, ErasureRecordFactory, ItemFactory


def _messages(page) -> str:
    return page.locator("ul.messagelist").inner_text()


def test_a_laptop_is_refurbished_only_once_its_storage_is_accounted_for(page, live_url, login):
    UserFactory(username="tech", technician=True, first_name="Inès", last_name="Carlier")
    laptop = ItemFactory(asset_tag="PH-000901", laptop=True, in_audit=True)

    login(page, "tech")
    page.goto(live_url(f"/admin/equipment/item/{laptop.pk}/change/"))
    page.get_by_text("Pas encore reconditionnable").wait_for()

    page.get_by_role("button", name="Marquer reconditionné").click()
    page.wait_for_load_state()
    assert "Refusé — PH-000901 : ne peut pas devenir « reconditionné »" in _messages(page)
    assert Item.objects.get(pk=laptop.pk).status == ItemStatus.IN_AUDIT

    page.get_by_label("Aucun support de stockage").check()
    page.get_by_role("button", name="Enregistrer et continuer les modifications").click()
    page.wait_for_load_state()
    page.get_by_text("Aucun support de stockage — vérifié par Inès Carlier le").wait_for()

    page.get_by_role("button", name="Marquer reconditionné").click()
    page.wait_for_load_state()
    assert "Nouveau statut « reconditionné » (1) : PH-000901." in _messages(page)
    assert Item.objects.get(pk=laptop.pk).status == ItemStatus.REFURBISHED


def test_recycling_a_desktop_asks_what_became_of_its_drives(page, live_url, login):
    UserFactory(username="tech", technician=True)
    desktop = ItemFactory(asset_tag="PH-000902", desktop=True, in_audit=True)
    wiped = DriveFactory(item=desktop, serial_number="S-EFFACE")
    ErasureRecordFactory(drive=wiped)
    DriveFactory(item=desktop, serial_number="S-CASSE")

    login(page, "tech")
    page.goto(live_url(f"/admin/equipment/item/{desktop.pk}/change/"))
    page.get_by_role("link", name="Recycler (DEEE)…").click()
    page.get_by_role("heading", name="Supports de stockage de PH-000902 (HP ProDesk 400 G4)").wait_for()
    page.get_by_label("Motif de recyclage").fill("Carte mère HS")
    page.get_by_role("button", name="Recycler 1 matériel").click()
    page.get_by_text("PH-000902 : dites ce qu'est devenu ce support.").wait_for()
    assert Item.objects.get(pk=desktop.pk).status == ItemStatus.IN_AUDIT

    broken_field = page.get_by_label("PH-000902 — SSD S-CASSE (256 Go)")
    assert "Effacé" not in broken_field.inner_text()  # « effacé » only where an erasure passed
    broken_field.select_option(label="Détruit")
    page.get_by_label("PH-000902 — SSD S-EFFACE (256 Go)").select_option(label="Effacé (effacement réussi enregistré)")
    page.get_by_label("Motif de recyclage").fill("Carte mère HS")
    page.get_by_role("button", name="Recycler 1 matériel").click()
    page.wait_for_url(f"**/admin/equipment/item/{desktop.pk}/change/")

    assert "Recyclé (1) : PH-000902." in _messages(page)
    assert dict(Drive.objects.values_list("serial_number", "fate")) == {
        "S-EFFACE": DriveFate.ERASED,
        "S-CASSE": DriveFate.DESTROYED,
    }


def test_the_scan_page_asks_the_drives_fate_before_recycling_a_batch(page, live_url, login, axe_check):
    UserFactory(username="tech", technician=True)
    ItemFactory(asset_tag="PH-000903")
    desktop = ItemFactory(asset_tag="PH-000904", desktop=True, in_audit=True)
    DriveFactory(item=desktop, serial_number="WD-LOT")

    login(page, "tech")
    page.goto(live_url("/materiel/scan/"))
    page.get_by_label("Ajouter le matériel au lot").check()
    page.get_by_label("Étiquette scannée").focus()
    for tag in ("PH-000903", "PH-000904"):
        page.keyboard.type(tag + "\n", delay=5)
    page.get_by_role("heading", name="Lot en cours : 2 matériels").wait_for()

    page.get_by_label("Envoyer au recyclage DEEE (motif obligatoire)").check()
    page.get_by_label("Motif du recyclage").fill("Lot hors d'usage")
    page.get_by_role("button", name="Appliquer au lot").click()
    page.get_by_role("group", name="Supports de stockage des ordinateurs à recycler").wait_for()
    assert (
        "dites ce que sont devenus les supports de stockage de 1 ordinateur du lot"
        in page.locator("#scan-feedback").inner_text()
    )
    axe_check(page)

    page.get_by_label("PH-000904 — SSD WD-LOT (256 Go)").select_option(label="Retiré et conservé à l'atelier")
    page.get_by_role("button", name="Recycler le lot").click()
    page.get_by_role("heading", name="Résultat du changement : 2 faits sur 2").wait_for()
    axe_check(page)

    assert set(Item.objects.values_list("status", flat=True)) == {ItemStatus.RECYCLED}
    assert Drive.objects.get(serial_number="WD-LOT").fate == DriveFate.REMOVED_KEPT
