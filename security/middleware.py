"""Request-wide protections: the second factor for accounts that need it, no caching of private pages, and the
Content Security Policy header built once rather than on every response."""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.middleware.csp import ContentSecurityPolicyMiddleware as DjangoContentSecurityPolicyMiddleware
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.csp import CSP, build_policy

from security.two_factor import two_factor_enrolled, two_factor_required

# Reachable before the second factor: the 2FA pages themselves and logging out.
OPEN_BEFORE_SECOND_FACTOR = frozenset({"security:two_factor", "security:two_factor_verify", "accounts:logout"})


class TwoFactorMiddleware:
    """Coordination and admin accounts reach nothing (admin included) until they typed a code from their app.

    Placed after django-otp's OTPMiddleware (which sets user.is_verified()) and LoginRequiredMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not two_factor_required(user) or user.is_verified():
            return None
        if request.resolver_match.view_name in OPEN_BEFORE_SECOND_FACTOR:
            return None
        name = "security:two_factor_verify" if two_factor_enrolled(user) else "security:two_factor"
        return redirect(f"{reverse(name)}?{urlencode({'next': request.get_full_path()})}")


class NoStoreMiddleware:
    """Pages seen by a signed-in person may hold personal data: browsers and proxies must not keep them
    (shared office PCs: the back button after logging out must not show a household)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response


SESSION_REFRESHED_KEY = "_refreshed_at"


class SessionRefreshMiddleware:
    """Keeps a signed-in session alive while it is used, writing it at most once every SESSION_REFRESH_SECONDS.

    The session row's expiry (now + SESSION_COOKIE_AGE) only moves when the session is saved; saving it on every
    page (SESSION_SAVE_EVERY_REQUEST) cost a transaction and a disk write per page. Here a page marks the session
    modified only when the last refresh is older than a minute: 30 idle minutes still end it, give or take one.
    Anonymous visitors without a session get none. Placed right after SessionMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.interval = settings.SESSION_REFRESH_SECONDS

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.session_key is None or session.modified or session.is_empty():
            return response
        refreshed_at = session.get(SESSION_REFRESHED_KEY, 0)  # loads the session (already read for a signed-in user)
        if session.session_key is None:  # the cookie named an expired or unknown session: nothing to keep alive
            return response
        now = int(time.time())
        if now - refreshed_at >= self.interval:
            session[SESSION_REFRESHED_KEY] = now
        return response


POLICY_SETTINGS = ((CSP.HEADER_ENFORCE, "SECURE_CSP"), (CSP.HEADER_REPORT_ONLY, "SECURE_CSP_REPORT_ONLY"))
# The policy header of a setting, built once: {setting name: (the setting's dict, its header string)}. The dict is
# kept beside its string so that an identity check is enough (override_settings hands over a new dict).
_built_policies: dict[str, tuple[dict, str]] = {}


@receiver(setting_changed)
def _forget_built_policies(*, setting, **kwargs):
    if setting in {name for _, name in POLICY_SETTINGS}:
        _built_policies.clear()


def _uses_nonce(config: dict) -> bool:
    return any(
        (isinstance(values, list | tuple | set) and CSP.NONCE in values) or values == CSP.NONCE
        for values in config.values()
    )


def _policy_header(setting: str, config: dict) -> str | None:
    """The header string of SECURE_CSP / SECURE_CSP_REPORT_ONLY, or None when it depends on the request's nonce."""
    built = _built_policies.get(setting)
    if built is not None and built[0] is config:
        return built[1]
    if _uses_nonce(config):
        return None
    header = build_policy(config)
    _built_policies[setting] = (config, header)
    return header


class ContentSecurityPolicyMiddleware(DjangoContentSecurityPolicyMiddleware):
    """Django's CSP middleware with the header string built once per policy instead of on every response.

    Django's build_policy walks the whole SECURE_CSP dict and joins it again for each response, although the result
    only changes with the setting or with a nonce. The same string is sent: views that override the policy
    (@csp_override) and policies with a nonce go through Django's own code, unchanged.
    """

    def process_response(self, request, response):
        if hasattr(response, "_csp_config") or hasattr(response, "_csp_ro_config"):
            return super().process_response(request, response)
        for header, setting in POLICY_SETTINGS:
            config = getattr(settings, setting)
            if not config or header in response:
                continue
            policy = _policy_header(setting, config)
            response.headers[str(header)] = (
                policy if policy is not None else build_policy(config, getattr(request, "_csp_nonce", None))
            )
        return response


def session_refreshed_at_login(sender, request, user, **kwargs):
    """Logging in saves the session with a fresh expiry: the next minute's pages need not write it again."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_REFRESHED_KEY] = int(time.time())
