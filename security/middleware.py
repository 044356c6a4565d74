"""Request-wide protections: the second factor for accounts that need it, and no caching of private pages."""

import time
from urllib.parse import urlencode

from django.conf import settings

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

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


def session_refreshed_at_login(sender, request, user, **kwargs):
    """Logging in saves the session with a fresh expiry: the next minute's pages need not write it again."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_REFRESHED_KEY] = int(time.time())
