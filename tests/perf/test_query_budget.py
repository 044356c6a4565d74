"""Every page, a query budget: the number of SQL queries of each page does not grow with the rows it shows, and
stays at or under QUERY_BUDGET (a few pages, named below with the reason, are allowed more).

The walk covers every GET URL pattern of config.urls (the apps and the Django admin, found by walking the resolver as
tests/security does): each page is requested once in a small world (a few households in the structure, a few
certifications of the walked household, items in the donation, invitations to the event, members, offers, events)
by the first role that may see it, then again after twelve more of each. Both counts must be equal and within the
budget.
"""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.accounts.factories import UserFactory
from tests.beneficiaries.factories import CertificationFactory, HouseholdFactory
from tests.distributions.events.helpers import invitation_with_pack
from tests.distributions.factories import EventFactory
from tests.donations.factories import DonationOfferFactory
from tests.equipment.factories import ItemFactory
from tests.security.conftest import walk_objects  # noqa: F401 - the fixture the URL walk uses
from tests.security.urlwalk import all_routes, build_path

QUERY_BUDGET = 10

# Pages allowed more than QUERY_BUDGET queries, and why. Each still must not grow with its rows.
OVER_BUDGET = {
    # The right-of-access export gathers every kind of record held about one household: the household, its
    # certifications, overrides, duplicate confirmations, invitations and access log, one query per kind.
    "privacy:export_json": (12, "droit d'accès : une requête par sorte de donnée"),
    "privacy:export_pdf": (12, "droit d'accès : une requête par sorte de donnée"),
}

# Not pages: views that only answer POST, log out, or redirect elsewhere.
NOT_PAGES = {"accounts:logout", "admin:logout", "admin:view_on_site", "admin:jsi18n", "admin:autocomplete"}

FEW, MANY = 2, 12


def _world_grow(objects: dict, rows: int) -> None:
    """`rows` more of everything the walked pages list, attached to the walked objects."""
    structure, member = objects["organisation"], objects["member"]
    coordinator, event, donation = objects["coordinator"], objects["event"], objects["donation"]
    for _ in range(rows):
        HouseholdFactory(structure=structure, created_by=member, certified=True)
        UserFactory(organisation=structure)
        ItemFactory(donation=donation)
        DonationOfferFactory()
        EventFactory(created_by=coordinator)
        invitation_with_pack(coordinator, event=event)
    for days in range(1, rows + 1):
        CertificationFactory(
            household=objects["household"],
            certified_on=datetime.date.today() - datetime.timedelta(days=days * 200),
            expires_on=datetime.date.today() - datetime.timedelta(days=days * 200 - 182),
        )


ROLES = ("coordinator", "technician", "member", "partner", None)


def _clients(objects: dict) -> dict:
    technician = UserFactory(username="tech-budget", technician=True)
    partner = (
        UserFactory(username="partner-budget", organisation=objects["event"].partner)
        if objects["event"].partner_id
        else None
    )
    users = {"coordinator": objects["coordinator"], "technician": technician, "member": objects["member"]}
    if partner is not None:
        users["partner"] = partner
    clients = {None: Client()}
    for role, user in users.items():
        clients[role] = Client()
        clients[role].force_login(user)
    return clients


def _count(client: Client, path: str) -> tuple[int, int]:
    client.get(path)  # warm: first-request work (content types, caches) is not the page's
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    return response.status_code, len(captured.captured_queries)


def _pages(objects: dict) -> list[tuple[str, str]]:
    pages = []
    for route in all_routes():
        if route.name in NOT_PAGES:
            continue
        pages.append((route.name, build_path(route, objects)))
    return pages


@pytest.mark.django_db
def test_every_page_keeps_its_query_count_when_its_rows_grow_and_stays_within_budget(walk_objects, settings):  # noqa: F811
    # The session's expiry is written at most once a minute (SessionRefreshMiddleware): on a slow machine the walk
    # takes minutes, and that periodic write would land on whichever page comes next. Not the page's cost.
    settings.SESSION_REFRESH_SECONDS = 24 * 3600
    clients = _clients(walk_objects)
    _world_grow(walk_objects, FEW)  # no list empty: an empty page skips the queries that read its rows
    small = {}
    for name, path in _pages(walk_objects):
        for role in ROLES:
            if role not in clients:
                continue
            status, queries = _count(clients[role], path)
            if status == 200:
                small[name] = (role, path, queries)
                break
    assert len(small) > 60, f"trop peu de pages atteintes : {sorted(small)}"

    _world_grow(walk_objects, MANY)
    grown, over = [], []
    for name, (role, path, queries) in sorted(small.items()):
        status, after = _count(clients[role], path)
        assert status == 200, f"{name} {path} : {status} après croissance"
        if after != queries:
            grown.append(f"{name} ({path}, {role}) : {queries} → {after}")
        budget = OVER_BUDGET.get(name, (QUERY_BUDGET, ""))[0]
        if max(queries, after) > budget:
            over.append(f"{name} ({path}, {role}) : {max(queries, after)} > {budget}")
    assert not grown and not over, (
        "Requêtes qui grandissent avec les lignes :\n"
        + "\n".join(grown)
        + "\nPages au-dessus de leur budget de requêtes :\n"
        + "\n".join(over)
    )
