"""A resident, on a phone, picks their commune and finds whom to contact; axe-core checks the page.

`FILIERE_SCREENSHOTS=docs/img pytest tests/e2e/test_public_home.py` writes docs/img/public-home.png.
"""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from territory.loader import load_default_territory
from territory.models import Commune, Qpv
from tests.accounts.factories import OrganisationFactory
from tests.reports.conftest import equip

PHONE_WIDTH = 390


@pytest.fixture(autouse=True)
def territory(transactional_db):
    load_default_territory(commune_model=Commune, qpv_model=Qpv)


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(
        locale="fr-FR",
        timezone_id="Europe/Paris",
        viewport={"width": PHONE_WIDTH, "height": 844},
        is_mobile=True,
        has_touch=True,
    )
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_a_resident_picks_their_commune_on_a_phone_and_sees_whom_to_contact(phone, live_url, axe_check):
    raismes, denain = Commune.objects.get(name="Raismes"), Commune.objects.get(name="Denain")
    ccas = OrganisationFactory(
        name="CCAS de Raismes",
        address="Place Henri Durre, 59590 Raismes",
        phone="03 27 00 00 01",
        opening_hours="Du lundi au vendredi, 9 h – 12 h",
    )
    ccas.communes_served.set([raismes])
    OrganisationFactory(name="CCAS de Denain").communes_served.set([denain])
    equip(3, commune=raismes, structure=ccas)
    equip(12, commune=denain, structure=ccas)
    equip(9, commune=Commune.objects.get(name="Escaudain"), structure=ccas)

    phone.goto(live_url("/?annee=2025"))
    expect(phone.get_by_role("heading", level=1)).to_have_text("Un ordinateur pour votre foyer, à petit prix")
    axe_check(phone)
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH  # nothing wider than the screen

    phone.get_by_role("combobox", name="Votre commune").select_option(label="Raismes")
    phone.get_by_role("button", name="Voir où aller").click()

    results = phone.get_by_role("region", name="À Raismes, adressez-vous à :")
    expect(results).to_be_visible()
    expect(results.get_by_role("heading", name="CCAS de Raismes")).to_be_visible()
    expect(results.get_by_role("link", name="03 27 00 00 01")).to_have_attribute("href", "tel:0327000001")
    expect(results).not_to_contain_text("CCAS de Denain")
    expect(phone.get_by_role("combobox", name="Votre commune")).to_have_value(raismes.insee_code)
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH
    axe_check(phone)
    if os.environ.get("FILIERE_SCREENSHOTS"):
        phone.screenshot(path=str(Path(os.environ["FILIERE_SCREENSHOTS"]) / "public-home.png"), full_page=True)

    phone.get_by_text("Voir les foyers équipés par commune en 2025").click()
    expect(phone.get_by_role("row", name="Raismes < 5")).to_be_visible()
    expect(phone.get_by_role("row", name="Denain 12")).to_be_visible()
    expect(phone.get_by_role("row", name="Escaudain masqué")).to_be_visible()  # or 24 − 12 would give Raismes
    axe_check(phone)
