"""Who may open which household page and do what: roles × pages × actions, and nothing changes on refusal."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from beneficiaries.models import Certification, DuplicateConfirmation, Household, PeriodOverride
from tests.accounts.factories import UserFactory
from tests.beneficiaries.factories import CertificationFactory, HouseholdFactory
from tests.distributions.factories import InvitationFactory

ROLES = ["coordination", "technicien", "prescripteur_a", "prescripteur_b", "partenaire", "anonyme"]


@pytest.fixture
def users(prescriber_a, prescriber_b, coordinator):
    return {
        "coordination": coordinator,
        "technicien": UserFactory(technician=True),
        "prescripteur_a": prescriber_a,
        "prescripteur_b": prescriber_b,
        "partenaire": UserFactory(partner=True),
        "anonyme": None,
    }


@pytest.fixture
def household(prescriber_a):
    """A household of structure A, equipped last year (so that an override makes sense)."""
    return HouseholdFactory(
        last_name="Original",
        structure=prescriber_a.organisation,
        created_by=prescriber_a,
        certified=True,
        equipped_on=datetime.date.today() - datetime.timedelta(days=200),
    )


def snapshot(household):
    household.refresh_from_db()
    return (
        Household.objects.count(),
        Certification.objects.count(),
        PeriodOverride.objects.count(),
        household.last_name,
    )


CREATE = {
    "last_name": "Nouveau",
    "first_name": "Foyer",
    "birth_date": "1985-01-01",
    "address": "5 rue Zola",
    "commune": "Raismes",
    "size": "1",
    "criteria": ["rsa"],
    "proof_seen": "on",
    "data_notice_given": "on",
}
EDIT = {
    "last_name": "Modifié",
    "first_name": "Martine",
    "birth_date": "1980-05-17",
    "address": "9 rue Zola",
    "commune": "Raismes",
    "size": "2",
    "version": "1",  # the page's hidden version: a fresh household's
}
RENEW = {"criteria": ["aah"], "proof_seen": "on", "data_notice_given": "on"}
OVERRIDE = {"reason": "Matériel volé, plainte déposée"}

# action: (method, url name, needs the household, data, expected status by role)
MATRIX = {
    "liste": ("get", "list", False, None, [200, 403, 200, 200, 403, 302]),
    "formulaire d'inscription": ("get", "create", False, None, [403, 403, 200, 200, 403, 302]),
    "inscrire": ("post", "create", False, CREATE, [403, 403, 302, 302, 403, 302]),
    "fiche": ("get", "detail", True, None, [200, 403, 200, 404, 403, 302]),
    "formulaire de modification": ("get", "edit", True, None, [200, 403, 200, 404, 403, 302]),
    "modifier": ("post", "edit", True, EDIT, [302, 403, 302, 404, 403, 302]),
    "formulaire de renouvellement": ("get", "renew", True, None, [403, 403, 200, 404, 403, 302]),
    "renouveler": ("post", "renew", True, RENEW, [403, 403, 302, 404, 403, 302]),
    "dérogation": ("post", "override", True, OVERRIDE, [302, 403, 403, 403, 403, 302]),
}
CASES = [
    (action, role, expected[index]) for action, (*_, expected) in MATRIX.items() for index, role in enumerate(ROLES)
]


@pytest.mark.parametrize(("action", "role", "expected"), CASES, ids=[f"{a}-{r}" for a, r, _ in CASES])
def test_permission_matrix(client, users, household, action, role, expected):
    method, name, with_household, data, _ = MATRIX[action]
    url = reverse(f"beneficiaries:{name}", args=[household.pk] if with_household else [])
    if users[role] is not None:
        client.force_login(users[role])
    before = snapshot(household)

    response = getattr(client, method)(url, data or {})

    assert response.status_code == expected
    if role == "anonyme":
        assert response.url.startswith(reverse("accounts:login"))
    if method == "post" and expected != 302 or role == "anonyme":
        assert snapshot(household) == before
    elif method == "post":
        assert snapshot(household) != before


def test_refused_pages_show_no_personal_data_or_criteria(client, users, household):
    for role in ["technicien", "partenaire", "prescripteur_b"]:
        client.force_login(users[role])
        html = client.get(reverse("beneficiaries:detail", args=[household.pk])).content.decode()
        assert "ORIGINAL" not in html and "RSA" not in html


def test_the_households_entry_is_in_the_menu_of_coordination_and_prescribers_only(client, users):
    for role, shown in [
        ("coordination", True),
        ("prescripteur_a", True),
        ("technicien", False),
        ("partenaire", False),
    ]:
        client.force_login(users[role])
        html = client.get(reverse("home")).content.decode()
        assert (f'href="{reverse("beneficiaries:list")}"' in html) is shown, role


def test_coordination_sees_every_structure_and_filters_by_structure(client, users, prescriber_b, household):
    other = HouseholdFactory(last_name="Ailleurs", structure=prescriber_b.organisation)
    client.force_login(users["coordination"])

    everything = client.get(reverse("beneficiaries:list")).content.decode()
    only_b = client.get(reverse("beneficiaries:list"), {"structure": prescriber_b.organisation.pk}).content.decode()

    assert str(household) in everything and str(other) in everything
    assert str(other) in only_b and str(household) not in only_b


def test_a_prescriber_cannot_filter_on_another_structure(client, users, prescriber_b, household):
    HouseholdFactory(last_name="Ailleurs", structure=prescriber_b.organisation)
    client.force_login(users["prescripteur_a"])

    html = client.get(reverse("beneficiaries:list"), {"structure": prescriber_b.organisation.pk}).content.decode()

    assert "AILLEURS" not in html and str(household) in html


# --- Query counts --------------------------------------------------------------------------------------------

QUERY_BUDGET = 10
# Filters, and a first household they show (an empty list skips the query for its rows' invitations).
LIST_FILTERS = {
    "sans filtre": ({}, {"certified": True}),
    "éligibles expirant bientôt, par nom": ({"status": "eligible", "q": "lef", "expiring": "on"}, {"certified": True}),
    "invités": ({"status": "invited"}, {"invited": True}),
    "expirés d'une commune": ({"status": "expired", "commune": "raismes"}, {"expired": True}),
    "page 2": ({"page": "2"}, {"certified": True}),
}


def count_queries(client, url, params=None):
    client.get(url, params or {})  # warm: the session's periodic refresh and caches are not the page's
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(context.captured_queries)


def _more_households(structure, count):
    """Every status, beyond one page of the list (25 rows)."""
    HouseholdFactory.create_batch(count, structure=structure, certified=True)
    HouseholdFactory.create_batch(4, structure=structure, expired=True)
    HouseholdFactory.create_batch(3, structure=structure, equipped=True)
    HouseholdFactory.create_batch(2, structure=structure)
    for _ in range(3):
        InvitationFactory(household=HouseholdFactory(structure=structure, certified=True))


@pytest.mark.parametrize("role", ["prescripteur_a", "coordination"])
@pytest.mark.parametrize("case", LIST_FILTERS)
def test_the_list_costs_the_same_queries_with_1_or_40_households(client, users, prescriber_a, raismes, role, case):
    params, first = LIST_FILTERS[case]
    params = {key: raismes.pk if value == "raismes" else value for key, value in params.items()}
    client.force_login(users[role])
    household = HouseholdFactory(
        structure=prescriber_a.organisation,
        commune=raismes,
        certified=first.get("certified", False),
        expired=first.get("expired", False),
    )
    if first.get("invited"):
        InvitationFactory(household=household)
    url = reverse("beneficiaries:list")
    with_one = count_queries(client, url, {key: value for key, value in params.items() if key != "page"})

    _more_households(prescriber_a.organisation, 28)

    assert count_queries(client, url, params) == with_one
    assert with_one <= QUERY_BUDGET


def test_the_detail_page_costs_the_same_queries_with_1_or_6_certifications(client, users, household):
    client.force_login(users["prescripteur_a"])
    url = reverse("beneficiaries:detail", args=[household.pk])
    with_one = count_queries(client, url)

    CertificationFactory.create_batch(5, household=household)

    assert count_queries(client, url) == with_one
    assert with_one <= QUERY_BUDGET


def test_the_detail_page_for_coordination_stays_within_budget_with_everything_on_it(client, users, household):
    """The fullest household page: coordination (second factor), equipped with an override waiting, invitations,
    duplicates confirmed, many certifications."""
    client.force_login(users["coordination"])
    url = reverse("beneficiaries:detail", args=[household.pk])
    client.post(reverse("beneficiaries:override", args=[household.pk]), OVERRIDE)
    with_few = count_queries(client, url)

    CertificationFactory.create_batch(5, household=household)
    for _ in range(3):
        InvitationFactory(household=household, status="absent")
    other = HouseholdFactory()
    for _ in range(2):
        confirmation = DuplicateConfirmation.objects.create(
            household=household, confirmed_by=users["prescripteur_a"], reason="Homonyme vérifié"
        )
        confirmation.similar_to.add(other)

    assert count_queries(client, url) == with_few
    assert with_few <= QUERY_BUDGET


def test_in_the_admin_coordination_reads_households_and_technicians_see_none(client, users, household):
    url = reverse("admin:beneficiaries_household_changelist")

    client.force_login(users["coordination"])
    assert client.get(url).status_code == 200
    assert client.get(reverse("admin:beneficiaries_household_change", args=[household.pk])).status_code == 200
    assert client.post(reverse("admin:beneficiaries_household_delete", args=[household.pk])).status_code == 403

    client.force_login(users["technicien"])
    assert client.get(url).status_code == 403
    assert "beneficiaries" not in client.get(reverse("admin:index")).content.decode()
