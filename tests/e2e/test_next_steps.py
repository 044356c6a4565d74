"""After certifying, the household page leads to what usually follows: the next household and the list for the
prescriber, an invitation for coordination; renewing leads only when the certification is over or ends soon."""

import datetime

import pytest
from playwright.sync_api import expect

from beneficiaries.models import Household
from territory.loader import load_default_territory
from territory.models import Commune, Qpv
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.beneficiaries.factories import HouseholdFactory
from tests.distributions.factories import EventFactory
from tests.e2e.test_households import fill_household


@pytest.fixture(autouse=True)
def territory(transactional_db):
    load_default_territory(commune_model=Commune, qpv_model=Qpv)


def primary_buttons(page) -> list[str]:
    return [text.strip() for text in page.locator(".next-steps .btn-primary").all_inner_texts()]


def test_after_registering_a_household_the_prescriber_is_led_to_the_next_one(page, live_url, login, axe_check):
    UserFactory(username="sophie", organisation=OrganisationFactory(name="CCAS de Raismes"))
    login(page, "sophie")
    page.goto(live_url("/foyers/nouveau/"))
    fill_household(page)
    page.get_by_role("button", name="Inscrire le foyer").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("LEMAIRE Sandrine")
    assert primary_buttons(page) == ["Inscrire un autre foyer"]
    expect(page.get_by_text("Le foyer attend sur la liste d'attente des distributions")).to_be_visible()
    renew = page.get_by_role("link", name="Renouveler la certification")
    expect(renew).to_have_class("btn btn-outline-secondary")
    axe_check(page)

    page.get_by_role("link", name="Inscrire un autre foyer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inscrire un foyer")
    page.go_back()
    page.get_by_role("link", name="Retour à la liste des foyers").click()
    expect(page.get_by_role("row").filter(has_text="LEMAIRE Sandrine")).to_contain_text("Éligible")


@pytest.mark.parametrize("days_left", [-3, 12], ids=["expirée", "expire-bientôt"])
def test_renewing_leads_when_the_certification_is_over_or_ends_within_a_month(page, live_url, login, days_left):
    prescriber = UserFactory(username="sophie", prescriber=True)
    household = HouseholdFactory(structure=prescriber.organisation, last_name="Dubois", certified=True)
    household.certifications.update(
        certified_on=datetime.date.today() - datetime.timedelta(days=170),
        expires_on=datetime.date.today() + datetime.timedelta(days=days_left),
    )
    login(page, "sophie")
    page.goto(live_url(f"/foyers/{household.pk}/"))
    assert primary_buttons(page) == ["Renouveler la certification"]
    expect(page.get_by_role("link", name="Inscrire un autre foyer")).to_have_count(0)


def test_coordination_invites_an_eligible_household_from_its_page(page, live_url, login, axe_check):
    coordinator = UserFactory(username="coord", coordination=True)
    household = HouseholdFactory(last_name="Vandenbussche", first_name="Aurélie", certified=True)
    soon = datetime.date.today() + datetime.timedelta(days=12)
    event = EventFactory(created_by=coordinator, title="Remise de Denain", date=soon)
    EventFactory(created_by=coordinator, title="Remise complète", date=soon, capacity=1).invitations.create(
        household=HouseholdFactory(certified=True), invited_by=coordinator
    )
    EventFactory(created_by=coordinator, title="Remise trop tardive", date=soon + datetime.timedelta(days=365))

    login(page, "coord")
    page.goto(live_url(f"/foyers/{household.pk}/"))
    assert primary_buttons(page) == [f"Inviter à « Remise de Denain » ({soon:%d/%m/%Y})"]
    axe_check(page)

    page.get_by_role("button", name="Inviter à « Remise de Denain »").click()
    expect(page.get_by_text("1 foyer invité.")).to_be_visible()
    assert event.invitations.filter(household=household).exists()
    page.goto(live_url(f"/foyers/{household.pk}/"))
    expect(page.locator(".status-badge").first).to_have_text("Invité")
    assert primary_buttons(page) == []
    assert Household.objects.with_status().get(pk=household.pk).status == "invited"
