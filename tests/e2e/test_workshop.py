"""The technicians' workshop in a real browser: they land on it after logging in, the item list fits 1280 px
beside its filters, asset tags never break across lines, the history reads in French."""

from decimal import Decimal

from equipment.enums import ItemCategory, ItemStatus
from equipment.services import item_transition
from tests.accounts.factories import UserFactory
from tests.donations.factories import DonationFactory, DonorFactory
from tests.equipment.factories import ItemFactory

# Each asset tag's line boxes (one when it does not wrap) and the results' widths (no sideways scrolling).
LAYOUT_JS = """() => {
  const results = document.querySelector('#changelist .results');
  const tags = [...document.querySelectorAll('#result_list .asset-tag')];
  return {
    scroll: results.scrollWidth, width: results.clientWidth,
    tags: tags.length, wrapped: tags.filter((tag) => tag.getClientRects().length > 1).map((tag) => tag.innerText),
    page: document.documentElement.scrollWidth,
  };
}"""


def test_a_technician_lands_in_the_workshop_whose_item_list_fits_1280_px(page, live_url, login, axe_check):
    UserFactory(username="karim", technician=True, first_name="Karim", last_name="Benali")
    donation = DonationFactory(
        reference="DON-2026-0042", donor=DonorFactory(name="Communauté d'agglomération de La Porte du Hainaut")
    )
    for number in range(12):
        ItemFactory(
            asset_tag=f"PH-{number + 1:06d}",
            donation=donation,
            category=ItemCategory.DESKTOP,
            manufacturer="Hewlett-Packard",
            model="EliteDesk 800 G4 Desktop Mini PC",
            serial_number=f"CZC{number:07d}XYZ",
            status=ItemStatus.IN_AUDIT,
            weight_kg=Decimal("1.35"),
        )

    login(page, "karim")
    assert page.url == live_url("/admin/")
    page.get_by_role("link", name="Scanner des étiquettes").wait_for()
    axe_check(page)

    page.get_by_role("link", name="Matériels").first.click()
    page.wait_for_url("**/admin/equipment/item/")
    layout = page.evaluate(LAYOUT_JS)
    assert layout["page"] <= 1280, layout
    assert layout["scroll"] <= layout["width"] + 1, layout
    assert layout["tags"] == 12 and not layout["wrapped"], layout
    assert page.get_by_role("heading", level=1).inner_text() == "Matériels"
    axe_check(page)


def test_an_items_history_reads_in_french(page, live_url, login, axe_check):
    technician = UserFactory(username="karim", technician=True)
    item = ItemFactory(asset_tag="PH-000042", status=ItemStatus.RECEIVED)
    item_transition(item=item, to_status=ItemStatus.IN_AUDIT, by=technician)

    login(page, "karim")
    page.goto(live_url(f"/admin/equipment/item/{item.pk}/change/"))
    page.get_by_role("link", name="Historique").click()

    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading == f"Historique des modifications de {item}"
    table = page.locator("#change-history")
    assert table.get_by_role("columnheader").all_inner_texts() == [
        "DATE ET HEURE",
        "ACTION",
        "PAR",
        "ORIGINE",
        "MODIFICATIONS",
    ]
    assert "Statut : Reçu → En audit" in table.inner_text().replace("\xa0", " ")
    assert "None" not in table.inner_text()
    axe_check(page)
