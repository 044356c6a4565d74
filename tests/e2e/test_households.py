"""A prescriber registers households in real Chromium; axe-core checks every page visited."""

import datetime

import pytest
from playwright.sync_api import expect

from beneficiaries.models import Household
from territory.loader import load_default_territory
from territory.models import Commune, Qpv
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.beneficiaries.factories import HouseholdFactory


@pytest.fixture(autouse=True)
def territory(transactional_db):
    # Live-server tests run in flushed transactions: load the territory the migration would have loaded.
    load_default_territory(commune_model=Commune, qpv_model=Qpv)


@pytest.fixture
def prescriber():
    return UserFactory(
        username="sophie", first_name="Sophie", organisation=OrganisationFactory(name="CCAS de Raismes")
    )


def fill_household(page, *, last_name="Lemaire", first_name="Sandrine", commune="Raismes", criteria=("RSA",)):
    # By accessible name, as assistive technologies announce the fields.
    page.get_by_role("textbox", name="Nom", exact=True).fill(last_name)
    page.get_by_role("textbox", name="Prénom", exact=True).fill(first_name)
    page.get_by_label("Date de naissance").fill("1984-02-11")
    page.get_by_role("textbox", name="Adresse", exact=True).fill("14 rue Jean Jaurès")
    page.get_by_role("combobox", name="Commune", exact=True).fill(commune)
    page.get_by_label("Nombre de personnes dans le foyer").fill("3")
    for criterion in criteria:
        page.get_by_role("checkbox", name=criterion, exact=True).check()
    page.get_by_label("J'ai informé le foyer de l'usage de ses données").check()
    page.get_by_label("J'ai vu le justificatif").check()


def open_form(page, live_url, login, axe_check):
    login(page, "sophie")
    page.goto(live_url("/foyers/"))
    axe_check(page)
    page.get_by_role("link", name="Inscrire un foyer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inscrire un foyer")
    axe_check(page)


def test_a_prescriber_registers_an_eligible_household_and_finds_it_in_the_list(
    page, live_url, login, axe_check, prescriber
):
    open_form(page, live_url, login, axe_check)
    fill_household(page, commune="raismes")
    # The commune contains a QPV: the page says so, without ticking anything.
    expect(page.get_by_role("status").filter(has_text="comprend un quartier prioritaire")).to_be_visible()
    expect(page.get_by_label("QPV ou ZRR")).not_to_be_checked()

    page.get_by_role("button", name="Inscrire le foyer").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("LEMAIRE Sandrine")
    expect(page.get_by_text("Foyer LEMAIRE Sandrine inscrit et certifié éligible.")).to_be_visible()
    expect(page.get_by_text("« RSA »")).to_be_visible()
    axe_check(page)
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Foyers").click()
    row = page.get_by_role("row").filter(has_text="LEMAIRE Sandrine")
    expect(row).to_contain_text("Raismes")
    expect(row).to_contain_text("Éligible")
    page.get_by_label("Nom ou prénom").fill("lemaire")
    page.get_by_role("button", name="Filtrer").click()
    expect(page.get_by_role("row").filter(has_text="LEMAIRE Sandrine")).to_be_visible()
    axe_check(page)
    assert Household.objects.get().structure == prescriber.organisation


def test_a_household_in_valenciennes_is_refused_with_the_message(page, live_url, login, axe_check, prescriber):
    open_form(page, live_url, login, axe_check)
    fill_household(page, commune="Valenciennes")

    page.get_by_role("button", name="Inscrire le foyer").click()

    # Under the field, and in the summary at the top, which links to it.
    message = (
        "Valenciennes n'est pas une commune de La Porte du Hainaut : ce foyer ne peut pas bénéficier du programme."
    )
    expect(page.locator("#id_commune_error")).to_contain_text(message)
    expect(page.get_by_role("link", name=f"Commune : {message}")).to_be_visible()
    axe_check(page)
    assert not Household.objects.exists()


def test_a_household_with_no_criterion_is_refused_and_the_form_keeps_what_was_typed(
    page, live_url, login, axe_check, prescriber
):
    open_form(page, live_url, login, axe_check)
    fill_household(page, commune="Rœulx", criteria=())
    page.get_by_label("Note (facultative)").fill("Disponible le mardi matin")

    page.get_by_role("button", name="Inscrire le foyer").click()

    expect(page.locator("#id_criteria_error")).to_contain_text("Aucun critère d'éligibilité")
    expect(page.get_by_role("textbox", name="Nom", exact=True)).to_have_value("Lemaire")
    expect(page.get_by_role("textbox", name="Prénom", exact=True)).to_have_value("Sandrine")
    expect(page.get_by_label("Date de naissance")).to_have_value("1984-02-11")
    expect(page.get_by_role("combobox", name="Commune", exact=True)).to_have_value("Rœulx")
    expect(page.get_by_label("Note (facultative)")).to_have_value("Disponible le mardi matin")
    expect(page.get_by_label("J'ai vu le justificatif")).to_be_checked()
    axe_check(page)
    assert not Household.objects.exists()


def test_a_duplicate_is_shown_before_saving(page, live_url, login, axe_check, prescriber):
    HouseholdFactory(
        last_name="LEMAIRE",
        first_name="sandrine",
        birth_date=datetime.date(1984, 2, 11),
        structure=OrganisationFactory(name="CCAS de Denain"),
        certified=True,
    )
    open_form(page, live_url, login, axe_check)
    fill_household(page)

    page.get_by_role("button", name="Inscrire le foyer").click()

    alert = page.get_by_role("region", name="Ce foyer est peut-être déjà inscrit")
    expect(alert).to_contain_text("Un foyer similaire existe déjà (CCAS de Denain, inscrit le ")
    assert Household.objects.count() == 1
    axe_check(page)
    page.get_by_label("Pourquoi inscrire ce foyer malgré tout ?").fill("Homonyme : autre adresse, vérifié avec elle.")
    page.get_by_role("button", name="Confirmer l'inscription").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("LEMAIRE Sandrine")
    expect(page.get_by_text("Homonyme : autre adresse, vérifié avec elle.")).to_be_visible()
    axe_check(page)
    assert Household.objects.count() == 2


def test_a_prescriber_renews_a_certification_and_edits_the_household(page, live_url, login, axe_check, prescriber):
    household = HouseholdFactory(
        last_name="Mahieu", first_name="Nadia", structure=prescriber.organisation, created_by=prescriber, expired=True
    )
    login(page, "sophie")
    page.goto(live_url(household.get_absolute_url()))
    expect(page.get_by_text("Certification expirée").first).to_be_visible()
    axe_check(page)

    page.get_by_role("link", name="Renouveler la certification").click()
    axe_check(page)
    expect(page.get_by_role("checkbox", name="RSA", exact=True)).to_be_checked()
    page.get_by_role("checkbox", name="AAH", exact=True).check()
    page.get_by_label("J'ai informé le foyer de l'usage de ses données").check()
    page.get_by_label("J'ai vu le justificatif").check()
    page.get_by_role("button", name="Renouveler la certification").click()
    expect(page.get_by_text("Certification renouvelée")).to_be_visible()
    axe_check(page)

    page.get_by_role("link", name="Modifier les informations").click()
    axe_check(page)
    page.get_by_role("textbox", name="Adresse", exact=True).fill("8 allée des Tilleuls")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("8 allée des Tilleuls")).to_be_visible()
    assert household.certifications.count() == 2


def test_coordination_filters_every_structure_and_records_an_override(page, live_url, login, axe_check):
    UserFactory(username="coord", coordination=True)
    household = HouseholdFactory(
        last_name="Dubois",
        structure=OrganisationFactory(name="CCAS de Denain"),
        certified=True,
        equipped_on=datetime.date.today() - datetime.timedelta(days=90),
    )
    HouseholdFactory(last_name="Lemaire", structure=OrganisationFactory(name="CCAS de Raismes"), certified=True)
    login(page, "coord")
    page.goto(live_url("/foyers/"))
    page.get_by_label("Structure").select_option(label="CCAS de Denain")
    page.get_by_role("button", name="Filtrer").click()
    expect(page.get_by_role("row").filter(has_text="DUBOIS")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="LEMAIRE")).to_have_count(0)
    axe_check(page)

    page.get_by_role("link", name=str(household)).click()
    axe_check(page)
    page.get_by_label("Motif de la dérogation").fill("Matériel volé, plainte déposée le 2 novembre.")
    page.get_by_role("button", name="Accorder une dérogation").click()
    expect(page.get_by_text("Dérogation enregistrée")).to_be_visible()
    axe_check(page)
