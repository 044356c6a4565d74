"""The table of who may do what (accounts/permissions.py) is the only rule: every page is behind its one access check,
and a change of the table moves the pages, the menu and the admin together."""

import dataclasses

import pytest
from django.urls import reverse

from accounts.permissions import ACCESS, Capability, may, permissions_for_role
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.security.conftest import walk_objects  # noqa: F401 - the fixture the URL walk uses
from tests.security.urlwalk import all_routes, build_path

LOGIN_PREFIXES = ("/accounts/login/", "/admin/login/")


def _is_admin(route) -> bool:
    return route.name.split(":")[0] == "admin"


def test_every_page_that_needs_an_account_is_behind_the_one_access_check():
    """A new view without @access_required (and outside the admin, which has its own check) fails here."""
    unguarded, unknown = [], []
    for route in all_routes():
        if route.is_public or _is_admin(route):
            continue
        capability = getattr(route.callback, "access_capability", None)
        if capability is None:
            unguarded.append(str(route))
        elif capability not in ACCESS:
            unknown.append(f"{route} ({capability})")
    assert not unguarded, f"Vues sans @access_required : {unguarded}"
    assert not unknown, f"Capacités absentes de la table : {unknown}"


@pytest.fixture
def people(walk_objects):  # noqa: F811
    return {
        "coordination": walk_objects["coordinator"],
        "technicien": UserFactory(username="tech-walk", technician=True),
        "prescripteur": walk_objects["member"],
        "partenaire": UserFactory(username="partner-walk", organisation=OrganisationFactory(partner=True)),
        "sans rôle": UserFactory(username="no-role", organisation=None),
    }


@pytest.mark.django_db
def test_each_page_refuses_exactly_the_roles_the_table_leaves_out(client, walk_objects, people):  # noqa: F811
    """Every guarded URL, as every role: a 403 for the roles without the page's capability (POST, and GET unless the
    page answers POST only), never a 403 for the others."""
    checked, wrong = 0, []
    for route in all_routes():
        capability = getattr(route.callback, "access_capability", None)
        if capability is None or route.name in {"accounts:logout"}:
            continue
        path = build_path(route, walk_objects)
        for role, user in people.items():
            client.force_login(user)
            allowed = may(user, capability)
            for method in ("get", "post") if not allowed else ("get",):
                status = getattr(client, method)(path).status_code
                # A page answering POST only may say 405 to a GET before asking who is there.
                refused = status == 403 or (status == 405 and method == "get" and not allowed)
                if refused == allowed:
                    wrong.append(f"{method.upper()} {path} en {role} : {status}")
                checked += 1
    assert checked > 300
    assert not wrong, "\n".join(wrong)


@pytest.mark.django_db
def test_every_admin_page_sends_a_signed_in_member_without_the_admin_to_its_login(client, walk_objects, people):  # noqa: F811
    """The admin's pages are guarded by the admin site (is_staff, then the table's model permissions): a prescriber
    signed in on the site reaches none of them, custom admin URLs included."""
    client.force_login(people["prescripteur"])
    admin_routes = [route for route in all_routes() if _is_admin(route) and not route.is_public]
    for route in admin_routes:
        response = client.get(build_path(route, walk_objects))
        if route.name == "admin:logout":
            continue
        assert response.status_code == 302 and response.url.startswith("/admin/login/"), (str(route), response)
    assert len(admin_routes) > 100


# --- The table drives the page, the menu and the admin ----------------------------------------------------------


def _without(capability: Capability, role) -> dataclasses.replace:
    access = ACCESS[capability]
    return dataclasses.replace(access, roles=access.roles - {role})


@pytest.mark.django_db
def test_taking_a_capability_from_a_role_closes_its_pages_its_menu_entry_and_its_admin(client, monkeypatch):
    technician = UserFactory(technician=True)
    client.force_login(technician)
    assert client.get(reverse("equipment:list")).status_code == 200
    assert client.get(reverse("admin:equipment_item_changelist")).status_code == 200
    assert "Matériel" in [entry["label"] for entry in client.get(reverse("donations:list")).context["nav_entries"]]

    monkeypatch.setitem(ACCESS, Capability.EQUIPMENT, _without(Capability.EQUIPMENT, technician.role))

    assert client.get(reverse("equipment:list")).status_code == 403
    assert client.get(reverse("equipment:scan")).status_code == 403
    assert client.get(reverse("admin:equipment_item_changelist")).status_code == 403
    assert "Matériel" not in [entry["label"] for entry in client.get(reverse("donations:list")).context["nav_entries"]]
    assert client.get(reverse("donations:list")).status_code == 200  # its other capabilities are untouched


@pytest.mark.django_db
def test_giving_a_capability_to_a_role_opens_its_pages_and_its_menu_entry(client, monkeypatch):
    partner = UserFactory(partner=True)
    client.force_login(partner)
    assert client.get(reverse("dashboard:index")).status_code == 403
    access = ACCESS[Capability.DASHBOARD]
    monkeypatch.setitem(ACCESS, Capability.DASHBOARD, dataclasses.replace(access, roles=access.roles | {partner.role}))

    response = client.get(reverse("dashboard:index"))

    assert response.status_code == 200
    assert "Tableau de bord" in [entry["label"] for entry in response.context["nav_entries"]]


@pytest.mark.django_db
def test_the_admins_model_permissions_come_from_the_table(client, monkeypatch):
    coordinator = UserFactory(coordination=True)
    client.force_login(coordinator)
    assert client.get(reverse("admin:accounts_organisation_changelist")).status_code == 200
    access = ACCESS[Capability.ORGANISATIONS]
    monkeypatch.setitem(ACCESS, Capability.ORGANISATIONS, dataclasses.replace(access, models={}))

    assert client.get(reverse("admin:accounts_organisation_changelist")).status_code == 403
    assert "accounts.view_organisation" not in permissions_for_role(coordinator.role)


@pytest.mark.django_db
def test_coordination_corrects_communes_and_qpv_in_the_admin(client):
    """The territory's models have their own app: their permissions are named territory.*, not beneficiaries.*."""
    client.force_login(UserFactory(coordination=True))
    assert client.get(reverse("admin:territory_commune_changelist")).status_code == 200
    assert client.get(reverse("admin:territory_qpv_changelist")).status_code == 200
    technician = UserFactory(technician=True)
    client.force_login(technician)
    assert client.get(reverse("admin:territory_commune_changelist")).status_code == 403


def test_every_model_permission_of_the_table_names_a_real_model():
    from django.apps import apps

    for capability, access in ACCESS.items():
        for app_label, models in access.models.items():
            for model in models:
                assert apps.get_model(app_label, model), f"{capability}: {app_label}.{model}"


def test_the_menu_shows_each_role_the_pages_the_table_opens_to_it():
    expected = {
        "coordination": ["Matériel", "Dons", "Foyers", "Tableau de bord", "Distributions", "Structures", "Travaux"],
        "technicien": ["Matériel", "Dons", "Tableau de bord"],
        "prescripteur": ["Foyers", "Tableau de bord", "Distributions"],
        "partenaire": ["Distributions"],
    }
    from accounts.context_processors import _nav_pages

    for role, labels in expected.items():
        assert [label for label, _, capability in _nav_pages() if role in ACCESS[capability].roles] == labels


def test_the_developer_guide_shows_every_capability_with_its_roles():
    """docs/developing.md lists the table for people: a capability added or moved here is written there too."""
    from pathlib import Path

    from accounts.enums import Role

    guide = Path(__file__).resolve().parents[2] / "docs" / "developing.md"
    lines = {line.split("|")[1].strip(" `"): line for line in guide.read_text().splitlines() if line.startswith("| `")}
    for capability, access in ACCESS.items():
        assert capability.value in lines, f"{capability} absente de docs/developing.md"
        roles = lines[capability.value].split("|")[2]
        if access.every_account:
            assert "tout compte" in roles
            continue
        named = {role for role in Role if role.label.lower() in roles}
        assert named == set(access.roles), f"{capability} : {roles.strip()}"
