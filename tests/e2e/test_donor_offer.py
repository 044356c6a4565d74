"""A donor offers equipment from a phone, follows the private link, and gets the receipt once it is in."""

import re

import pytest
from django.core import mail
from django.core.cache import cache

from donations.models import DonationOffer
from tests.accounts.factories import UserFactory
from tests.equipment.factories import ItemFactory


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(
        locale="fr-FR",
        timezone_id="Europe/Paris",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
    )
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_a_donor_offers_from_a_phone_and_gets_the_receipt_once_received(phone, page, live_url, login, axe_check):
    cache.clear()
    UserFactory(username="coord", coordination=True)

    # The donor fills the public form on a phone.
    phone.goto(live_url("/dons/proposer/"))
    axe_check(phone)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the screen
    phone.get_by_label("Nom de votre organisation").fill("Médiathèque de Denain")
    phone.get_by_label("Organisme public").check()
    phone.get_by_label("Personne à contacter").fill("Claire Martin")
    phone.get_by_label("Adresse e-mail").fill("claire.martin@example.org")
    phone.get_by_label("Téléphone").fill("+33 6 12 34 56 78")
    phone.get_by_label("Adresse où récupérer le matériel").fill("1 place du Marché")
    phone.get_by_label("Code postal").fill("59220")
    phone.get_by_label("Commune", exact=True).fill("Denain")
    phone.get_by_label("Écran", exact=True).fill("10")
    phone.get_by_label("Unité centrale", exact=True).fill("8")
    phone.get_by_label("Oui, ils contiennent encore des données").check()
    phone.get_by_label("Je souhaite recevoir un certificat d'effacement des données").check()
    phone.get_by_role("button", name="Envoyer ma proposition").click()

    # A missing answer is reported in French, next to the field and at the top; nothing is lost.
    summary = phone.get_by_role("alert")
    assert "Cochez cette case pour accepter les conditions du programme." in summary.inner_text()
    assert phone.get_by_label("Nom de votre organisation").input_value() == "Médiathèque de Denain"
    axe_check(phone)
    phone.get_by_label("J'ai lu et j'accepte les conditions du programme").check()
    phone.get_by_role("button", name="Envoyer ma proposition").click()

    phone.wait_for_url(re.compile(r"/dons/suivi/[A-Za-z0-9_-]{43}/$"))
    offer = DonationOffer.objects.get()
    assert offer.reference in phone.get_by_role("heading", level=1).inner_text()
    assert "Merci !" in phone.get_by_role("status").inner_text()
    axe_check(phone)

    # The same link arrived by e-mail; the donor follows it.
    link = re.search(r"http://\S+/dons/suivi/\S+/", mail.outbox[0].body).group(0)
    assert offer.reference in mail.outbox[0].subject
    phone.goto(link)
    assert phone.locator("li[aria-current=step]").inner_text().startswith("Proposition envoyée")

    # Coordination accepts the offer, then receives the equipment: the donation is created.
    login(page, "coord")
    page.goto(live_url("/dons/propositions/"))
    page.get_by_role("link", name=offer.reference).click()
    page.get_by_role("button", name="Accepter la proposition").click()
    assert "acceptée" in page.get_by_role("status").inner_text()
    page.get_by_role("button", name="Réceptionner et créer le don").click()
    assert f"Don {offer.reference} créé (18 matériels annoncés)" in page.get_by_role("status").inner_text()
    offer.refresh_from_db()
    assert offer.donation.announced_count == 18

    # Technicians count the items in as usual; the donor's page then offers the receipt.
    for _ in range(3):
        ItemFactory(donation=offer.donation)
    phone.reload()
    assert phone.locator("li[aria-current=step]").inner_text().startswith("Matériel reçu à l'atelier")
    assert "En attente de diagnostic" in phone.get_by_role("table").inner_text()
    receipt = phone.get_by_role("link", name="Télécharger l'attestation de don (PDF)")
    response = phone.request.get(live_url(receipt.get_attribute("href")))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    axe_check(phone)
    assert [message.subject for message in mail.outbox][1:] == [
        f"Proposition de don {offer.reference} : acceptée",
        f"Don {offer.reference} : votre matériel est arrivé à l'atelier",
    ]
