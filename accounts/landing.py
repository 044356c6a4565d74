"""Where each role starts after logging in: its daily work, not the public home page.

Read by the landing view (LOGIN_REDIRECT_URL), so the login page, the second factor and the backup codes all end
there when no safe `next` was asked for.
"""

from django.urls import reverse

from accounts.enums import Role

# Role -> URL name of the page its members work from.
LANDING_BY_ROLE = {
    Role.COORDINATION: "distributions:list",
    Role.TECHNICIAN: "admin:index",  # the workshop
    Role.PRESCRIBER: "beneficiaries:list",
    Role.PARTNER: "distributions:list",  # the partner's own events only
}


def landing_url(user) -> str:
    """The page this person starts from; the public home page for an account with no role (no organisation)."""
    name = LANDING_BY_ROLE.get(user.role) if user.is_authenticated else None
    return reverse(name or "home")
