"""One error pattern on every form, in real Chromium: every error of a submit at once, a summary at the top that
takes the focus and links to each field (the link moves the focus to the field), the message under the field tied
to it, plain French; axe-core finds nothing serious on the page with its errors."""

import datetime

import pytest
from playwright.sync_api import expect

from beneficiaries.models import Household
from territory.loader import load_default_territory
from territory.models import Commune, Qpv
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.beneficiaries.factories import HouseholdFactory
from tests.donations.factories import DonationOfferFactory
from tests.e2e.test_two_factor import log_in

PHONE_MESSAGE = "Numéro de téléphone invalide : indiquez un numéro français à 10 chiffres, par exemple 06 12 34 56 78."


@pytest.fixture(autouse=True)
def territory(transactional_db):
    load_default_territory(commune_model=Commune, qpv_model=Qpv)


def check_summary(page, axe_check, *lines: str) -> None:
    """The summary has the focus and one link per line (« Label : message »); every link leads to a field of the
    page; following the first moves the focus to its field."""
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading")).to_contain_text(
        f"{len(lines)} points sont à corriger" if len(lines) > 1 else "un point est à corriger"
    )
    links = summary.get_by_role("link")
    expect(links).to_have_count(len(lines))
    for index, line in enumerate(lines):
        expect(links.nth(index)).to_contain_text(line)
        target = links.nth(index).get_attribute("href")
        assert page.locator(target).count() == 1, target
    first = links.first.get_attribute("href")
    links.first.click()
    expect(page.locator(first)).to_be_focused()
    axe_check(page)


def test_the_household_form_shows_every_error_in_one_submit(page, live_url, login, axe_check):
    prescriber = UserFactory(username="sophie", organisation=OrganisationFactory(name="CCAS de Raismes"))
    HouseholdFactory(
        last_name="LEMAIRE",
        first_name="Sandrine",
        birth_date=datetime.date(1984, 2, 11),
        structure=OrganisationFactory(name="CCAS de Denain"),
        certified=True,
    )
    login(page, prescriber.username)
    page.goto(live_url("/foyers/nouveau/"))
    page.get_by_role("textbox", name="Nom", exact=True).fill("Lemaire")
    page.get_by_role("textbox", name="Prénom", exact=True).fill("Sandrine")
    page.get_by_label("Date de naissance").fill("1984-02-11")
    page.get_by_role("textbox", name="Adresse", exact=True).fill("14 rue Jean Jaurès")
    page.get_by_role("combobox", name="Commune", exact=True).fill("Raismes")
    page.get_by_label("Téléphone").fill("abc")
    page.get_by_label("E-mail").fill("sandrine@")

    page.get_by_role("button", name="Inscrire le foyer").click()

    # Criteria, both confirmations, the contact's format and the duplicate: one submit, not five.
    check_summary(
        page,
        axe_check,
        "Pourquoi inscrire ce foyer malgré tout ? : Un foyer similaire existe déjà",
        "Téléphone (facultatif) : " + PHONE_MESSAGE,
        "E-mail (facultatif) : Indiquez une adresse e-mail complète, par exemple nom@exemple.fr.",
        "Critères d'éligibilité : Aucun critère d'éligibilité",
        "J'ai informé le foyer de l'usage de ses données (texte ci-dessus) : Le foyer doit avoir été informé",
        "J'ai vu le justificatif du ou des critères cochés : Cochez cette case une fois le justificatif vu",
    )
    expect(page.get_by_label("Téléphone")).to_have_attribute("aria-describedby", "id_phone_helptext id_phone_error")
    expect(page.locator("#id_phone_error")).to_have_text(PHONE_MESSAGE)
    expect(page.get_by_label("Téléphone")).to_have_class("form-control is-invalid")
    assert not Household.objects.filter(structure=prescriber.organisation).exists()

    # Corrected in one go, with the reason for the duplicate: registered.
    page.get_by_label("Téléphone").fill("06 12 34 56 78")
    page.get_by_label("E-mail").fill("sandrine@example.org")
    page.get_by_role("checkbox", name="RSA", exact=True).check()
    page.get_by_label("J'ai informé le foyer de l'usage de ses données").check()
    page.get_by_label("J'ai vu le justificatif").check()
    page.get_by_label("Pourquoi inscrire ce foyer malgré tout ?").fill("Homonyme, autre adresse.")
    page.get_by_role("button", name="Confirmer l'inscription").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("LEMAIRE Sandrine")
    assert Household.objects.get(structure=prescriber.organisation).phone == "06 12 34 56 78"


def test_the_household_edit_refuses_the_phone_the_donor_form_refuses(page, live_url, login, axe_check):
    prescriber = UserFactory(username="sophie", organisation=OrganisationFactory(name="CCAS de Raismes"))
    household = HouseholdFactory(structure=prescriber.organisation, created_by=prescriber, certified=True)
    login(page, prescriber.username)
    page.goto(live_url(f"/foyers/{household.pk}/modifier/"))
    page.get_by_label("Téléphone").fill("abc")
    page.get_by_label("Nombre de personnes dans le foyer").fill("25")
    page.get_by_role("button", name="Enregistrer").click()

    check_summary(
        page,
        axe_check,
        "Téléphone (facultatif) : " + PHONE_MESSAGE,
        "Nombre de personnes dans le foyer : Indiquez un nombre inférieur ou égal à 20.",
    )
    expect(page.get_by_role("heading", level=2).first).to_contain_text("Les modifications ne sont pas enregistrées")


def test_the_event_form(page, live_url, login, axe_check):
    UserFactory(username="coord", coordination=True)
    login(page, "coord")
    page.goto(live_url("/distributions/nouveau/"))
    page.get_by_label("Nombre de places").fill("")
    page.get_by_role("button", name="Enregistrer").click()

    check_summary(
        page,
        axe_check,
        "Titre : Ce champ est obligatoire.",
        "Date : Ce champ est obligatoire.",
        "Lieu : Ce champ est obligatoire.",
        "Nombre de places : Ce champ est obligatoire.",
    )


def test_the_structure_member_form(page, live_url, login, axe_check):
    UserFactory(username="coord", coordination=True)
    structure = OrganisationFactory(name="CCAS de Raismes")
    login(page, "coord")
    page.goto(live_url(f"/structures/{structure.pk}/membres/nouveau/"))
    page.get_by_label("E-mail professionnel").fill("claire@")
    page.get_by_role("button", name="Créer le compte").click()

    check_summary(
        page,
        axe_check,
        "Nom d'utilisateur : Ce champ est obligatoire.",
        "Prénom : Ce champ est obligatoire.",
        "Nom : Ce champ est obligatoire.",
        "E-mail professionnel : Indiquez une adresse e-mail complète",
        "Mot de passe initial : Ce champ est obligatoire.",
        "Mot de passe initial (confirmation) : Ce champ est obligatoire.",
    )


def test_an_offer_declined_without_a_reason(page, live_url, login, axe_check):
    UserFactory(username="coord", coordination=True)
    offer = DonationOfferFactory()
    login(page, "coord")
    page.goto(live_url(f"/dons/propositions/{offer.pk}/"))
    page.get_by_role("button", name="Décliner et prévenir le donateur").click()

    check_summary(
        page, axe_check, "Motif (envoyé au donateur) : Indiquez au donateur pourquoi sa proposition est déclinée."
    )


def test_the_password_change(page, live_url, login, axe_check):
    UserFactory(username="sophie", organisation=OrganisationFactory(name="CCAS de Raismes"))
    login(page, "sophie")
    page.goto(live_url("/accounts/mot-de-passe/"))
    page.get_by_label("Ancien mot de passe").fill("pas-le-bon")
    page.get_by_label("Nouveau mot de passe", exact=True).fill("Tournesol-Bleu-2026!")
    page.get_by_label("Confirmation du nouveau mot de passe").fill("Tournesol-Vert-2026!")
    page.get_by_role("button", name="Changer mon mot de passe").click()

    check_summary(
        page,
        axe_check,
        "Ancien mot de passe : Votre mot de passe actuel est incorrect.",
        "Confirmation du nouveau mot de passe : Les deux mots de passe tapés ne sont pas identiques",
    )


def test_the_second_factor_code(page, live_url, axe_check):
    UserFactory(username="nouvelle-coord", coordination=True)
    log_in(page, live_url, "nouvelle-coord")
    page.get_by_label("Code de vérification").fill("000000")
    page.get_by_role("button", name="Activer").click()

    check_summary(page, axe_check, "Code de vérification : Code incorrect")
