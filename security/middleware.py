"""Request-wide protections: the second factor for accounts that need it, and no caching of private pages."""

from urllib.parse import urlencode

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
