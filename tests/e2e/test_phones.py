"""On a phone (390 × 844): the household list shows each household's status and the event-day screen shows
« Présent » and « Remettre le pack », all without scrolling sideways."""

import datetime

import pytest

from distributions.events.services import invitation_check_in
from tests.accounts.factories import UserFactory
from tests.beneficiaries.factories import HouseholdFactory
from tests.distributions.events.helpers import invitation_with_pack
from tests.distributions.factories import EventFactory

PHONE = {"width": 390, "height": 844}

# Widths the page scrolls to, for the page itself and for every box that scrolls on its own (a table's wrapper).
OVERFLOW_JS = """() => {
  const wide = [];
  for (const element of document.querySelectorAll('body, body *')) {
    const style = getComputedStyle(element);
    if (element.scrollWidth > element.clientWidth + 1 && element.clientWidth > 0
        && ['auto', 'scroll'].includes(style.overflowX)) wide.push(element.className || element.tagName);
  }
  return {page: document.documentElement.scrollWidth, wide};
}"""


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris", viewport=PHONE, has_touch=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def assert_no_sideways_scroll(page):
    overflow = page.evaluate(OVERFLOW_JS)
    assert overflow["page"] <= PHONE["width"], f"la page défile de côté : {overflow['page']} px de large"
    assert not overflow["wide"], f"des blocs défilent de côté : {overflow['wide']}"


def assert_on_screen(locator):
    """Seen without scrolling sideways: visible, and its box within the phone's width."""
    assert locator.is_visible()
    box = locator.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box


def test_on_a_phone_the_household_list_shows_every_households_status(phone, live_url, login, axe_check):
    prescriber = UserFactory(username="presc", prescriber=True)
    structure = prescriber.organisation
    HouseholdFactory(structure=structure, last_name="Vandenbussche", first_name="Aurélie-Charlotte", certified=True)
    HouseholdFactory(structure=structure, last_name="Dubois", first_name="Marcel")
    expired = HouseholdFactory(structure=structure, last_name="Mahieu", first_name="Nadia", certified=True)
    expired.certifications.update(
        certified_on=datetime.date.today() - datetime.timedelta(days=300),
        expires_on=datetime.date.today() - datetime.timedelta(days=100),
    )

    login(phone, "presc")
    phone.goto(live_url("/foyers/"))

    assert_no_sideways_scroll(phone)
    rows = phone.locator("table tbody tr")
    assert rows.count() == 3
    statuses = {}
    for index in range(3):
        row = rows.nth(index)
        badge = row.locator(".status-badge")
        assert_on_screen(row.get_by_role("link"))
        assert_on_screen(badge)
        statuses[row.get_by_role("link").inner_text()] = badge.inner_text()
    assert statuses == {
        "VANDENBUSSCHE Aurélie-Charlotte": "Éligible",
        "DUBOIS Marcel": "Inscrit",
        "MAHIEU Nadia": "Certification expirée",
    }
    expired_row = rows.filter(has_text="MAHIEU")
    assert "expirée le" in expired_row.inner_text()
    axe_check(phone)


def test_on_a_phone_the_event_day_shows_present_and_hand_over_buttons(phone, live_url, login, axe_check):
    coordinator = UserFactory(username="coord", coordination=True)
    event = EventFactory(created_by=coordinator, date=datetime.date.today(), place="Salle Aragon, Denain")
    waiting = invitation_with_pack(
        coordinator, event=event, household=HouseholdFactory(last_name="Szymanski", first_name="Monique")
    )
    arrived = invitation_with_pack(
        coordinator, event=event, household=HouseholdFactory(last_name="Hennebert", first_name="Yasmina")
    )
    invitation_check_in(invitation=arrived, status="present", by=coordinator)

    login(phone, "coord")
    phone.goto(live_url(f"/distributions/{event.pk}/accueil/"))

    assert_no_sideways_scroll(phone)
    waiting_row = phone.locator(f"#invitation-{waiting.pk}")
    arrived_row = phone.locator(f"#invitation-{arrived.pk}")
    assert_on_screen(waiting_row.get_by_role("button", name="Présent : SZYMANSKI Monique"))
    assert_on_screen(arrived_row.get_by_role("link", name="Remettre le pack à HENNEBERT Yasmina"))
    axe_check(phone)

    waiting_row.get_by_role("button", name="Présent : SZYMANSKI Monique").click()
    phone.get_by_text("SZYMANSKI Monique : présent").wait_for()
    assert_no_sideways_scroll(phone)
    now_present = phone.locator(f"#invitation-{waiting.pk}")
    assert_on_screen(now_present.get_by_role("link", name="Remettre le pack à SZYMANSKI Monique"))
