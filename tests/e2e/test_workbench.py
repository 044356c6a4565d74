"""The Workbench pages in a real browser: the upload page attaches a new item to a donation chosen in the search;
a token is created and shown once; the API documentation renders under the strict CSP (no violation)."""

from pathlib import Path

from api.models import WorkbenchToken
from api.services import token_digest
from equipment.models import Item
from tests.accounts.factories import UserFactory
from tests.donations.factories import DonationFactory

SNAPSHOTS = Path(__file__).resolve().parents[1] / "data" / "snapshots"


def _csp_violations(page) -> list[str]:
    violations = []
    page.on(
        "console",
        lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None,
    )
    return violations


def test_a_snapshot_uploaded_in_the_workshop_joins_the_donation_chosen_in_the_search(page, live_url, login, axe_check):
    UserFactory(username="tech", technician=True)
    donation = DonationFactory(reference="DON-MEDIATHEQUE", donor__name="Médiathèque de Denain")
    violations = _csp_violations(page)

    login(page, "tech")
    page.goto(live_url("/admin/equipment/snapshotimport/add/"))
    axe_check(page)
    page.get_by_label("Rapport matériel").set_input_files(str(SNAPSHOTS / "hp_probook_450.json"))
    page.locator(".select2-selection").click()
    page.locator(".select2-search__field").fill("médiathèque")
    page.get_by_role("option", name="DON-MEDIATHEQUE — Médiathèque de Denain").click()
    page.get_by_role("button", name="Importer le rapport").click()
    page.wait_for_url("**/admin/equipment/item/*/change/")

    item = Item.objects.get()
    assert item.donation == donation
    assert "Rapport importé" in page.locator("ul.messagelist").inner_text()
    assert "Télécharger" in page.locator(".field-snapshots_summary").inner_text()
    assert violations == []


def test_a_token_is_created_and_shown_once_with_its_settings_lines(page, live_url, login, axe_check):
    UserFactory(username="tech", technician=True)

    login(page, "tech")
    page.goto(live_url("/admin/api/workbenchtoken/add/"))
    axe_check(page)
    page.get_by_label("Nom du jeton").fill("Poste 3")
    page.get_by_role("button", name="Créer le jeton").click()
    page.wait_for_load_state()

    key = page.get_by_label("Jeton").input_value()
    assert WorkbenchToken.objects.get().key_hash == token_digest(key)
    assert f"token = {key}" in page.locator("pre").inner_text()
    axe_check(page)
    page.get_by_role("link", name="Tous les jetons").click()
    page.wait_for_url("**/admin/api/workbenchtoken/")
    listing = page.locator("#result_list").inner_text()
    assert "Poste 3" in listing and key not in page.content()


def test_the_api_documentation_renders_without_breaking_the_csp(page, live_url, login):
    UserFactory(username="coord", coordination=True)
    violations = _csp_violations(page)

    login(page, "coord")
    page.goto(live_url("/api/v1/"))
    page.locator(".opblock-summary-path", has_text="/api/v1/snapshot/").wait_for()

    assert "Envoyer un rapport matériel" in page.content()
    assert violations == []
