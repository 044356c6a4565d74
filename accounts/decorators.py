"""The one access check of the pages: `@access_required(Capability.X)`, read from the table of accounts/permissions.py.

Anonymous visitors go to the login page; a signed-in user whose role lacks the capability gets a 403 with the
capability's French reason (never a login loop). Every non-public view carries it: a test walks the URLs and fails
on a view without it. Class-based views are wrapped in the URLconf: `access_required(...)(View.as_view())`.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from accounts.permissions import ACCESS, Capability, may, refusal


def access_required(capability: Capability):
    if capability not in ACCESS:
        raise ValueError(f"Capability « {capability} » is not in accounts.permissions.ACCESS.")

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not may(user, capability):
                raise PermissionDenied(refusal(capability))
            return view(request, *args, **kwargs)

        # Read by the menu (a link shows when its page would open) and by the URL walk (every page is guarded).
        wrapped.access_capability = capability
        return wrapped

    return decorator
