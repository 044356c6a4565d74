from tests.accounts.factories import UserFactory
from tests.equipment.factories import ItemFactory


def test_technician_logs_in_and_scans_a_tag_into_the_equipment_list(page, live_url, login, axe_check):
    UserFactory(username="tech", technician=True)
    item = ItemFactory(asset_tag="PH-000042")

    login(page, "tech")
    page.goto(live_url("/materiel/"))
    axe_check(page)
    search = page.get_by_label("Étiquette, n° de série ou modèle")
    search.fill(item.asset_tag)
    search.press("Enter")

    page.wait_for_url(f"**/materiel/{item.asset_tag}/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("PH-000042")
    axe_check(page)
