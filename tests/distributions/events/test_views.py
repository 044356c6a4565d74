import datetime
import zoneinfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from distributions.events.enums import EventStatus, InvitationStatus
from distributions.events.models import Event, Invitation
from distributions.events.services import invitation_check_in
from distributions.packs.enums import PackStatus
from equipment.enums import ItemStatus
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.beneficiaries.factories import HouseholdFactory
from tests.distributions.events.helpers import complete_pack, hand_over, invitation_with_pack
from tests.distributions.factories import EventFactory, InvitationFactory


@pytest.fixture
def coordinator():
    return UserFactory(username="coord", coordination=True)


@pytest.fixture
def world(coordinator):
    """A planned event run with a partner: structure A's household has a pack and is checked in."""
    structure_a, structure_b = OrganisationFactory(name="CCAS de Raismes"), OrganisationFactory(name="CCAS de Denain")
    partner = UserFactory(username="partner", partner=True)
    event = EventFactory(partner=partner.organisation, created_by=coordinator)
    invitation = invitation_with_pack(
        coordinator, event=event, household__structure=structure_a, household__last_name="Lambert"
    )
    invitation_check_in(invitation=invitation, status="present", by=coordinator)
    users = {
        "coordination": coordinator,
        "technicien": UserFactory(username="tech", technician=True),
        "prescripteur-a": UserFactory(username="presc-a", organisation=structure_a),
        "prescripteur-b": UserFactory(username="presc-b", organisation=structure_b),
        "partenaire": partner,
        "autre-partenaire": UserFactory(username="other-partner", partner=True),
        "anonyme": None,
    }
    return {"event": event, "invitation": invitation, "users": users}


def _url(name, world):
    event, invitation = world["event"], world["invitation"]
    if name in {"list", "create"}:
        return reverse(f"distributions:{name}")
    if name.startswith("invitation_") or name in {"sheet", "letter"}:
        return reverse(f"distributions:{name}", args=[event.pk, invitation.pk])
    return reverse(f"distributions:{name}", args=[event.pk])


PAGES = [
    "list",
    "create",
    "detail",
    "edit",
    "invite",
    "allocate",
    "day",
    "schedule",
    "invitation_handover",
    "sheets",
    "sheet",
    "checkin_list",
    "letters",
    "letter",
]
COORDINATION_PAGES = set(PAGES) - {"list", "detail", "letters", "letter"}
EXPECTED_GET = {
    "coordination": dict.fromkeys(PAGES, 200),
    "technicien": dict.fromkeys(PAGES, 403),
    "prescripteur-a": {page: 403 if page in COORDINATION_PAGES else 200 for page in PAGES},
    "prescripteur-b": {
        page: 403 if page in COORDINATION_PAGES else (200 if page == "list" else 404) for page in PAGES
    },
    "partenaire": {page: 200 if page in {"list", "detail"} else 403 for page in PAGES},
    "autre-partenaire": {page: 404 if page == "detail" else (200 if page == "list" else 403) for page in PAGES},
    "anonyme": dict.fromkeys(PAGES, 302),
}
MATRIX = [(role, page, expected) for role, pages in EXPECTED_GET.items() for page, expected in pages.items()]


@pytest.mark.parametrize(("role", "page", "expected"), MATRIX, ids=[f"{r}-{p}" for r, p, _ in MATRIX])
def test_who_may_open_which_page(client, world, role, page, expected):
    user = world["users"][role]
    if user is not None:
        client.force_login(user)

    response = client.get(_url(page, world))

    assert response.status_code == expected
    if expected == 302:
        assert response.url.startswith(reverse("accounts:login"))


ACTIONS = [
    ("invitation_allocate", {"pack": "0"}),
    ("invitation_release", {}),
    ("invitation_withdraw", {}),
    ("invitation_answer", {"coming": "0"}),
    ("invitation_check_in", {"status": "absent"}),
    ("invitation_handover", {"payment_means": "free"}),
    ("invitation_onboarding", {"attended": "1"}),
    ("invitation_sheet_signed", {}),
    ("allocate_auto", {}),
    ("close", {}),
    ("cancel", {}),
    ("invite", {"households": ["1"]}),
]
# What each role may do; anything else is refused (403 for the role, 404 outside its scope).
ALLOWED_ACTIONS = {
    "coordination": {name for name, _ in ACTIONS},
    "prescripteur-a": {"invitation_answer"},
    "partenaire": {"invitation_onboarding"},
}
EXPECTED_REFUSAL = {
    "technicien": 403,
    "prescripteur-a": 403,
    "prescripteur-b": 403,
    "partenaire": 403,
    "autre-partenaire": 403,
    "anonyme": 302,
}
SCOPED = {("prescripteur-b", "invitation_answer"), ("autre-partenaire", "invitation_onboarding")}
REFUSALS = [
    (role, name, data, 404 if (role, name) in SCOPED else expected)
    for role, expected in EXPECTED_REFUSAL.items()
    for name, data in ACTIONS
    if name not in ALLOWED_ACTIONS.get(role, set())
]


def _snapshot(world):
    invitation = Invitation.objects.get(pk=world["invitation"].pk)
    event = Event.objects.get(pk=world["event"].pk)
    return (
        invitation.status,
        invitation.pack_id,
        invitation.onboarding_attended,
        event.status,
        Invitation.objects.count(),
        sorted(invitation.pack.items.values_list("status", flat=True)),
    )


@pytest.mark.parametrize(
    ("role", "name", "data", "expected"), REFUSALS, ids=[f"{role}-{name}" for role, name, _, _ in REFUSALS]
)
def test_a_refused_action_changes_nothing(client, world, role, name, data, expected):
    user = world["users"][role]
    if user is not None:
        client.force_login(user)
    before = _snapshot(world)

    response = client.post(_url(name, world), data)

    assert response.status_code == expected
    assert _snapshot(world) == before


def test_another_structures_household_is_not_found_on_its_invitation_letter(client, world):
    client.force_login(world["users"]["prescripteur-b"])
    other = InvitationFactory(event=world["event"], household__structure=world["users"]["prescripteur-b"].organisation)

    own = client.get(reverse("distributions:letter", args=[world["event"].pk, other.pk]))
    foreign = client.get(_url("letter", world))

    assert own.status_code == 200
    assert foreign.status_code == 404


def test_a_prescriber_sees_only_their_households_with_time_place_and_status(client, world):
    foreign = InvitationFactory(event=world["event"], household__last_name="Etranger")
    client.force_login(world["users"]["prescripteur-a"])

    listing = client.get(reverse("distributions:list")).content.decode()
    detail = client.get(_url("detail", world)).content.decode()

    for html in (listing, detail):
        assert "LAMBERT Martine" in html
        assert foreign.household.last_name.upper() not in html
        assert "Salle des fêtes, Raismes" in html
        assert "16h00" in html
        assert "Présent" in html


def test_the_coordinations_event_list_shows_50_events_a_page_upcoming_first_with_their_counts(client, coordinator):
    today = datetime.date.today()
    for n in range(55):
        EventFactory(title=f"Passé {n:02d}", date=today - datetime.timedelta(days=n + 1))
    upcoming = EventFactory(title="Prochaine remise", date=today, capacity=30)
    hand_over(invitation_with_pack(coordinator, event=upcoming), coordinator)
    InvitationFactory(event=upcoming)
    client.force_login(coordinator)

    first = client.get(reverse("distributions:list"))
    second = client.get(reverse("distributions:list"), {"page": 2})

    titles = [event.title for event in first.context["events"]]
    assert titles == ["Prochaine remise"] + [f"Passé {n:02d}" for n in range(49)]
    assert [event.title for event in second.context["events"]] == [f"Passé {n:02d}" for n in range(49, 55)]
    html = first.content.decode()
    assert "2 / 30" in html  # places taken by the upcoming event's two households
    assert "Page 1 sur 2" in html and "page=2" in html
    assert "Page 2 sur 2" in second.content.decode()


def test_a_page_number_past_the_end_shows_the_last_page_of_events(client, coordinator):
    EventFactory.create_batch(3)
    client.force_login(coordinator)

    response = client.get(reverse("distributions:list"), {"page": 9})

    assert response.status_code == 200
    assert response.context["page"].number == 1
    assert len(response.context["events"]) == 3


def test_a_partners_event_list_holds_only_the_events_it_runs(client, world):
    EventFactory.create_batch(3, title="Remise sans partenaire")
    client.force_login(world["users"]["partenaire"])

    html = client.get(reverse("distributions:list")).content.decode()

    assert escape(world["event"].title) in html
    assert "Remise sans partenaire" not in html


def test_the_household_page_shows_its_invitation_to_its_prescriber(client, world):
    client.force_login(world["users"]["prescripteur-a"])

    html = client.get(reverse("beneficiaries:detail", args=[world["invitation"].household_id])).content.decode()

    assert escape(world["event"].title) in html
    assert reverse("distributions:letter", args=[world["event"].pk, world["invitation"].pk]) in html


def test_a_draft_event_stays_hidden_from_prescribers(client, coordinator):
    invitation = InvitationFactory(event__draft=True)
    client.force_login(UserFactory(organisation=invitation.household.structure))

    assert client.get(reverse("distributions:detail", args=[invitation.event.pk])).status_code == 404
    assert escape(invitation.event.title) not in client.get(reverse("distributions:list")).content.decode()


def test_the_partner_sees_attendees_without_any_eligibility_criteria(client, world):
    client.force_login(world["users"]["partenaire"])

    html = client.get(_url("detail", world)).content.decode()

    assert "LAMBERT Martine" in html
    for private in ("RSA", "critère", "Critère", "1980", "rue Jean Jaurès", "CCAS de Raismes"):
        assert private not in html


def test_the_partner_records_the_onboarding(client, world):
    client.force_login(world["users"]["partenaire"])

    response = client.post(_url("invitation_onboarding", world), {"attended": "1"}, follow=True)

    assert "Prise en main notée pour LAMBERT Martine." in response.content.decode()
    assert Invitation.objects.get(pk=world["invitation"].pk).onboarding_attended is True


# --- Coordination's pages -------------------------------------------------------------------------------------


def test_coordination_creates_an_event_from_the_form(client, coordinator):
    client.force_login(coordinator)
    date = datetime.date.today() + datetime.timedelta(days=10)

    response = client.post(
        reverse("distributions:create"),
        {
            "title": "Remise de Raismes",
            "date": date.isoformat(),
            "start_time": "16:00",
            "place": "Salle des fêtes, Raismes",
            "capacity": "40",
            "agenda": "16:00 Accueil\n16h30 Discours\n17h - Remise des packs\n18:00 Verre de l'amitié",
        },
    )

    event = Event.objects.get()
    assert response.status_code == 302
    assert response.url == event.get_absolute_url()
    assert [str(line) for line in event.agenda.all()] == [
        "16:00 Accueil",
        "16:30 Discours",
        "17:00 Remise des packs",
        "18:00 Verre de l'amitié",
    ]


def _event_form(date, start_time="16:00", **fields):
    return {
        "title": "Remise de Raismes",
        "date": date.isoformat(),
        "start_time": start_time,
        "place": "Salle des fêtes, Raismes",
        "capacity": "40",
        **fields,
    }


def test_the_programme_left_as_proposed_follows_the_start_time(client, coordinator):
    client.force_login(coordinator)
    proposed = client.get(reverse("distributions:create")).context["form"]["agenda"].value()
    assert proposed.splitlines()[0] == "16:00 Accueil des foyers"

    # As a browser sends the untouched textarea (CRLF line ends), for an event at 14:00.
    client.post(
        reverse("distributions:create"),
        _event_form(datetime.date.today(), "14:00", agenda=proposed.replace("\n", "\r\n")),
    )

    event = Event.objects.get()
    assert [str(line) for line in event.agenda.all()] == [
        "14:00 Accueil des foyers",
        "14:30 Discours",
        "15:00 Remise des équipements",
        "16:00 Verre de l'amitié",
    ]
    # Moved to 15:00 later, the programme moves with it while nobody rewrote it...
    url = reverse("distributions:edit", args=[event.pk])
    shown = client.get(url).context["form"]["agenda"].value()
    client.post(url, _event_form(event.date, "15:00", agenda=shown))
    assert [str(line) for line in event.agenda.all()][0] == "15:00 Accueil des foyers"
    # ... and a programme written by hand is kept as written.
    client.post(url, _event_form(event.date, "17:00", agenda="16:30 Installation\n17:00 Accueil"))
    assert [str(line) for line in event.agenda.all()] == ["16:30 Installation", "17:00 Accueil"]


def test_an_event_in_the_past_is_refused_with_every_other_error_at_once(client, coordinator):
    client.force_login(coordinator)
    yesterday = datetime.date.today() - datetime.timedelta(days=1)

    response = client.post(reverse("distributions:create"), _event_form(yesterday, place="", agenda=""))

    assert response.status_code == 200
    html = response.content.decode()
    assert f"Le {yesterday:%d/%m/%Y} est passé : un événement se prévoit à une date à venir" in html
    assert "Ce champ est obligatoire" in html or "obligatoire" in html  # the place, in the same submit
    assert not Event.objects.exists()


def test_the_day_screen_before_the_day_says_when_check_in_opens_and_offers_no_button(client, coordinator):
    event = EventFactory(in_a_month=True)
    invitation_with_pack(coordinator, event=event)
    client.force_login(coordinator)

    html = client.get(reverse("distributions:day", args=[event.pk])).content.decode()

    assert f"s'enregistrent le jour de l'événement (le {event.date:%d/%m/%Y})" in html.replace("&#x27;", "'")
    assert 'value="present"' not in html and "Remettre le pack" not in html
    today = EventFactory()
    invitation_with_pack(coordinator, event=today)
    html = client.get(reverse("distributions:day", args=[today.pk])).content.decode()
    assert 'value="present"' in html and "jour de l&#x27;événement (le" not in html


def test_a_bad_agenda_line_is_named_and_nothing_is_saved(client, coordinator):
    client.force_login(coordinator)

    response = client.post(
        reverse("distributions:create"),
        {
            "title": "X",
            "date": "2030-01-10",
            "start_time": "16:00",
            "place": "Mairie",
            "capacity": "5",
            "agenda": "16:00 Accueil\nDiscours du maire",
        },
    )

    assert response.status_code == 200
    assert "ligne 2 (« Discours du maire ») : écrivez l&#x27;heure puis l&#x27;étape" in response.content.decode()
    assert not Event.objects.exists()


def test_the_invite_page_lists_the_waiting_list_with_reasons_and_disabled_boxes(client, coordinator):
    event = EventFactory()
    ok = HouseholdFactory(certified=True, last_name="Attente")
    equipped = HouseholdFactory(certified=True, last_name="Equipe", equipped_on=datetime.date.today())
    client.force_login(coordinator)

    html = client.get(reverse("distributions:invite", args=[event.pk])).content.decode()

    assert f'value="{ok.pk}" id="foyer-{ok.pk}">' in html
    assert f'value="{equipped.pk}" id="foyer-{equipped.pk}" disabled aria-describedby="raison-{equipped.pk}"' in html
    assert "Déjà équipé le" in html


def test_inviting_from_the_page(client, coordinator):
    event = EventFactory()
    households = HouseholdFactory.create_batch(2, certified=True)
    client.force_login(coordinator)

    response = client.post(
        reverse("distributions:invite", args=[event.pk]), {"households": [h.pk for h in households]}, follow=True
    )

    assert "2 foyers invités." in response.content.decode()
    assert event.invitations.count() == 2


def test_inviting_beyond_capacity_says_so_and_keeps_the_selection(client, coordinator):
    event = EventFactory(capacity=1)
    households = HouseholdFactory.create_batch(2, certified=True)
    client.force_login(coordinator)

    response = client.post(
        reverse("distributions:invite", args=[event.pk]), {"households": [h.pk for h in households]}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Il reste 1 place sur 1 : vous avez coché 2 foyers." in html
    assert f'value="{households[0].pk}" id="foyer-{households[0].pk}" checked' in html
    assert not event.invitations.exists()


def test_allocating_a_pack_from_the_page(client, coordinator):
    invitation = InvitationFactory()
    pack = complete_pack()
    client.force_login(coordinator)

    response = client.post(
        reverse("distributions:invitation_allocate", args=[invitation.event.pk, invitation.pk]), {"pack": pack.pk}
    )

    assert response.status_code == 302
    pack.refresh_from_db()
    assert pack.status == PackStatus.ALLOCATED


def test_the_handover_page_submitted_twice_records_once(client, coordinator):
    invitation = invitation_with_pack(coordinator)
    invitation_check_in(invitation=invitation, status="present", by=coordinator)
    client.force_login(coordinator)
    url = reverse("distributions:invitation_handover", args=[invitation.event.pk, invitation.pk])
    data = {"payment_means": "cash", "price_amount": "10,00", "sheet_signed": "on"}

    first = client.post(url, data, follow=True)
    second = client.post(url, data, follow=True)

    assert f"Remise enregistrée : {invitation.household} est équipé." in first.content.decode()
    assert "était déjà enregistrée" in second.content.decode()
    assert set(invitation.pack.items.values_list("status", flat=True)) == {ItemStatus.DISTRIBUTED}
    invitation.refresh_from_db()
    assert (invitation.status, str(invitation.price_amount), invitation.sheet_signed) == (
        InvitationStatus.HANDED_OVER,
        "10.00",
        True,
    )


def test_a_handover_with_an_inconsistent_price_shows_the_error_beside_the_field(client, coordinator):
    invitation = invitation_with_pack(coordinator)
    invitation_check_in(invitation=invitation, status="present", by=coordinator)
    client.force_login(coordinator)

    response = client.post(
        reverse("distributions:invitation_handover", args=[invitation.event.pk, invitation.pk]),
        {"payment_means": "cheque"},
    )

    assert response.status_code == 200
    assert "Indiquez le montant payé par le foyer (en euros)." in response.content.decode()
    assert Invitation.objects.get(pk=invitation.pk).status == InvitationStatus.PRESENT


def test_check_in_from_the_day_screen_and_an_absent_households_pack_back_to_stock(client, coordinator):
    invitation = invitation_with_pack(coordinator)
    pack = invitation.pack
    client.force_login(coordinator)

    response = client.post(
        reverse("distributions:invitation_check_in", args=[invitation.event.pk, invitation.pk]),
        {"status": "absent"},
        follow=True,
    )

    assert f"{invitation.household} : absent." in response.content.decode()
    pack.refresh_from_db()
    assert pack.status == PackStatus.COMPLETE


def test_closing_the_event_from_its_confirmation_page(client, coordinator):
    invitation = invitation_with_pack(coordinator)
    client.force_login(coordinator)
    url = reverse("distributions:close", args=[invitation.event.pk])

    assert "Les foyers qui ne sont pas venus sont notés absents." in client.get(url).content.decode()
    client.post(url)

    assert Event.objects.get(pk=invitation.event.pk).status == EventStatus.DONE


def test_nav_shows_distributions_to_coordination_prescribers_and_partners_only(client, world):
    for role, shown in [("coordination", True), ("prescripteur-a", True), ("partenaire", True), ("technicien", False)]:
        client.force_login(world["users"][role])
        html = client.get(reverse("home")).content.decode()
        assert (f'href="{reverse("distributions:list")}"' in html) is shown, role


# --- Query counts ---------------------------------------------------------------------------------------------


def _event_with(count, coordinator, partner=None, structure=None):
    event = EventFactory(created_by=coordinator, partner=partner)
    for _ in range(count):
        invitation = invitation_with_pack(
            coordinator, event=event, household__structure=structure or OrganisationFactory()
        )
        hand_over(invitation, coordinator)
    return event


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


PAGES_BY_ROLE = {
    "coordination": ["list", "detail", "allocate", "day", "invite", "sheets", "checkin_list"],
    "prescripteur": ["list", "detail", "letters"],
    "partenaire": ["list", "detail"],
}


def test_query_counts_do_not_grow_with_households_and_items(client, coordinator):
    """Every page and PDF of an event, with 1 household and with 20 (each with a pack of 5 items)."""
    partner, structure = UserFactory(partner=True), OrganisationFactory()
    users = {"coordination": coordinator, "partenaire": partner, "prescripteur": UserFactory(organisation=structure)}
    small = _event_with(1, coordinator, partner.organisation, structure)
    big = _event_with(20, coordinator, partner.organisation, structure)
    HouseholdFactory.create_batch(20, certified=True)  # a long waiting list for the invite page

    def url(page, event):
        return reverse("distributions:list") if page == "list" else reverse(f"distributions:{page}", args=[event.pk])

    for role, pages in PAGES_BY_ROLE.items():
        client.force_login(users[role])
        for page in pages:
            counts = (_queries(client, url(page, small)), _queries(client, url(page, big)))
            assert counts[0] == counts[1], f"{role} {page}: {counts[0]} requêtes pour 1 foyer, {counts[1]} pour 20"


@pytest.mark.parametrize("chosen", ["abc", "1e9", "-1", "١٢", "99999999999999999999999", " "])
def test_check_in_with_a_tampered_pack_recipient_is_refused_in_french(client, coordinator, chosen):
    invitation = invitation_with_pack(coordinator)
    before = invitation.status
    client.force_login(coordinator)

    response = client.post(
        reverse("distributions:invitation_check_in", args=[invitation.event.pk, invitation.pk]),
        {"status": "absent", "give_pack_to": chosen},
        follow=True,
    )

    assert response.status_code == 200
    html = response.content.decode()
    if chosen.strip():
        assert "Le foyer choisi pour recevoir le pack n&#x27;est pas invité à cet événement." in html
        assert Invitation.objects.get(pk=invitation.pk).status == before
    else:  # an empty choice is no choice: the check-in goes through
        assert f"{invitation.household} : absent." in html


def test_a_handover_already_recorded_gives_its_time_in_paris(client, coordinator):
    invitation = invitation_with_pack(coordinator)
    url = reverse("distributions:invitation_handover", args=[invitation.event.pk, invitation.pk])
    evening = datetime.datetime.combine(invitation.event.date, datetime.time(21, 24), tzinfo=datetime.UTC)
    paris = evening.astimezone(zoneinfo.ZoneInfo("Europe/Paris"))
    with time_machine.travel(evening, tick=False):
        client.force_login(coordinator)
        invitation_check_in(invitation=invitation, status="present", by=coordinator)
        client.post(url, {"payment_means": "free", "sheet_signed": "on"})
        again = client.post(url, {"payment_means": "free", "sheet_signed": "on"}, follow=True)

    assert f"était déjà enregistrée ({paris:%H:%M})." in again.content.decode()
    assert paris.hour != 21


# --- What a pack holds, and households already equipped --------------------------------------------------------


def _tags_and_models(pack):
    return [(item.asset_tag, f"{item.manufacturer} {item.model}".strip()) for item in pack.items.all()]


def test_a_pack_shows_its_tags_and_models_wherever_coordination_chooses_or_hands_it(client, coordinator):
    event = EventFactory(created_by=coordinator)
    allocated = invitation_with_pack(coordinator, event=event, household__last_name="Lemaire")
    in_stock = complete_pack()
    client.force_login(coordinator)

    pages = {
        name: client.get(reverse(f"distributions:{name}", args=[event.pk])).content.decode()
        for name in ("allocate", "detail", "day")
    }

    for name, html in pages.items():
        for tag, model in _tags_and_models(allocated.pack):
            assert tag in html and model in html, (name, tag)
    # The packs in stock, offered in the allocation page's lists, with their contents too.
    allocation = pages["allocate"].split("Packs complets en stock", 1)[1]
    assert in_stock.reference in allocation
    for tag, model in _tags_and_models(in_stock):
        assert tag in allocation and model in allocation


def test_the_household_page_shows_the_pack_it_holds_and_no_letter_once_equipped(client, world):
    invitation = world["invitation"]
    client.force_login(world["users"]["prescripteur-a"])
    url = reverse("beneficiaries:detail", args=[invitation.household_id])
    letter = reverse("distributions:letter", args=[world["event"].pk, invitation.pk])

    before = client.get(url).content.decode()
    assert letter in before and invitation.pack.reference in before
    assert all(tag in before for tag, _model in _tags_and_models(invitation.pack))

    hand_over(invitation, world["users"]["coordination"])
    after = client.get(url).content.decode()

    assert letter not in after
    assert f"déjà équipé le {datetime.date.today():%d/%m/%Y}" in after
    assert client.get(letter).status_code == 404


def test_the_prescribers_lists_offer_no_letter_for_a_household_already_equipped(client, world):
    hand_over(world["invitation"], world["users"]["coordination"])
    waiting = InvitationFactory(event=world["event"], household__structure=world["invitation"].household.structure)
    client.force_login(world["users"]["prescripteur-a"])

    for url in (reverse("distributions:list"), _url("detail", world)):
        html = client.get(url).content.decode()
        assert reverse("distributions:letter", args=[world["event"].pk, world["invitation"].pk]) not in html
        assert "Déjà équipé" in html
        assert reverse("distributions:letter", args=[world["event"].pk, waiting.pk]) in html


def test_an_equipped_household_is_shown_as_already_equipped_not_blocked_by_its_certification(client, coordinator):
    event = EventFactory(created_by=coordinator, in_a_month=True)
    equipped = HouseholdFactory(
        certified=True, last_name="Mahieu", equipped_on=datetime.date.today() - datetime.timedelta(days=60)
    )
    # Its certification ends before the event: renewing it would not make it invitable.
    equipped.certifications.update(expires_on=event.date - datetime.timedelta(days=3))
    client.force_login(coordinator)

    html = client.get(reverse("distributions:invite", args=[event.pk])).content.decode()

    row = html.split("MAHIEU Martine", 1)[1].split("</tr>", 1)[0]
    assert "Déjà équipé le" in row and "certification expire" not in row
