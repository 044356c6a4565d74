"""Accounts in the admin: shown to coordination, written by nobody (accounts/admin.py).

Every accounts page of the admin (list, change, add, delete, password, history; the groups' pages) answers each
role as written below, and every escalation field posted to any of them changes nothing: no superuser, no staff
flag, no group, no permission, no move to another structure, no password set for someone else.
"""

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.urls import reverse

from accounts import services
from accounts.models import Organisation, User
from tests.accounts.factories import OrganisationFactory, UserFactory

PASSWORD = "motdepasse-solide-2026"
NEW_PASSWORD = "Pris-par-l-attaquant-2026!"

ROLES = {
    "coordination": {"coordination": True},
    "superutilisateur": {"coordination": True, "is_superuser": True},
    "technicien": {"technician": True},
    "prescripteur": {"prescriber": True},
    "partenaire": {"partner": True},
}


@pytest.fixture
def world():
    victim_structure = OrganisationFactory(name="CCAS de Raismes")
    other_structure = OrganisationFactory(name="CCAS de Denain")
    victim = UserFactory(username="prescripteur-raismes", organisation=victim_structure)
    colleague = UserFactory(username="autre-coordinatrice", coordination=True)
    return {"victim": victim, "colleague": colleague, "other_structure": other_structure}


def _pages(world) -> dict[str, str]:
    victim, structure = world["victim"], world["victim"].organisation
    return {
        "user_list": reverse("admin:accounts_user_changelist"),
        "user_change": reverse("admin:accounts_user_change", args=[victim.pk]),
        "user_add": reverse("admin:accounts_user_add"),
        "user_delete": reverse("admin:accounts_user_delete", args=[victim.pk]),
        "user_password": f"/admin/accounts/user/{victim.pk}/password/",
        "user_history": reverse("admin:accounts_user_history", args=[victim.pk]),
        "organisation_list": reverse("admin:accounts_organisation_changelist"),
        "organisation_change": reverse("admin:accounts_organisation_change", args=[structure.pk]),
        "organisation_add": reverse("admin:accounts_organisation_add"),
        "organisation_delete": reverse("admin:accounts_organisation_delete", args=[structure.pk]),
        "organisation_history": reverse("admin:accounts_organisation_history", args=[structure.pk]),
        "group_list": "/admin/auth/group/",
        "group_add": "/admin/auth/group/add/",
    }


SHOWN = {"user_list", "user_change", "user_history", "organisation_list", "organisation_change",
         "organisation_history"}  # fmt: skip
REFUSED = {"user_add", "user_delete", "organisation_add", "organisation_delete"}
# What each page answers a GET, by role: coordination reads, nobody writes, non-admin accounts go to the login.
EXPECTED = {
    "coordination": {**dict.fromkeys(SHOWN, 200), **dict.fromkeys(REFUSED, 403), "user_password": 302,
                     "group_list": 404, "group_add": 404},
    "technicien": {**dict.fromkeys(SHOWN | REFUSED, 403), "user_password": 302, "group_list": 404, "group_add": 404},
    "prescripteur": dict.fromkeys([*SHOWN, *REFUSED, "user_password", "group_list", "group_add"], 302),
}  # fmt: skip
EXPECTED["superutilisateur"] = EXPECTED["coordination"]
EXPECTED["partenaire"] = EXPECTED["prescripteur"]


@pytest.mark.parametrize("role", ROLES)
def test_every_accounts_page_of_the_admin_answers_each_role_as_specified(client, world, role):
    client.force_login(UserFactory(**ROLES[role]))
    answers = {name: client.get(url).status_code for name, url in _pages(world).items()}
    assert answers == EXPECTED[role]
    if role in {"prescripteur", "partenaire"}:
        assert client.get(_pages(world)["user_list"]).url.startswith(reverse("admin:login"))


def _snapshot() -> dict:
    return {
        "users": sorted(
            User.objects.values_list(
                "username", "is_superuser", "is_staff", "is_active", "organisation_id", "password", "first_name"
            )
        ),
        "organisations": sorted(Organisation.objects.values_list("pk", "name", "kind", "is_active")),
        "groups": Group.objects.count(),
        "user_groups": User.groups.through.objects.count(),
        "user_permissions": User.user_permissions.through.objects.count(),
    }


def _escalation_posts(world) -> list[tuple[str, dict]]:
    victim, colleague = world["victim"], world["colleague"]
    permission = Permission.objects.get(codename="view_household")
    escalation = {
        "username": "prescripteur-raismes",
        "first_name": "Renommé",
        "last_name": "Durand",
        "email": "x@example.org",
        "is_active": "on",
        "is_staff": "on",
        "is_superuser": "on",
        "organisation": world["other_structure"].pk,
        "groups": "1",
        "user_permissions": permission.pk,
        "is_demo": "",
        "date_joined_0": "01/01/2026",
        "date_joined_1": "10:00:00",
    }
    pages = _pages(world)
    return [
        (pages["user_change"], escalation),
        (reverse("admin:accounts_user_change", args=[colleague.pk]), {**escalation, "username": colleague.username}),
        (pages["user_add"], {**escalation, "username": "nouveau-super", "password1": NEW_PASSWORD,
                             "password2": NEW_PASSWORD}),
        (pages["user_password"], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}),
        (f"/admin/accounts/user/{colleague.pk}/password/", {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}),
        (pages["user_delete"], {"post": "yes"}),
        (pages["organisation_change"], {"name": "Renommée", "kind": "coordination", "is_active": "on"}),
        (pages["organisation_add"], {"name": "Nouvelle", "kind": "coordination", "is_active": "on"}),
        (pages["organisation_delete"], {"post": "yes"}),
        (pages["group_add"], {"name": "admins", "permissions": permission.pk}),
        (reverse("admin:accounts_user_changelist"),
         {"action": "delete_selected", "_selected_action": [victim.pk], "post": "yes"}),
    ]  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
def test_every_escalation_field_posted_to_the_admin_changes_nothing(client, world, role):
    attacker = UserFactory(**ROLES[role])
    client.force_login(attacker)
    # The attacker's own account too: make itself superuser, staff, member of another structure.
    own = {"username": attacker.username, "is_superuser": "on", "is_staff": "on", "is_active": "on",
           "organisation": world["other_structure"].pk}  # fmt: skip
    posts = [*_escalation_posts(world), (reverse("admin:accounts_user_change", args=[attacker.pk]), own)]
    before = _snapshot()

    answers = [client.post(url, data).status_code for url, data in posts]

    assert _snapshot() == before
    assert all(status in {200, 302, 403, 404} for status in answers), str(answers)  # 200: the list shown again
    assert not client.login(username="prescripteur-raismes", password=NEW_PASSWORD)


def test_the_read_only_user_page_offers_no_field_and_points_to_structures(client, world):
    client.force_login(UserFactory(coordination=True))
    html = client.get(_pages(world)["user_change"]).content.decode()
    for field in ("is_superuser", "is_staff", "groups", "user_permissions", "organisation", "password"):
        assert f'name="{field}' not in html
    assert "pbkdf2" not in html and "argon2" not in html and "md5" not in html
    assert reverse("structures:detail", args=[world["victim"].organisation_id]) in html


def test_the_history_of_an_account_shows_what_structures_did(client, world):
    coordinator = UserFactory(coordination=True)
    victim = world["victim"]
    services.member_deactivate(member=victim, by=coordinator)
    services.member_reactivate(member=victim, by=coordinator)
    client.force_login(coordinator)

    html = client.get(_pages(world)["user_history"]).content.decode()

    assert "Compte désactivé depuis Structures" in html and "Compte réactivé depuis Structures" in html
    assert LogEntry.objects.filter(object_id=str(victim.pk), user=coordinator).count() == 2


def test_structures_pages_log_each_change_with_its_author(client):
    coordinator = UserFactory(coordination=True)
    client.force_login(coordinator)
    client.post(reverse("structures:create"), {"name": "CCAS de Wallers", "kind": "structure"})
    organisation = Organisation.objects.get(name="CCAS de Wallers")
    client.post(
        reverse("structures:member_create", args=[organisation.pk]),
        {"username": "cdupont", "first_name": "Claire", "last_name": "Dupont", "email": "c@example.org",
         "password": PASSWORD + "X", "password_confirm": PASSWORD + "X"},
    )  # fmt: skip
    client.post(reverse("structures:deactivate", args=[organisation.pk]), {"confirm": "1"})

    entries = LogEntry.objects.filter(user=coordinator).order_by("action_time", "pk")
    messages = list(entries.values_list("change_message", flat=True))
    assert messages == [
        "Organisation créée (Structure prescriptrice) depuis Structures.",
        "Compte créé dans « CCAS de Wallers » depuis Structures.",
        "Membre ajouté depuis Structures : cdupont.",
        "Désactivée depuis Structures ; sessions de ses membres fermées : 0.",
    ]


@pytest.mark.second_factor_manual
def test_a_superuser_comes_from_the_server_and_passes_the_second_factor_like_everyone(client):
    call_command("createsuperuser", username="racine", email="racine@example.org", interactive=False)
    root = User.objects.get(username="racine")
    root.set_password(PASSWORD)
    root.save()

    client.post(reverse("accounts:login"), {"username": "racine", "password": PASSWORD})
    response = client.get(reverse("admin:index"))

    assert response.status_code == 302 and response.url.startswith(reverse("security:two_factor"))
