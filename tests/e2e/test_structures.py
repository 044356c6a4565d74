"""Coordination manages a structure and its members in a real browser; every page passes axe-core."""

import re

from accounts.models import Organisation, User
from tests.accounts.factories import UserFactory

NEW_PASSWORD = "cheval-agrafe-2026-lumiere"


def exactly(label: str) -> re.Pattern:
    """A field's label, exactly, whatever the asterisk marking required fields."""
    return re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$")


def test_coordination_creates_a_structure_adds_a_member_and_deactivates_it(page, live_url, login, axe_check):
    UserFactory(username="coord", coordination=True)

    login(page, "coord")
    page.get_by_role("link", name="Structures").first.click()
    page.wait_for_url("**/structures/")
    axe_check(page)

    page.get_by_role("link", name="Ajouter une organisation").click()
    axe_check(page)
    page.get_by_label(exactly("Nom")).fill("Centre social Aquarelle")
    page.get_by_label("Type").select_option("structure")
    page.get_by_label("Adresse").fill("12 rue Jean Jaurès, 59590 Raismes")
    page.get_by_label("Téléphone").fill("03 27")
    page.get_by_role("button", name="Enregistrer").click()
    assert page.locator("#id_phone_error").get_by_text("Numéro de téléphone invalide").is_visible()
    assert page.get_by_label("Adresse").input_value() == "12 rue Jean Jaurès, 59590 Raismes"
    axe_check(page)
    page.get_by_label("Téléphone").fill("03 27 36 00 00")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_role("heading", level=1, name="Centre social Aquarelle").wait_for()
    axe_check(page)

    page.get_by_role("link", name="Ajouter un membre").click()
    axe_check(page)
    page.get_by_label("Nom d'utilisateur").fill("smartin")
    page.get_by_label("Prénom").fill("Sophie")
    page.get_by_label(exactly("Nom")).fill("Martin")
    page.get_by_label("E-mail professionnel").fill("s.martin@aquarelle.fr")
    page.get_by_label(exactly("Mot de passe initial")).fill(NEW_PASSWORD)
    page.get_by_label("Mot de passe initial (confirmation)").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Créer le compte").click()
    page.get_by_text("Le compte « smartin » est créé").wait_for()
    axe_check(page)
    assert User.objects.get(username="smartin").organisation.name == "Centre social Aquarelle"

    page.get_by_role("link", name="Désactiver", exact=True).click()
    axe_check(page)
    page.get_by_role("button", name="Désactiver").click()
    page.get_by_text("ses membres ne peuvent plus se connecter").first.wait_for()
    assert not Organisation.objects.get(name="Centre social Aquarelle").is_active

    page.get_by_role("button", name="Se déconnecter").click()
    login(page, "smartin", NEW_PASSWORD)
    assert "\n« Centre social Aquarelle » est désactivée" in page.get_by_role("alert").inner_text()
    axe_check(page)
