"""A technician imports a spreadsheet of historical equipment: upload, preview, confirm."""

import os

import pytest

from equipment.imports.csv_rows import HEADER
from equipment.models import Item
from tests.accounts.factories import UserFactory

CSV = "\n".join(
    [
        ",".join(HEADER),
        "ATIS-24-0001,screen,Dell,P2217H,CN0001,received,2024-03-15,Médiathèque de Denain,4.2,",
        ",desktop,HP,ProDesk 400 G4 MT,CZC0002,in_audit,2024-03-15,Médiathèque de Denain,,",
        ',keyboard,Logitech,K120,,recycled,2024-04-02,Mairie de Raismes,0.55,"Touches manquantes, hors d\'usage"',
    ]
)
SCREENSHOTS = os.environ.get("FILIERE_SCREENSHOTS")  # a folder, to look at the pages


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def shot(page, name):
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=True)


def test_technician_uploads_sees_errors_then_previews_and_confirms(page, live_url, login, axe_check, tmp_path):
    UserFactory(username="tech", technician=True)
    bad = tmp_path / "bad.csv"
    bad.write_text(CSV + "\n,tablette,,,,,15.03.2024,,,\n", encoding="utf-8")
    good = tmp_path / "lot.csv"
    good.write_text(CSV + "\n", encoding="utf-8")

    login(page, "tech")
    page.goto(live_url("/materiel/"))
    page.get_by_role("link", name="Importer un fichier CSV").click()
    page.get_by_role("heading", level=1, name="Importer du matériel depuis un fichier CSV").wait_for()
    axe_check(page)

    page.get_by_label("Fichier CSV").set_input_files(str(bad))
    page.get_by_role("button", name="Vérifier le fichier").click()
    alert = page.get_by_role("alert")
    alert.get_by_text("n'a pas été importé : 2 erreurs").wait_for()
    assert "ligne 5 : catégorie « tablette » inconnue" in alert.inner_text()
    assert "ligne 5 : date de réception « 15.03.2024 » invalide" in alert.inner_text()
    shot(page, "import-errors")
    axe_check(page)

    page.get_by_label("Fichier CSV").set_input_files(str(good))
    page.get_by_role("button", name="Vérifier le fichier").click()
    page.get_by_role("heading", level=1, name="Aperçu de l'import de « lot.csv »").wait_for()
    assert "3 matériels à créer" in page.inner_text("main")
    shot(page, "import-preview")
    axe_check(page)
    assert Item.objects.count() == 0

    page.get_by_role("button", name="Confirmer l'import").click()
    # The import ran as a background job: its page gives the result and leads to the items.
    page.get_by_text("Import de « lot.csv » terminé : 3 matériels créés").wait_for()
    assert Item.objects.count() == 3
    shot(page, "import-done")
    axe_check(page)
    page.get_by_role("link", name="Voir le matériel").click()
    page.get_by_role("link", name="ATIS-24-0001").wait_for()
