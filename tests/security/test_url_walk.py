"""Login required everywhere but on the listed public pages (config/public_urls.py), for every URL pattern of
config.urls — the apps, the admin, and any pattern added later, found by walking the resolver. The endpoints opened
by a token instead (the Workbench's upload) are listed apart: without a token they answer 401 in JSON."""

import json
from collections import defaultdict

import pytest
from django.urls import resolve

from config.public_urls import PUBLIC_URL_NAMES, TOKEN_URL_NAMES
from tests.security.urlwalk import all_routes, build_path

ROUTES = all_routes()
LOGIN_PREFIXES = ("/accounts/login/", "/admin/login/")


def test_the_walk_finds_the_apps_and_the_admin():
    names = {route.name for route in ROUTES}
    for expected in [
        "home",
        "accounts:login",
        "admin:index",
        "beneficiaries:detail",
        "equipment:detail",
        "donations:offer_tracking",
        "distributions:sheet",
        "structures:member_unlock",
    ]:
        assert expected in names
    assert len(ROUTES) > 150


def test_every_public_view_is_listed_and_every_listed_page_is_public():
    public = {route.name for route in ROUTES if route.is_public}
    listed = set(PUBLIC_URL_NAMES) | set(TOKEN_URL_NAMES)
    assert not set(PUBLIC_URL_NAMES) & set(TOKEN_URL_NAMES)
    assert public == listed, (
        f"Pages publiques non déclarées : {sorted(public - listed)} ; "
        f"déclarées mais protégées ou disparues : {sorted(listed - public)}"
    )


def test_no_view_serves_both_a_public_and_a_private_url():
    kinds = defaultdict(set)
    for route in ROUTES:
        kinds[route.view_key].add(route.is_public)
    shared = [view for view, seen in kinds.items() if seen == {True, False}]
    assert not shared, f"Vues servant à la fois une URL publique et une URL privée : {shared}"


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_anonymous_visitors_reach_the_login_page_and_never_content(client, walk_objects, route):
    path = build_path(route, walk_objects)
    assert resolve(path).func is route.callback, f"{path} n'atteint pas la vue de {route}"
    for method in ("get", "post"):
        response = getattr(client, method)(path)
        if route.name in TOKEN_URL_NAMES:
            # Not a page: no login redirect, no content; a JSON refusal.
            assert response.status_code in {401, 405}, f"{method.upper()} {path} : {response.status_code}"
            assert response["Content-Type"].startswith("application/json")
            assert set(json.loads(response.content)) == {"error", "details"}
            continue
        if route.is_public:
            assert response.status_code in {200, 404, 405, 429} or not response.url.startswith(LOGIN_PREFIXES)
            continue
        assert response.status_code == 302, f"{method.upper()} {path} : {response.status_code}"
        assert response.url.startswith(LOGIN_PREFIXES), f"{method.upper()} {path} -> {response.url}"
        assert b"<" not in response.content


def test_a_wrong_tracking_token_is_a_404(client, walk_objects):
    response = client.get("/dons/suivi/" + "x" * 43 + "/")
    assert response.status_code == 404
    assert walk_objects["offer"].reference not in response.content.decode()
