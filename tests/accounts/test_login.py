"""Login: who may enter, what they are told when refused, and what each role may do in the admin."""

import pytest
from django.urls import reverse

from accounts import services
from tests.accounts.factories import OrganisationFactory, UserFactory

PASSWORD = "motdepasse-solide-2026"
INVALID = "Nom d’utilisateur ou mot de passe incorrect."


def _login(client, username, password=PASSWORD):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_login_page_is_in_french_with_labelled_fields(client):
    content = client.get(reverse("accounts:login")).content.decode()
    assert '<html lang="fr">' in content
    assert 'for="id_username"' in content and "Nom d’utilisateur" in content
    assert 'for="id_password"' in content and "Mot de passe" in content
    assert 'autocomplete="current-password"' in content


def test_member_logs_in_and_goes_to_the_landing_page(client):
    UserFactory(username="smartin", prescriber=True)
    response = _login(client, "smartin")
    assert response.status_code == 302
    assert response.url == reverse("accounts:landing")


def test_wrong_password_and_unknown_username_get_the_same_answer(client):
    UserFactory(username="smartin", prescriber=True)
    wrong_password = _login(client, "smartin", "pas-le-bon-mot-de-passe")
    unknown = _login(client, "personne", "pas-le-bon-mot-de-passe")
    for response in (wrong_password, unknown):
        assert response.status_code == 200
        assert INVALID in response.content.decode()
        assert 'role="alert"' in response.content.decode()


def test_member_of_a_deactivated_organisation_cannot_log_in_and_is_told_why(client):
    organisation = OrganisationFactory(name="CCAS de Raismes")
    UserFactory(username="smartin", organisation=organisation)
    services.organisation_deactivate(organisation=organisation)

    response = _login(client, "smartin")

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "« CCAS de Raismes » est désactivée" in response.content.decode()


def test_deactivated_organisation_is_not_revealed_without_the_right_password(client):
    organisation = OrganisationFactory(name="CCAS de Raismes", is_active=False)
    UserFactory(username="smartin", organisation=organisation)
    content = _login(client, "smartin", "pas-le-bon-mot-de-passe").content.decode()
    assert INVALID in content
    assert "CCAS de Raismes" not in content


def test_deactivated_account_cannot_log_in_and_is_told_why(client):
    UserFactory(username="smartin", prescriber=True, is_active=False)
    response = _login(client, "smartin")
    assert "_auth_user_id" not in client.session
    assert "Ce compte est désactivé." in response.content.decode()


def test_deactivating_an_organisation_ends_its_members_open_sessions(client):
    member = UserFactory(prescriber=True)
    client.force_login(member)
    assert client.get(reverse("accounts:password_change")).status_code == 200

    services.organisation_deactivate(organisation=member.organisation)

    response = client.get(reverse("accounts:password_change"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_deactivating_a_member_ends_their_open_session(client):
    member = UserFactory(prescriber=True)
    client.force_login(member)
    services.member_deactivate(member=member)
    assert client.get(reverse("accounts:password_change")).status_code == 302


def test_demo_accounts_are_refused_outside_demo_mode(client, settings):
    settings.DEMO_MODE = False
    UserFactory(username="coordination", coordination=True, is_demo=True)
    response = _login(client, "coordination")
    assert "_auth_user_id" not in client.session
    assert "Les comptes de démonstration ne sont pas acceptés sur ce serveur." in response.content.decode()


def test_demo_accounts_are_accepted_in_demo_mode(client, settings):
    settings.DEMO_MODE = True
    UserFactory(username="coordination", coordination=True, is_demo=True)
    response = _login(client, "coordination")
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_member_changes_the_initial_password(client):
    member = UserFactory(username="smartin", prescriber=True)
    client.force_login(member)
    new_password = "nouvelle-phrase-2026-secrete"
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
        follow=True,
    )
    assert "Votre mot de passe a été changé." in response.content.decode()
    client.logout()
    assert client.login(username="smartin", password=new_password)
    assert not client.login(username="smartin", password=PASSWORD)


# --- role permissions (accounts/permissions.py through the backend) ---


def test_technician_may_change_items_in_the_admin(client):
    technician = UserFactory(technician=True)
    assert technician.has_perm("equipment.change_item")
    assert not technician.has_perm("accounts.change_organisation")
    client.force_login(technician)
    assert client.get(reverse("admin:index")).status_code == 200


def test_coordination_may_manage_items_and_only_read_accounts_in_the_admin():
    """Organisations and accounts are written on the Structures pages, never in the admin (see test_admin.py)."""
    coordinator = UserFactory(coordination=True)
    assert coordinator.has_perm("accounts.view_organisation") and coordinator.has_perm("accounts.view_user")
    assert not coordinator.has_perm("accounts.change_organisation") and not coordinator.has_perm("accounts.add_user")
    assert coordinator.has_perm("equipment.change_item")


@pytest.mark.parametrize("role", ["prescriber", "partner"])
def test_prescribers_and_partners_have_no_admin_access(client, role):
    member = services.member_create(
        organisation=OrganisationFactory(partner=role == "partner"),
        username="membre",
        first_name="Nadia",
        last_name="Haddad",
        email="n.haddad@example.org",
        password="cheval-agrafe-2026-lumiere",
    )
    assert not member.is_staff
    assert not member.has_perm("equipment.change_item")
    assert not member.has_module_perms("equipment")
    client.force_login(member)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
