"""Who may view, edit, delete and download what: roles × objects × actions, as one table.

Each row names an object, an action, the request, and the answer expected for each role (in ROLES order):
  "200" page or document, "302" done (redirected after a write), "login" sent to a login page,
  "403" refused for the role, "404" outside the user's scope (another structure's object).
After every refused request the object is unchanged (model_to_dict before and after). Add a row to cover a new
page; tests/security/test_url_walk.py already makes sure no page is left open to anonymous visitors.
"""

import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse

from beneficiaries.enums import EligibilityCriterion
from beneficiaries.models import Certification, Household
from distributions.events.models import Event, Invitation
from donations.models import DonationOffer
from equipment.models import Item
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.beneficiaries.factories import HouseholdFactory
from tests.distributions.events.helpers import invitation_with_pack
from tests.distributions.factories import EventFactory
from tests.donations.factories import DonationOfferFactory
from tests.equipment.factories import WeeeShipmentFactory
from tests.security.urlwalk import all_routes, build_path

ROLES = ["coordination", "technicien", "prescripteur_a", "prescripteur_b", "partenaire", "anonyme"]
LOGIN_PREFIXES = ("/accounts/login/", "/admin/login/")


@pytest.fixture
def world():
    coordinator = UserFactory(username="coord", coordination=True)
    structure_a = OrganisationFactory(name="CCAS de Raismes")
    structure_b = OrganisationFactory(name="CCAS de Denain")
    partner_org = OrganisationFactory(name="Emmaüs Connect", partner=True)
    prescriber_a = UserFactory(username="presc-a", organisation=structure_a)
    household = HouseholdFactory(
        last_name="Confidentiel", structure=structure_a, created_by=prescriber_a, certified=True
    )
    event = EventFactory(created_by=coordinator, partner=partner_org)
    invitation = invitation_with_pack(coordinator, event=event, household=household)
    item = invitation.pack.items.order_by("pk").first()
    return {
        "users": {
            "coordination": coordinator,
            "technicien": UserFactory(username="tech", technician=True),
            "prescripteur_a": prescriber_a,
            "prescripteur_b": UserFactory(username="presc-b", organisation=structure_b),
            "partenaire": UserFactory(username="partenaire", organisation=partner_org),
            "anonyme": None,
        },
        "structure_a": structure_a,
        "structure_b": structure_b,
        "household": household,
        "certification": household.certifications.get(),
        "event": event,
        "invitation": invitation,
        "item": item,
        "donation": item.donation,
        "offer": DonationOfferFactory(),
        "shipment": WeeeShipmentFactory(),
        "member": prescriber_a,
    }


EDIT_HOUSEHOLD = {
    "last_name": "Modifié",
    "first_name": "Martine",
    "birth_date": "1980-05-17",
    "address": "9 rue Zola",
    "commune": "Raismes",
    "size": "2",
    "version": "1",  # the page's hidden version: a fresh household's
}
RENEW = {"criteria": ["aah"], "proof_seen": "on", "data_notice_given": "on"}


def event_form(event) -> dict:
    return {
        "title": "Remise modifiée",
        "date": f"{event.date:%Y-%m-%d}",
        "start_time": "15:00",
        "place": event.place,
        "address": "",
        "capacity": "40",
        "partner": str(event.partner_id or ""),
        "notes": "",
        "agenda": "16:00 Accueil\n16:30 Remise des packs",
    }


@dataclass(frozen=True)
class Row:
    object: str  # key in `world`, the object snapshotted
    action: str  # view, edit, delete, download
    method: str
    url: Any  # callable(world) -> path
    expected: str  # one answer per role, in ROLES order
    data: Any = None  # dict, or callable(world) -> dict
    label: str = ""

    @property
    def id(self) -> str:
        return f"{self.object}-{self.action}-{self.label or self.method}"


def url(name, *keys):
    return lambda world: reverse(name, args=[world[key].pk for key in keys])


def admin(model, action, key):
    return lambda world: reverse(f"admin:{model}_{action}", args=[world[key].pk])


MATRIX = [
    # Households (a household of structure A)
    Row("household", "view", "get", url("beneficiaries:detail", "household"), "200 403 200 404 403 login"),
    Row("household", "edit", "get", url("beneficiaries:edit", "household"), "200 403 200 404 403 login", label="form"),
    Row(
        "household",
        "edit",
        "post",
        url("beneficiaries:edit", "household"),
        "302 403 302 404 403 login",
        EDIT_HOUSEHOLD,
    ),
    Row(
        "household",
        "view",
        "get",
        admin("beneficiaries_household", "change", "household"),
        "200 403 login login login login",
        label="admin",
    ),
    Row(
        "household",
        "delete",
        "post",
        admin("beneficiaries_household", "delete", "household"),
        "403 403 login login login login",
        {"post": "yes"},
    ),
    # Certifications
    Row(
        "certification",
        "edit",
        "get",
        url("beneficiaries:renew", "household"),
        "403 403 200 404 403 login",
        label="renew-form",
    ),
    Row(
        "certification",
        "edit",
        "post",
        url("beneficiaries:renew", "household"),
        "403 403 302 404 403 login",
        RENEW,
        label="renew",
    ),
    Row(
        "certification",
        "view",
        "get",
        admin("beneficiaries_certification", "change", "certification"),
        "200 403 login login login login",
        label="admin",
    ),
    Row(
        "certification",
        "delete",
        "post",
        admin("beneficiaries_certification", "delete", "certification"),
        "403 403 login login login login",
        {"post": "yes"},
    ),
    # Events
    Row("event", "view", "get", url("distributions:detail", "event"), "200 403 200 404 200 login"),
    Row("event", "edit", "get", url("distributions:edit", "event"), "200 403 403 403 403 login", label="form"),
    Row(
        "event",
        "edit",
        "post",
        url("distributions:edit", "event"),
        "302 403 403 403 403 login",
        lambda world: event_form(world["event"]),
    ),
    Row("event", "delete", "post", url("distributions:cancel", "event"), "302 403 403 403 403 login", label="cancel"),
    # Invitations (the household's answer, the partner's onboarding note)
    Row(
        "invitation",
        "edit",
        "post",
        url("distributions:invitation_answer", "event", "invitation"),
        "302 403 302 404 403 login",
        {"coming": "1"},
        label="answer",
    ),
    Row(
        "invitation",
        "edit",
        "post",
        url("distributions:invitation_onboarding", "event", "invitation"),
        "302 403 403 403 302 login",
        {"attended": "on"},
        label="onboarding",
    ),
    Row(
        "invitation",
        "edit",
        "post",
        url("distributions:invitation_withdraw", "event", "invitation"),
        "302 403 403 403 403 login",
        label="withdraw",
    ),
    # Handover sheets and other documents of the event
    Row(
        "invitation",
        "download",
        "get",
        url("distributions:sheet", "event", "invitation"),
        "200 403 403 403 403 login",
        label="handover-sheet",
    ),
    Row(
        "event",
        "download",
        "get",
        url("distributions:sheets", "event"),
        "200 403 403 403 403 login",
        label="handover-sheets",
    ),
    Row(
        "event",
        "download",
        "get",
        url("distributions:checkin_list", "event"),
        "200 403 403 403 403 login",
        label="checkin-list",
    ),
    Row(
        "invitation",
        "download",
        "get",
        url("distributions:letter", "event", "invitation"),
        "200 403 200 404 403 login",
        label="invitation-letter",
    ),
    # Donations and their documents
    Row("donation", "view", "get", url("donations:detail", "donation"), "200 200 403 403 403 login"),
    Row(
        "donation",
        "download",
        "get",
        url("donations:receipt", "donation"),
        "200 200 403 403 403 login",
        label="receipt",
    ),
    Row(
        "donation",
        "download",
        "get",
        url("donations:erasure_certificate", "donation"),
        "200 200 403 403 403 login",
        label="erasure-certificate",
    ),
    Row(
        "donation",
        "edit",
        "get",
        admin("donations_donation", "change", "donation"),
        "200 200 login login login login",
        label="admin",
    ),
    Row(
        "donation",
        "delete",
        "post",
        admin("donations_donation", "delete", "donation"),
        "403 403 login login login login",
        {"post": "yes"},
    ),
    Row("offer", "view", "get", url("donations:offer_detail", "offer"), "200 200 403 403 403 login"),
    Row(
        "offer",
        "edit",
        "post",
        url("donations:offer_detail", "offer"),
        "302 302 403 403 403 login",
        {"action": "accept"},
        label="accept",
    ),
    # Items and their documents
    Row(
        "item",
        "view",
        "get",
        lambda world: reverse("equipment:detail", args=[world["item"].asset_tag]),
        "200 200 403 403 403 login",
    ),
    Row(
        "item",
        "download",
        "get",
        lambda world: reverse("equipment:label", args=[world["item"].asset_tag]),
        "200 200 403 403 403 login",
        label="label",
    ),
    Row(
        "item",
        "edit",
        "get",
        admin("equipment_item", "change", "item"),
        "200 200 login login login login",
        label="admin",
    ),
    Row(
        "item",
        "delete",
        "post",
        admin("equipment_item", "delete", "item"),
        "403 403 login login login login",
        {"post": "yes"},
    ),
    Row(
        "shipment",
        "download",
        "get",
        url("equipment:weee_slip", "shipment"),
        "200 200 403 403 403 login",
        label="weee-slip",
    ),
    Row(
        "shipment",
        "download",
        "get",
        lambda world: reverse("equipment:weee_register"),
        "200 200 403 403 403 login",
        label="weee-register",
    ),
    # Structures and their members
    Row("structure_a", "view", "get", url("structures:detail", "structure_a"), "200 403 403 403 403 login"),
    Row(
        "member",
        "delete",
        "post",
        url("structures:member_deactivate", "structure_a", "member"),
        "302 403 403 403 403 login",
        label="deactivate",
    ),
]
CASES = [(row, role, row.expected.split()[index]) for row in MATRIX for index, role in enumerate(ROLES)]


def snapshot(world, key):
    instance = world[key]
    instance.refresh_from_db()
    return model_to_dict(instance)


@pytest.mark.parametrize(("row", "role", "expected"), CASES, ids=[f"{row.id}-{role}" for row, role, _ in CASES])
def test_permission_matrix(client, world, row, role, expected):
    user = world["users"][role]
    if user is not None:
        client.force_login(user)
    path = row.url(world)
    data = row.data(world) if callable(row.data) else row.data
    before = snapshot(world, row.object)

    response = getattr(client, row.method)(path, data or {})

    if expected == "login":
        assert response.status_code == 302 and response.url.startswith(LOGIN_PREFIXES), (
            response.status_code,
            getattr(response, "url", ""),
        )
    else:
        assert response.status_code == int(expected), response.status_code
        if expected == "302":
            assert not response.url.startswith(LOGIN_PREFIXES)
    if row.method == "post" and expected != "302" or expected in {"403", "404", "login"}:
        assert snapshot(world, row.object) == before


# --- Another structure's objects: 404 on GET and POST, and nothing changes ------------------------------------


OTHER_STRUCTURE = [
    ("household", "get", url("beneficiaries:detail", "household"), None),
    ("household", "post", url("beneficiaries:edit", "household"), EDIT_HOUSEHOLD),
    ("certification", "post", url("beneficiaries:renew", "household"), RENEW),
    ("invitation", "post", url("distributions:invitation_answer", "event", "invitation"), {"coming": "0"}),
    ("invitation", "get", url("distributions:letter", "event", "invitation"), None),
    ("event", "get", url("distributions:detail", "event"), None),
]


@pytest.mark.parametrize(
    ("key", "method", "build", "data"), OTHER_STRUCTURE, ids=[f"{key}-{method}" for key, method, *_ in OTHER_STRUCTURE]
)
def test_another_structures_object_is_a_404_and_stays_unchanged(client, world, key, method, build, data):
    client.force_login(world["users"]["prescripteur_b"])
    before = {name: snapshot(world, name) for name in ("household", "certification", "invitation", "event")}
    counts = (Household.objects.count(), Certification.objects.count(), Invitation.objects.count())

    response = getattr(client, method)(build(world), data or {})

    assert response.status_code == 404
    assert "Confidentiel".upper() not in response.content.decode()
    assert {name: snapshot(world, name) for name in before} == before
    assert (Household.objects.count(), Certification.objects.count(), Invitation.objects.count()) == counts


# --- Field level ------------------------------------------------------------------------------------------------

CRITERIA = re.compile(
    r"\b("
    + "|".join(re.escape(str(c.label)) for c in EligibilityCriterion if c != EligibilityCriterion.SENIOR)
    + r")\b"
)


@pytest.mark.parametrize("role", ["technicien", "partenaire"])
def test_technicians_and_partners_never_see_eligibility_criteria(client, world, role):
    world["certification"].__class__.objects.filter(pk=world["certification"].pk).update(
        rsa=True, aah=True, rqth=True, leaving_detention=True
    )
    client.force_login(world["users"][role])
    objects = {
        **world,
        "organisation": world["structure_a"],
        "weee_shipment": world["shipment"],
        "offer_token": "x" * 43,
    }
    seen = 0
    for route in all_routes():
        if route.is_public:
            continue  # the public home lists the criteria in general, for residents: no household's
        response = client.get(build_path(route, objects))
        if response.status_code != 200 or "text/html" not in response.headers.get("Content-Type", ""):
            continue
        seen += 1
        html = response.content.decode()
        found = CRITERIA.search(html)
        assert found is None, f"{route} montre « {found.group(0)} » à un {role}"
        if role == "technicien":
            assert "CONFIDENTIEL" not in html.upper(), f"{route} montre un nom de foyer à un technicien"
    assert seen >= 3


def test_a_prescriber_cannot_move_a_household_to_another_structure_by_adding_fields(client, world):
    client.force_login(world["users"]["prescripteur_a"])
    household = world["household"]
    response = client.post(
        reverse("beneficiaries:edit", args=[household.pk]),
        {
            **EDIT_HOUSEHOLD,
            "structure": world["structure_b"].pk,
            "created_by": world["users"]["coordination"].pk,
            "equipped_on": "2025-01-01",
            "status": "equipped",
        },
    )
    assert response.status_code == 302
    household.refresh_from_db()
    assert household.last_name.upper() == "MODIFIÉ"  # the allowed change went through
    assert household.structure == world["structure_a"]
    assert household.created_by == world["users"]["prescripteur_a"]
    assert household.equipped_on is None


def test_a_household_registered_with_extra_fields_belongs_to_the_prescribers_structure(client, world):
    client.force_login(world["users"]["prescripteur_a"])
    response = client.post(
        reverse("beneficiaries:create"),
        {
            **EDIT_HOUSEHOLD,
            "last_name": "Nouveau",
            "criteria": ["rsa"],
            "proof_seen": "on",
            "data_notice_given": "on",
            "structure": world["structure_b"].pk,
            "equipped_on": "2025-01-01",
        },
    )
    assert response.status_code == 302
    created = Household.objects.get(last_name__iexact="Nouveau")
    assert created.structure == world["structure_a"] and created.equipped_on is None


def test_editing_an_event_cannot_change_its_status(client, world):
    client.force_login(world["users"]["coordination"])
    event = world["event"]
    response = client.post(
        reverse("distributions:edit", args=[event.pk]), {**event_form(event), "status": "closed", "created_by": 999}
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.title == "Remise modifiée" and event.status == "planned"
    assert event.created_by == world["users"]["coordination"]


def test_a_new_member_gets_the_organisation_of_the_page_and_no_admin_rights_from_the_form(client, world):
    client.force_login(world["users"]["coordination"])
    password = "cheval agrafe lumière 2026"
    response = client.post(
        reverse("structures:member_create", args=[world["structure_a"].pk]),
        {
            "username": "nouveau",
            "first_name": "Nadia",
            "last_name": "Haddad",
            "email": "n@example.org",
            "password": password,
            "password_confirm": password,
            "organisation": world["structure_b"].pk,
            "is_staff": "on",
            "is_superuser": "on",
            "is_demo": "on",
        },
    )
    assert response.status_code == 302
    from accounts.models import User

    member = User.objects.get(username="nouveau")
    assert member.organisation == world["structure_a"]
    assert not (member.is_staff or member.is_superuser or member.is_demo)


def test_the_offer_queue_cannot_be_used_to_skip_steps(client, world):
    client.force_login(world["users"]["technicien"])
    offer = world["offer"]
    client.post(reverse("donations:offer_detail", args=[offer.pk]), {"action": "process", "status": "processed"})
    assert DonationOffer.objects.get(pk=offer.pk).status == offer.status


def test_items_and_events_keep_their_state_when_prescribers_post_to_staff_pages(client, world):
    client.force_login(world["users"]["prescripteur_a"])
    item = world["item"]
    client.post(reverse("admin:equipment_item_change", args=[item.pk]), {"status": "recycled"})
    client.post(reverse("distributions:close", args=[world["event"].pk]))
    assert Item.objects.get(pk=item.pk).status == item.status
    assert Event.objects.get(pk=world["event"].pk).status == "planned"


def test_a_prescriber_sees_only_their_structures_households_at_a_shared_event(client, world):
    other = HouseholdFactory(last_name="Voisin", structure=world["structure_b"], certified=True)
    from tests.distributions.factories import InvitationFactory

    other_invitation = InvitationFactory(event=world["event"], household=other)
    client.force_login(world["users"]["prescripteur_a"])

    page = client.get(reverse("distributions:detail", args=[world["event"].pk])).content.decode()
    assert "CONFIDENTIEL" in page.upper() and "VOISIN" not in page.upper()
    letters = client.get(reverse("distributions:letters", args=[world["event"].pk]))
    assert letters.status_code == 200
    from tests.pdftext import pdf_text

    text = pdf_text(letters.content).upper()
    assert "CONFIDENTIEL" in text and "VOISIN" not in text
    url = reverse("distributions:letter", args=[world["event"].pk, other_invitation.pk])
    assert client.get(url).status_code == 404
