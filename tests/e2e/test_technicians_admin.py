"""The technicians' admin in a real browser: scan a tag, move the item with the page's buttons, recycle it."""

from equipment.enums import ItemStatus
from equipment.models import Item
from tests.accounts.factories import UserFactory
from tests.equipment.factories import ItemFactory


def test_scanned_tag_opens_the_item_and_its_buttons_move_it_through_the_pipeline(page, live_url, login):
    UserFactory(username="tech", technician=True)
    item = ItemFactory(asset_tag="PH-000777", weight_kg=None)
    ItemFactory(asset_tag="PH-0007770")

    login(page, "tech")
    page.goto(live_url("/admin/equipment/item/"))
    search = page.locator("#searchbar")
    search.fill("ph-000777")  # what a scanner types, then Enter
    search.press("Enter")
    page.wait_for_url(f"**/admin/equipment/item/{item.pk}/change/")

    page.get_by_role("button", name="Passer en audit").click()
    page.wait_for_load_state()
    assert "Nouveau statut « en audit » (1) : PH-000777." in page.locator("ul.messagelist").inner_text()

    page.get_by_role("link", name="Recycler (DEEE)…").click()
    page.get_by_label("Motif de recyclage").fill("Carte mère hors service")
    page.get_by_label("Poids unitaire (kg) des matériels sans poids").fill("6.8")
    page.get_by_role("button", name="Recycler 1 matériel").click()
    page.wait_for_url(f"**/admin/equipment/item/{item.pk}/change/")

    item.refresh_from_db()
    assert (item.status, item.recycling_reason, str(item.weight_kg)) == (
        ItemStatus.RECYCLED,
        "Carte mère hors service",
        "6.80",
    )
    assert "Recyclé (DEEE)" in page.locator(".field-status").inner_text()
    assert Item.objects.get(asset_tag="PH-0007770").status == ItemStatus.RECEIVED
