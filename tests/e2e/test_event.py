"""Coordination runs a distribution event in a real browser, from creating it to handing a pack over; every page
passes axe-core."""

import datetime
import re

from distributions.events.models import Event
from equipment.enums import ItemStatus
from tests.accounts.factories import UserFactory
from tests.beneficiaries.factories import HouseholdFactory
from tests.distributions.events.helpers import complete_pack, hand_over, invitation_with_pack


def exactly(label: str) -> re.Pattern:
    """A field's label, exactly, whatever the asterisk marking required fields."""
    return re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$")


def test_coordination_runs_an_event_from_invitations_to_handover(page, live_url, login, axe_check):
    UserFactory(username="coord", coordination=True)
    HouseholdFactory(certified=True, last_name="Lemaire", first_name="Sandrine")
    HouseholdFactory(certified=True, last_name="Bouchez", first_name="Kévin")
    packs = [complete_pack(), complete_pack()]
    day = datetime.date.today()  # check-in and handovers are recorded on the event's day

    login(page, "coord")
    page.get_by_role("link", name="Distributions").first.click()
    page.wait_for_url("**/distributions/")
    axe_check(page)

    page.get_by_role("link", name="Nouvel événement").click()
    axe_check(page)
    page.get_by_label(exactly("Titre")).fill("Remise de Raismes")
    page.get_by_label(exactly("Date")).fill(day.isoformat())
    page.get_by_label(exactly("Heure de début")).fill("16:00")
    page.get_by_label(exactly("Lieu")).fill("Salle des fêtes, Raismes")
    page.get_by_label(exactly("Nombre de places")).fill("40")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_role("heading", level=1, name=re.compile("Remise de Raismes")).wait_for()
    axe_check(page)
    event = Event.objects.get()
    assert [str(line) for line in event.agenda.all()][0] == "16:00 Accueil des foyers"

    page.get_by_role("link", name="Inviter des foyers").click()
    axe_check(page)
    page.get_by_label("LEMAIRE Sandrine").check()
    page.get_by_label("BOUCHEZ Kévin").check()
    page.get_by_role("button", name="Inviter les foyers cochés").click()
    page.get_by_text("2 foyers invités.").wait_for()
    axe_check(page)

    page.get_by_role("link", name="Attribuer les packs").click()
    axe_check(page)
    page.get_by_role("button", name="Attribuer automatiquement un pack à chaque foyer sans pack").click()
    page.get_by_text("2 packs attribués.").wait_for()
    axe_check(page)

    page.get_by_role("link", name="Retour à l'événement").click()
    page.get_by_role("link", name="Programmer").click()
    axe_check(page)
    page.get_by_role("button", name="Programmer").click()
    page.get_by_text("Événement programmé.").wait_for()
    axe_check(page)

    # The event's handover sheets, as the browser downloads them (same session).
    sheets_url = page.get_by_role("link", name="Fiches de remise").first.get_attribute("href")
    response = page.context.request.get(live_url(sheets_url))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF-")

    page.get_by_role("link", name="Accueil et remises du jour").click()
    axe_check(page)
    page.get_by_role("button", name="Présent : LEMAIRE Sandrine").click()
    page.get_by_text("LEMAIRE Sandrine : présent.").wait_for()
    axe_check(page)
    page.get_by_role("link", name="Remettre le pack à LEMAIRE Sandrine").click()
    axe_check(page)
    page.get_by_label("Gratuit").check()
    page.get_by_label("Le foyer a signé la fiche de remise").check()
    page.get_by_role("button", name="Enregistrer la remise").click()
    page.get_by_text("Remise enregistrée : LEMAIRE Sandrine est équipé.").wait_for()
    axe_check(page)

    handed = event.invitations.get(household__last_name="Lemaire").pack
    tags = list(handed.items.values_list("asset_tag", flat=True))
    assert handed in packs
    # The equipment admin's list: no axe check here, Django's own search box fails « label-title-only ».
    page.goto(live_url("/admin/equipment/item/?status__exact=distributed"))
    for tag in tags:
        row = page.get_by_role("row").filter(has_text=tag)
        assert row.count() == 1, tag
        assert "Distribué" in row.inner_text()
    assert {status for status in handed.items.values_list("status", flat=True)} == {ItemStatus.DISTRIBUTED}


def test_a_prescriber_and_the_partner_follow_the_event(page, live_url, login, axe_check):
    coordinator = UserFactory(username="coord", coordination=True)
    partner = UserFactory(username="emmaus", partner=True)
    invitation = invitation_with_pack(
        coordinator, event__partner=partner.organisation, household__last_name="Hennebert"
    )
    hand_over(invitation, coordinator)
    UserFactory(username="ccas", organisation=invitation.household.structure)

    login(page, "ccas")
    page.get_by_role("link", name="Distributions").first.click()
    page.get_by_role("cell", name="HENNEBERT Martine", exact=True).wait_for()
    axe_check(page)
    with page.expect_navigation():
        page.get_by_role("link", name=invitation.event.title).click()
    axe_check(page)
    page.get_by_role("button", name="Se déconnecter").click()

    login(page, "emmaus")
    page.get_by_role("link", name="Distributions").first.click()
    axe_check(page)
    with page.expect_navigation():
        page.get_by_role("link", name=invitation.event.title).click()
    axe_check(page)
    page.get_by_role("button", name="Présent à la prise en main : HENNEBERT Martine").click()
    page.get_by_text("Prise en main notée pour HENNEBERT Martine.").wait_for()
    axe_check(page)
    invitation.refresh_from_db()
    assert invitation.onboarding_attended is True


def test_an_event_is_dated_when_it_happens(page, live_url, login, axe_check):
    """No event in the past; the proposed programme follows the start time; before the day, the day screen says
    when check-in opens instead of offering its buttons."""
    coordinator = UserFactory(username="coord", coordination=True)
    yesterday = datetime.date.today() - datetime.timedelta(days=1)

    login(page, "coord")
    page.goto(live_url("/distributions/nouveau/"))
    page.get_by_label(exactly("Titre")).fill("Remise de Wallers")
    page.get_by_label(exactly("Date")).fill(yesterday.isoformat())
    page.get_by_label(exactly("Heure de début")).fill("14:00")
    page.get_by_label(exactly("Lieu")).fill("Salle polyvalente, Wallers")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_text(f"Le {yesterday:%d/%m/%Y} est passé").first.wait_for()
    axe_check(page)
    assert not Event.objects.exists()

    in_a_week = datetime.date.today() + datetime.timedelta(days=7)
    page.get_by_label(exactly("Date")).fill(in_a_week.isoformat())
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_role("heading", level=1, name=re.compile("Remise de Wallers")).wait_for()
    event = Event.objects.get()
    assert [str(line) for line in event.agenda.all()][0] == "14:00 Accueil des foyers"
    main = page.locator("main").inner_text()
    assert "14h00 — Accueil des foyers" in main and "16h00 — Accueil" not in main

    invitation_with_pack(coordinator, event=event, household__last_name="Carpentier")
    page.goto(live_url(f"/distributions/{event.pk}/accueil/"))
    page.get_by_text(f"s'enregistrent le jour de l'événement (le {in_a_week:%d/%m/%Y})").wait_for()
    assert page.get_by_role("button", name="Présent : CARPENTIER Martine").count() == 0
    axe_check(page)


def test_packs_show_their_contents_and_an_equipped_household_gets_no_letter(page, live_url, login, axe_check):
    coordinator = UserFactory(username="coord", coordination=True)
    handed = invitation_with_pack(coordinator, household__last_name="Delcourt")
    event = handed.event
    waiting = invitation_with_pack(coordinator, event=event, household__last_name="Dupuis")
    stock = complete_pack()
    hand_over(handed, coordinator)
    UserFactory(username="ccas", organisation=handed.household.structure)
    waiting.household.structure = handed.household.structure
    waiting.household.save()

    login(page, "coord")
    page.goto(live_url(f"/distributions/{event.pk}/attribution/"))
    row = page.locator(f"#invitation-{waiting.pk}")
    for item in waiting.pack.items.all():
        assert item.asset_tag in row.inner_text() and item.model in row.inner_text()
    stock_table = page.get_by_role("table", name="Contenu des packs complets en stock")
    assert stock.reference in stock_table.inner_text()
    axe_check(page)
    page.goto(live_url(f"/distributions/{event.pk}/accueil/"))
    day_row = page.locator(f"#invitation-{waiting.pk}")
    assert all(item.asset_tag in day_row.inner_text() for item in waiting.pack.items.all())
    axe_check(page)
    page.get_by_role("button", name="Se déconnecter").click()

    login(page, "ccas")
    page.goto(live_url(f"/distributions/{event.pk}/"))
    handed_row = page.get_by_role("row").filter(has_text="DELCOURT Martine")
    assert "Déjà équipé" in handed_row.inner_text()
    assert handed_row.get_by_role("link", name=re.compile("convocation")).count() == 0
    waiting_row = page.get_by_role("row").filter(has_text="DUPUIS Martine")
    assert waiting_row.get_by_role("link", name="Imprimer la convocation de DUPUIS Martine").count() == 1
    axe_check(page)
