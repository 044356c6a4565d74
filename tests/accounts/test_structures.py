"""Coordination manages organisations and their members: services, pages, refusals for every other role."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import services
from accounts.enums import OrganisationKind
from accounts.models import Organisation, User
from tests.accounts.factories import OrganisationFactory, UserFactory

STRONG_PASSWORD = "cheval-agrafe-2026-lumiere"


def _member_data(**overrides):
    data = {
        "username": "smartin",
        "first_name": "Sophie",
        "last_name": "Martin",
        "email": "s.martin@ccas-raismes.fr",
        "password": STRONG_PASSWORD,
    }
    return {**data, **overrides}


def _messages(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- services: organisations ---


def test_organisation_create_keeps_contact_details_for_residents():
    organisation = services.organisation_create(
        name="  Centre social   Aquarelle ",
        kind=OrganisationKind.STRUCTURE,
        address="12 rue Jean Jaurès, 59590 Raismes",
        phone="03 27 36 00 00",
        email="accueil@aquarelle.fr",
        opening_hours="Du lundi au vendredi, 9 h – 12 h",
    )
    organisation.refresh_from_db()
    assert organisation.name == "Centre social Aquarelle"
    assert organisation.is_active
    assert organisation.phone == "03 27 36 00 00"
    assert organisation.opening_hours == "Du lundi au vendredi, 9 h – 12 h"


def test_organisation_create_refuses_a_name_already_taken_whatever_the_case():
    OrganisationFactory(name="CCAS de Raismes")
    with pytest.raises(ValidationError) as caught:
        services.organisation_create(name="ccas de raismes", kind=OrganisationKind.STRUCTURE)
    assert caught.value.message_dict["name"] == ["Une organisation porte déjà ce nom : « CCAS de Raismes »."]
    assert Organisation.objects.count() == 1


def test_organisation_create_reports_every_bad_field_at_once_and_writes_nothing():
    with pytest.raises(ValidationError) as caught:
        services.organisation_create(name="", kind="mairie", phone="appelez-nous", email="pas-un-email")
    assert set(caught.value.message_dict) == {"name", "kind", "phone", "email"}
    assert "Numéro de téléphone invalide" in caught.value.message_dict["phone"][0]
    assert not Organisation.objects.exists()


def test_organisation_update_changes_contact_details():
    organisation = OrganisationFactory(name="CCAS de Denain")
    services.organisation_update(
        organisation=organisation,
        name="CCAS de Denain",
        kind=OrganisationKind.STRUCTURE,
        address="Place Baudin, Denain",
        phone="+33 3 27 23 59 59",
        email="ccas@denain.fr",
        opening_hours="Mardi et jeudi après-midi",
    )
    organisation.refresh_from_db()
    assert organisation.address == "Place Baudin, Denain"
    assert organisation.phone == "03 27 23 59 59"  # written as every phone number of the site


def test_organisation_kind_is_fixed_once_it_has_members():
    member = UserFactory(prescriber=True)
    organisation = member.organisation
    with pytest.raises(ValidationError) as caught:
        services.organisation_update(
            organisation=organisation, name=organisation.name, kind=OrganisationKind.COORDINATION
        )
    assert "ne peut plus être changé" in caught.value.message_dict["kind"][0]
    organisation.refresh_from_db()
    member.refresh_from_db()
    assert organisation.kind == OrganisationKind.STRUCTURE
    assert not member.is_coordination


def test_organisation_kind_can_change_while_it_has_no_member():
    organisation = OrganisationFactory()
    services.organisation_update(organisation=organisation, name=organisation.name, kind=OrganisationKind.PARTNER)
    organisation.refresh_from_db()
    assert organisation.kind == OrganisationKind.PARTNER


def test_deactivate_then_reactivate_keeps_members_and_their_own_state():
    organisation = OrganisationFactory()
    active = UserFactory(organisation=organisation)
    closed = UserFactory(organisation=organisation, is_active=False)
    coordinator = UserFactory(coordination=True)

    services.organisation_deactivate(organisation=organisation, by=coordinator)
    organisation.refresh_from_db()
    assert not organisation.is_active
    assert set(organisation.members.all()) == {active, closed}

    services.organisation_reactivate(organisation=organisation)
    organisation.refresh_from_db()
    active.refresh_from_db()
    closed.refresh_from_db()
    assert organisation.is_active
    assert active.is_active and not closed.is_active


def test_deactivating_twice_or_reactivating_an_active_one_is_refused():
    organisation = OrganisationFactory(is_active=False)
    with pytest.raises(ValidationError, match="déjà désactivée"):
        services.organisation_deactivate(organisation=organisation)
    with pytest.raises(ValidationError, match="déjà active"):
        services.organisation_reactivate(organisation=OrganisationFactory())


def test_coordination_cannot_deactivate_its_own_organisation():
    coordinator = UserFactory(coordination=True)
    with pytest.raises(ValidationError, match="votre propre organisation"):
        services.organisation_deactivate(organisation=coordinator.organisation, by=coordinator)
    coordinator.organisation.refresh_from_db()
    assert coordinator.organisation.is_active


# --- services: members ---


@pytest.mark.parametrize(
    ("kind", "is_staff"),
    [
        (OrganisationKind.COORDINATION, True),
        (OrganisationKind.REFURBISHER, True),
        (OrganisationKind.STRUCTURE, False),
        (OrganisationKind.PARTNER, False),
    ],
    ids=["coordination", "reconditionneur", "structure", "partenaire"],
)
def test_member_create_gives_admin_access_to_technicians_and_coordination_only(client, kind, is_staff):
    organisation = OrganisationFactory(kind=kind)
    member = services.member_create(organisation=organisation, **_member_data())
    assert member.organisation == organisation
    assert member.is_staff is is_staff
    assert not member.is_superuser and not member.is_demo
    assert client.login(username="smartin", password=STRONG_PASSWORD)


@pytest.mark.parametrize(
    "password",
    ["court-2026", "123456789012345", "password1234", "smartin20260"],
    ids=["trop-court", "que-des-chiffres", "trop-courant", "proche-du-nom"],
)
def test_member_create_refuses_a_weak_initial_password(password):
    organisation = OrganisationFactory()
    with pytest.raises(ValidationError) as caught:
        services.member_create(organisation=organisation, **_member_data(password=password))
    assert caught.value.message_dict["password"]
    assert not User.objects.exists()


def test_member_create_requires_names_and_email_and_a_valid_username():
    with pytest.raises(ValidationError) as caught:
        services.member_create(
            organisation=OrganisationFactory(),
            **_member_data(username="s martin!", first_name=" ", last_name="", email=""),
        )
    errors = caught.value.message_dict
    assert set(errors) == {"username", "first_name", "last_name", "email"}
    assert errors["first_name"] == ["Le prénom est obligatoire."]
    assert not User.objects.exists()


def test_a_person_belongs_to_one_structure_no_silent_move():
    existing = UserFactory(username="smartin", organisation=OrganisationFactory(name="CCAS de Raismes"))
    other = OrganisationFactory(name="CCAS de Denain")
    with pytest.raises(ValidationError) as caught:
        services.member_create(organisation=other, **_member_data(username="SMartin"))
    message = caught.value.message_dict["username"][0]
    assert "déjà pris (compte de « CCAS de Raismes »)" in message
    assert "une seule structure" in message
    existing.refresh_from_db()
    assert existing.organisation.name == "CCAS de Raismes"
    assert not other.members.exists()


def test_no_member_can_join_a_deactivated_organisation():
    organisation = OrganisationFactory(name="Maison de quartier", is_active=False)
    with pytest.raises(ValidationError, match="réactivez-la"):
        services.member_create(organisation=organisation, **_member_data())
    assert not User.objects.exists()


def test_member_deactivate_and_reactivate():
    member = UserFactory(prescriber=True)
    coordinator = UserFactory(coordination=True)
    services.member_deactivate(member=member, by=coordinator)
    member.refresh_from_db()
    assert not member.is_active
    with pytest.raises(ValidationError, match="déjà désactivé"):
        services.member_deactivate(member=member, by=coordinator)
    services.member_reactivate(member=member)
    member.refresh_from_db()
    assert member.is_active


def test_coordination_cannot_deactivate_its_own_account():
    coordinator = UserFactory(coordination=True)
    with pytest.raises(ValidationError, match="votre propre compte"):
        services.member_deactivate(member=coordinator, by=coordinator)
    coordinator.refresh_from_db()
    assert coordinator.is_active


# --- pages as coordination ---


@pytest.fixture
def coordinator(client):
    user = UserFactory(coordination=True)
    client.force_login(user)
    return user


def _query_count(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def test_list_shows_kind_state_and_active_member_count(client, coordinator):
    raismes = OrganisationFactory(name="CCAS de Raismes")
    UserFactory.create_batch(2, organisation=raismes)
    UserFactory(organisation=raismes, is_active=False)
    OrganisationFactory(name="Emmaüs Connect", partner=True, is_active=False)

    response = client.get(reverse("structures:list"))

    page = {organisation.name: organisation for organisation in response.context["page"]}
    assert page["CCAS de Raismes"].active_member_count == 2
    assert page["CCAS de Raismes"].member_count == 3
    content = response.content.decode()
    assert "Structure prescriptrice" in content and "Partenaire d&#x27;accompagnement" in content
    assert "Désactivée" in content
    assert "Structures" in [entry["label"] for entry in response.context["nav_entries"]]


def test_list_filters_by_kind_active_state_and_name(client, coordinator):
    OrganisationFactory(name="CCAS de Raismes")
    OrganisationFactory(name="CCAS de Bouchain", is_active=False)
    OrganisationFactory(name="Emmaüs Connect", partner=True)

    def names(**params):
        response = client.get(reverse("structures:list"), params)
        return {organisation.name for organisation in response.context["page"]}

    assert names(kind="structure") == {"CCAS de Raismes", "CCAS de Bouchain"}
    assert names(kind="structure", active="oui") == {"CCAS de Raismes"}
    assert names(active="non") == {"CCAS de Bouchain"}
    assert names(q="emmaüs") == {"Emmaüs Connect"}


def test_list_query_count_does_not_grow_with_organisations(client, coordinator, django_assert_num_queries):
    UserFactory(organisation=OrganisationFactory())
    url = reverse("structures:list")
    baseline = _query_count(client, url)
    for organisation in OrganisationFactory.create_batch(14):
        UserFactory.create_batch(2, organisation=organisation)
    assert baseline <= 10
    with django_assert_num_queries(baseline):
        response = client.get(url)
    assert len(response.context["page"]) == 16  # 15 + coordination's own organisation


def test_detail_query_count_does_not_grow_with_members(client, coordinator, django_assert_num_queries):
    organisation = OrganisationFactory()
    UserFactory(organisation=organisation)
    url = reverse("structures:detail", args=[organisation.pk])
    baseline = _query_count(client, url)
    UserFactory.create_batch(14, organisation=organisation)
    assert baseline <= 10
    with django_assert_num_queries(baseline):
        response = client.get(url)
    assert response.content.decode().count("Désactiver<span") == 15


def test_coordination_creates_an_organisation_from_the_form(client, coordinator):
    response = client.post(
        reverse("structures:create"),
        {"name": "Mission Locale du Hainaut", "kind": "structure", "address": "Denain", "phone": "03 27 21 00 00"},
    )
    organisation = Organisation.objects.get(name="Mission Locale du Hainaut")
    assert response.status_code == 302
    assert response.url == reverse("structures:detail", args=[organisation.pk])


def test_a_refused_organisation_form_keeps_what_was_typed_and_saves_nothing(client, coordinator):
    OrganisationFactory(name="CCAS de Raismes")
    response = client.post(
        reverse("structures:create"),
        {"name": "ccas DE raismes", "kind": "structure", "address": "Rue de la Gare", "phone": "03 27"},
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "Une organisation porte déjà ce nom : « CCAS de Raismes »." in content
    assert "Numéro de téléphone invalide" in content
    assert 'value="Rue de la Gare"' in content
    assert Organisation.objects.count() == 2  # CCAS de Raismes + coordination


def test_coordination_edits_an_organisation(client, coordinator):
    organisation = OrganisationFactory(name="CCAS de Denain")
    url = reverse("structures:update", args=[organisation.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"name": "CCAS de Denain", "kind": "structure", "opening_hours": "Lundi 9 h – 12 h", "email": ""}
    )
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.opening_hours == "Lundi 9 h – 12 h"


def test_refused_kind_change_shows_the_reason_on_the_page(client, coordinator):
    member = UserFactory(prescriber=True)
    response = client.post(
        reverse("structures:update", args=[member.organisation_id]),
        {"name": member.organisation.name, "kind": "coordination"},
    )
    assert response.status_code == 200
    assert "ne peut plus être changé" in response.content.decode()
    member.organisation.refresh_from_db()
    assert member.organisation.kind == OrganisationKind.STRUCTURE


def test_deactivate_asks_for_confirmation_then_locks_members_out(client, coordinator):
    organisation = OrganisationFactory(name="Centre social Aquarelle")
    member = UserFactory(organisation=organisation)
    url = reverse("structures:deactivate", args=[organisation.pk])

    confirm = client.get(url)
    assert "Désactiver « Centre social Aquarelle » ?" in confirm.content.decode()
    organisation.refresh_from_db()
    assert organisation.is_active

    response = client.post(url, follow=True)
    assert "est désactivée : ses membres ne peuvent plus se connecter" in response.content.decode()
    organisation.refresh_from_db()
    assert not organisation.is_active
    assert not client.login(username=member.username, password="motdepasse-solide-2026")


def test_refused_deactivation_is_explained(client, coordinator):
    response = client.post(reverse("structures:deactivate", args=[coordinator.organisation_id]), follow=True)
    assert "votre propre organisation" in response.content.decode()
    coordinator.organisation.refresh_from_db()
    assert coordinator.organisation.is_active


def test_reactivate_lets_members_log_in_again(client, coordinator):
    organisation = OrganisationFactory(is_active=False)
    member = UserFactory(organisation=organisation)
    client.post(reverse("structures:reactivate", args=[organisation.pk]))
    organisation.refresh_from_db()
    assert organisation.is_active
    assert client.login(username=member.username, password="motdepasse-solide-2026")


def test_coordination_adds_a_member_who_can_log_in(client, coordinator):
    organisation = OrganisationFactory(name="CCAS de Raismes")
    data = {**_member_data(), "password_confirm": STRONG_PASSWORD}
    response = client.post(reverse("structures:member_create", args=[organisation.pk]), data, follow=True)
    assert "Le compte « smartin » est créé" in response.content.decode()
    assert STRONG_PASSWORD not in response.content.decode()
    member = User.objects.get(username="smartin")
    assert member.organisation == organisation and not member.is_staff
    client.logout()
    assert client.login(username="smartin", password=STRONG_PASSWORD)


def test_member_form_refuses_mismatched_or_weak_passwords_and_creates_nothing(client, coordinator):
    organisation = OrganisationFactory()
    url = reverse("structures:member_create", args=[organisation.pk])
    mismatch = client.post(url, {**_member_data(), "password_confirm": "autre-chose-2026-xyz"})
    assert "Les deux mots de passe ne sont pas identiques." in mismatch.content.decode()
    weak = client.post(url, {**_member_data(password="12345678"), "password_confirm": "12345678"})
    assert weak.status_code == 200
    assert "trop court" in weak.content.decode()
    assert 'value="smartin"' in weak.content.decode()
    assert not organisation.members.exists()


def test_a_member_is_reached_only_through_their_own_organisation(client, coordinator):
    member = UserFactory(prescriber=True)
    elsewhere = OrganisationFactory()
    response = client.post(reverse("structures:member_deactivate", args=[elsewhere.pk, member.pk]))
    assert response.status_code == 404
    member.refresh_from_db()
    assert member.is_active


def test_coordination_deactivates_and_reactivates_a_member(client, coordinator):
    member = UserFactory(prescriber=True)
    args = [member.organisation_id, member.pk]
    assert client.get(reverse("structures:member_deactivate", args=args)).status_code == 200
    client.post(reverse("structures:member_deactivate", args=args))
    member.refresh_from_db()
    assert not member.is_active
    client.post(reverse("structures:member_reactivate", args=args))
    member.refresh_from_db()
    assert member.is_active


def test_unknown_organisation_is_a_404(client, coordinator):
    assert client.get(reverse("structures:detail", args=[999_999])).status_code == 404


# --- refusals for every other role ---

ROLES = {
    "technicien": {"technician": True},
    "prescripteur": {"prescriber": True},
    "partenaire": {"partner": True},
}


def _snapshot():
    return (
        list(Organisation.objects.order_by("pk").values_list("pk", "name", "kind", "is_active", "opening_hours")),
        list(User.objects.order_by("pk").values_list("pk", "username", "is_active", "organisation_id")),
    )


def _pages(organisation, member):
    return [
        ("get", reverse("structures:list"), None),
        ("get", reverse("structures:detail", args=[organisation.pk]), None),
        ("post", reverse("structures:create"), {"name": "Intrus", "kind": "coordination"}),
        ("post", reverse("structures:update", args=[organisation.pk]), {"name": "Renommée", "kind": "partner"}),
        ("post", reverse("structures:deactivate", args=[organisation.pk]), {}),
        (
            "post",
            reverse("structures:member_create", args=[organisation.pk]),
            _member_data(password_confirm=STRONG_PASSWORD),
        ),
        ("post", reverse("structures:member_deactivate", args=[organisation.pk, member.pk]), {}),
    ]


@pytest.mark.parametrize("role", list(ROLES), ids=list(ROLES))
def test_other_roles_get_403_and_nothing_changes(client, role):
    user = UserFactory(**ROLES[role])
    client.force_login(user)
    organisation = OrganisationFactory()
    member = UserFactory(organisation=organisation)
    before = _snapshot()
    for method, url, data in _pages(organisation, member):
        response = getattr(client, method)(url, data)
        assert response.status_code == 403, f"{role} {method} {url}"
    assert _snapshot() == before
    assert "Structures" not in [entry["label"] for entry in client.get("/").context["nav_entries"]]


def test_anonymous_visitors_are_sent_to_login_and_nothing_changes(client):
    organisation = OrganisationFactory()
    member = UserFactory(organisation=organisation)
    before = _snapshot()
    for method, url, data in _pages(organisation, member):
        response = getattr(client, method)(url, data)
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))
    assert _snapshot() == before


def test_detail_offers_a_two_factor_reset_only_to_members_with_a_device(client, coordinator):
    from django_otp.plugins.otp_static.models import StaticDevice

    from tests.security.factories import TOTPDeviceFactory

    organisation = OrganisationFactory()
    app, codes, both, none = (UserFactory(organisation=organisation) for _ in range(4))
    TOTPDeviceFactory(user=app)
    StaticDevice.objects.create(user=codes, name="Codes de secours")
    TOTPDeviceFactory(user=both)
    StaticDevice.objects.create(user=both, name="Codes de secours")

    html = client.get(reverse("structures:detail", args=[organisation.pk])).content.decode()

    def reset_url(member):
        return reverse("structures:member_two_factor_reset", args=[organisation.pk, member.pk])

    assert all(reset_url(member) in html for member in (app, codes, both))
    assert html.count(reset_url(both)) == 1
    assert reset_url(none) not in html
