"""Security headers on every page (the URL walk, signed in as coordination with the second factor), and on the
public pages for anonymous visitors: CSP without inline scripts and without framing, nosniff, referrer policy,
HSTS, and no caching of anything a signed-in person sees."""

import pytest

from tests.security.urlwalk import all_routes, build_path

ROUTES = all_routes()


def directives(response) -> dict[str, list[str]]:
    policy = response.headers["Content-Security-Policy"]
    parsed = {}
    for directive in policy.split(";"):
        name, *values = directive.split()
        parsed[name] = values
    return parsed


def assert_common_headers(response, path):
    csp = directives(response)
    assert csp["frame-ancestors"] == ["'none'"], path
    assert "'unsafe-inline'" not in csp["script-src"] and "'unsafe-eval'" not in csp["script-src"], path
    assert csp["default-src"] == ["'self'"] and csp["object-src"] == ["'none'"], path
    assert response.headers["X-Content-Type-Options"] == "nosniff", path
    assert response.headers["X-Frame-Options"] == "DENY", path
    assert response.headers["Referrer-Policy"] in {"same-origin", "no-referrer"}, path
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000"), path


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_every_page_seen_by_coordination_carries_the_security_headers_and_is_never_cached(client, walk_objects, route):
    client.force_login(walk_objects["coordinator"])
    path = build_path(route, walk_objects)
    response = client.get(path, secure=True)
    assert response.status_code < 500, f"{path} : erreur {response.status_code}"
    assert_common_headers(response, path)
    cache_control = response.headers.get("Cache-Control", "")
    assert "no-store" in cache_control and "private" in cache_control, f"{path} : Cache-Control « {cache_control} »"


@pytest.mark.parametrize("route", [route for route in ROUTES if route.is_public], ids=str)
def test_public_pages_carry_the_security_headers(client, walk_objects, route):
    response = client.get(build_path(route, walk_objects), secure=True)
    assert_common_headers(response, route.route)


def test_pages_have_no_inline_script_nor_event_handler_attribute(client, walk_objects):
    """The CSP would block them: every script is a static file."""
    import re

    client.force_login(walk_objects["coordinator"])
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
    handler = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
    for route in ROUTES:
        response = client.get(build_path(route, walk_objects))
        if "text/html" not in response.headers.get("Content-Type", ""):
            continue
        html = response.content.decode()
        scripts = [tag for tag in inline_script.findall(html) if "application/json" not in tag]
        assert not scripts, f"{route} : script en ligne {scripts[:2]}"
        assert not handler.search(html), f"{route} : attribut on…= {handler.search(html).group(0)[:120]}"
