from functools import cache

from django.conf import settings
from django.urls import resolve, reverse

from accounts.permissions import Capability, may

# The menu, in order: label and URL name. A link shows when the page's own access check would let the user in.
NAV = [
    ("Matériel", "equipment:list"),
    ("Dons", "donations:list"),
    ("Foyers", "beneficiaries:list"),
    ("Tableau de bord", "dashboard:index"),
    ("Distributions", "distributions:list"),
    ("Structures", "structures:list"),
]
# Pages every account may open but only some need in the menu: label, URL name and who sees the link.
NAV_FOR = [
    ("Travaux", "jobs:list", Capability.JOB_SUPERVISION),
]


@cache
def _nav_pages() -> list[tuple[str, str, Capability]]:
    """(label, url, capability of the page's view): read from the views, so the menu cannot drift from them."""
    pages = []
    for label, name in NAV:
        url = reverse(name)
        pages.append((label, url, resolve(url).func.access_capability))
    return pages + [(label, reverse(name), capability) for label, name, capability in NAV_FOR]


def _nav_entries(request):
    # No user on a request refused before the authentication middleware (a bad Host header: the 400 page).
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    entries = [(label, url) for label, url, capability in _nav_pages() if may(user, capability)]
    if user.is_staff:  # the admin site's own gate (Django's is_staff); inside it, the table's model permissions
        entries.append(("Atelier (admin)", reverse("admin:index")))
    path = request.path
    return [{"label": label, "url": url, "active": path.startswith(url)} for label, url in entries]


def programme_facts() -> dict:
    """The programme's names, from the settings alone (also for pages drawn without a request or a database)."""
    config = settings.FILIERE
    return {
        "name": config["PROGRAMME_NAME"],
        "territory": config["TERRITORY_NAME"],
        "refurbisher": config["REFURBISHER_NAME"],
    }


class UserAccess:
    """`access.<capability>` in templates: whether the user may open the pages of that capability (a button to a
    page shows only when the page would open)."""

    def __init__(self, user):
        self.user = user

    def __getitem__(self, name: str) -> bool:
        try:
            capability = Capability(name)
        except ValueError:
            raise KeyError(name) from None
        return self.user is not None and may(self.user, capability)


def programme(request):
    """Programme name, navigation and the user's access for every page."""
    return {
        "programme": programme_facts(),
        "nav_entries": _nav_entries(request),
        "access": UserAccess(getattr(request, "user", None)),
    }
