"""The Content Security Policy header is built once (security.middleware.ContentSecurityPolicyMiddleware) and is
byte for byte the header Django's own middleware sends, for the site's policy and for others: with a nonce,
report-only, a view's own policy, a header the view set itself, a setting changed by override_settings."""

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.middleware.csp import ContentSecurityPolicyMiddleware as DjangoMiddleware
from django.test import RequestFactory, override_settings
from django.urls import reverse
from django.utils.csp import CSP, build_policy

from security.middleware import ContentSecurityPolicyMiddleware

HEADERS = (CSP.HEADER_ENFORCE, CSP.HEADER_REPORT_ONLY)


def csp_headers(middleware_class, prepare=None, *, use_nonce=False) -> dict[str, str | None]:
    """The CSP headers one middleware puts on a view's response (the view may read the nonce or set headers)."""

    def view(request):
        response = HttpResponse("ok")
        if use_nonce:
            response.content = f"nonce {request._csp_nonce}".encode()
        if prepare:
            prepare(response)
        return response

    request = RequestFactory().get("/")
    response = middleware_class(view)(request)
    return {str(header): response.headers.get(header) for header in HEADERS}


def both(prepare=None, *, use_nonce=False):
    """(Django's headers, ours) for the same view."""
    return tuple(
        csp_headers(middleware, prepare, use_nonce=use_nonce)
        for middleware in (DjangoMiddleware, ContentSecurityPolicyMiddleware)
    )


def test_the_site_policy_is_the_header_django_builds():
    django, ours = both()
    assert ours == django
    assert ours[CSP.HEADER_ENFORCE] == build_policy(settings.SECURE_CSP)
    assert ours[CSP.HEADER_REPORT_ONLY] is None


@pytest.mark.parametrize(
    "policy",
    [
        {"default-src": [CSP.SELF], "img-src": {"data:", CSP.SELF, "https:"}, "upgrade-insecure-requests": True},
        {"default-src": CSP.NONE, "script-src": (CSP.SELF, "https://cdn.example.org"), "frame-src": None},
        {"default-src": [CSP.SELF], "sandbox": False, "style-src": []},
    ],
)
def test_other_policies_and_report_only_are_the_headers_django_builds(policy):
    with override_settings(SECURE_CSP=policy, SECURE_CSP_REPORT_ONLY={**policy, "report-uri": "/csp/"}):
        django, ours = both()
        assert ours == django
        assert ours[CSP.HEADER_ENFORCE] == build_policy(policy)
        assert ours[CSP.HEADER_REPORT_ONLY] == build_policy({**policy, "report-uri": "/csp/"})


def test_a_changed_setting_is_sent_at_once():
    csp_headers(ContentSecurityPolicyMiddleware)  # the site's policy is built and kept
    with override_settings(SECURE_CSP={"default-src": [CSP.NONE]}):
        assert csp_headers(ContentSecurityPolicyMiddleware)[CSP.HEADER_ENFORCE] == "default-src 'none'"
    assert csp_headers(ContentSecurityPolicyMiddleware)[CSP.HEADER_ENFORCE] == build_policy(settings.SECURE_CSP)


@override_settings(SECURE_CSP={"default-src": [CSP.SELF], "script-src": [CSP.SELF, CSP.NONCE]})
def test_a_policy_with_a_nonce_carries_each_request_its_own():
    used = [csp_headers(ContentSecurityPolicyMiddleware, use_nonce=True)[CSP.HEADER_ENFORCE] for _ in range(2)]
    assert all("'nonce-" in header for header in used) and used[0] != used[1]
    # Unused, the nonce is left out, as Django does.
    django, ours = both()
    assert ours == django and "nonce" not in ours[CSP.HEADER_ENFORCE]


def test_a_view_own_policy_or_header_is_kept():
    def own_policy(response):
        response._csp_config = {"default-src": [CSP.NONE]}

    def own_header(response):
        response.headers[CSP.HEADER_ENFORCE] = "default-src 'self' https://maps.example.org"

    for prepare in (own_policy, own_header):
        django, ours = both(prepare)
        assert ours == django
    assert both(own_policy)[1][CSP.HEADER_ENFORCE] == "default-src 'none'"
    assert both(own_header)[1][CSP.HEADER_ENFORCE] == "default-src 'self' https://maps.example.org"


@pytest.mark.django_db
def test_pages_carry_the_site_policy(client):
    response = client.get(reverse("accounts:login"))
    assert response.headers[CSP.HEADER_ENFORCE] == build_policy(settings.SECURE_CSP)
