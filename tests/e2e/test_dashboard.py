"""The dashboard in real Chromium: axe-core finds no serious violation; the README's picture is taken here.

`FILIERE_SCREENSHOTS=docs/img pytest tests/e2e/test_dashboard.py` writes docs/img/dashboard.png.
"""

import datetime
import os
import random
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from equipment.enums import DEFAULT_WEEE_CATEGORY, FormFactor, ItemCategory, ItemStatus
from equipment.models import Item
from territory.loader import load_default_territory
from territory.models import Commune, Qpv
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.reports.conftest import equip

YEAR = 2025
WEIGHTS = {"screen": "4.2", "desktop": "6.8", "laptop": "2.1", "keyboard": "0.55", "mouse": "0.1", "ups": "8.5"}
# category -> (received, in audit, refurbished, reserved, distributed, recycled)
MIX = {
    ItemCategory.SCREEN: (18, 11, 21, 4, 64, 92),
    ItemCategory.DESKTOP: (25, 52, 17, 4, 64, 118),
    ItemCategory.LAPTOP: (3, 6, 4, 0, 12, 19),
    ItemCategory.KEYBOARD: (21, 0, 15, 4, 64, 41),
    ItemCategory.MOUSE: (9, 0, 20, 4, 64, 22),
    ItemCategory.UPS: (1, 0, 0, 0, 0, 6),
}
# commune INSEE code -> households equipped by each demo structure
HOUSEHOLDS = {"59172": (0, 22), "59491": (17, 0), "59205": (0, 11), "59526": (9, 0), "59179": (0, 6), "59632": (3, 0)}


@pytest.fixture(autouse=True)
def territory(transactional_db):
    load_default_territory(commune_model=Commune, qpv_model=Qpv)


def programme_year():
    """A programme year as the demo would have it: 600-odd items in every status, households in six communes."""
    statuses = [
        ItemStatus.RECEIVED,
        ItemStatus.IN_AUDIT,
        ItemStatus.REFURBISHED,
        ItemStatus.RESERVED,
        ItemStatus.DISTRIBUTED,
        ItemStatus.RECYCLED,
    ]
    rng = random.Random(2025)
    items = []
    for category, counts in MIX.items():
        for status, count in zip(statuses, counts, strict=True):
            for _ in range(count):
                recycled = status == ItemStatus.RECYCLED
                items.append(
                    Item(
                        asset_tag=f"PH-{len(items) + 1:06d}",
                        category=category,
                        form_factor=FormFactor.MINI_TOWER if category == ItemCategory.DESKTOP else "",
                        status=status,
                        received_on=datetime.date(YEAR, rng.randint(1, 12), rng.randint(1, 28)),
                        weight_kg=Decimal(WEIGHTS[category]),
                        recycling_reason="Hors d'usage" if recycled else "",
                        weee_category=DEFAULT_WEEE_CATEGORY[category] if recycled else "",
                        # Written straight in its status, as the historical import does (exempt from erasure proof).
                        erasure_exempt=status not in (ItemStatus.RECEIVED, ItemStatus.IN_AUDIT),
                    )
                )
    Item.objects.bulk_create(items)
    ccas_raismes = OrganisationFactory(name="CCAS de Raismes")
    ccas_denain = OrganisationFactory(name="CCAS de Denain")
    for code, (raismes_count, denain_count) in HOUSEHOLDS.items():
        commune = Commune.objects.get(insee_code=code)
        if raismes_count:
            equip(raismes_count, commune=commune, structure=ccas_raismes, rsa=True)
        if denain_count:
            equip(denain_count, commune=commune, structure=ccas_denain, rsa=False, ass=True, single_parent=True)


def test_the_dashboard_has_no_serious_accessibility_problem(page, live_url, login, axe_check):
    programme_year()
    coordination = OrganisationFactory(name="Porte du Hainaut — Stratégie numérique", coordination=True)
    UserFactory(username="coord", first_name="Camille", last_name="Lefebvre", organisation=coordination, is_staff=True)
    login(page, "coord")

    page.goto(live_url(f"/tableau-de-bord/?annee={YEAR}"))

    expect(page.get_by_role("heading", level=1)).to_have_text(f"Tableau de bord {YEAR}")
    expect(page.get_by_role("img", name=f"Parcours du matériel reçu en {YEAR}")).to_be_visible()
    # Coordination reads exact counts, said not to be published as such (the CSV and public page hide them).
    expect(page.get_by_role("row", name="Wallers 3")).to_be_visible()
    expect(page.get_by_role("row", name="Douchy-les-Mines 6")).to_be_visible()
    expect(page.get_by_text("Chiffres exacts, pour la coordination seulement")).to_be_visible()
    axe_check(page)
    if os.environ.get("FILIERE_SCREENSHOTS"):
        folder = Path(os.environ["FILIERE_SCREENSHOTS"])
        folder.mkdir(parents=True, exist_ok=True)
        page.set_viewport_size({"width": 1500, "height": 1880})
        page.screenshot(path=str(folder / "dashboard.png"))

    page.get_by_label("Foyers de").select_option(label="CCAS de Raismes")
    page.get_by_role("button", name="Afficher").click()
    expect(page.get_by_text("Chiffres des foyers : CCAS de Raismes seulement")).to_be_visible()
    axe_check(page)
