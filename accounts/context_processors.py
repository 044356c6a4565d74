from django.conf import settings
from django.urls import reverse


def _nav_entries(request):
    # No user on a request refused before the authentication middleware (a bad Host header: the 400 page).
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    entries = []
    if user.is_coordination or user.is_technician:
        entries += [("Matériel", reverse("equipment:list")), ("Dons", reverse("donations:list"))]
    if user.is_coordination or user.is_prescriber:
        entries.append(("Foyers", reverse("beneficiaries:list")))
    if user.is_coordination or user.is_prescriber or user.is_technician:
        entries.append(("Tableau de bord", reverse("dashboard:index")))
    if user.is_coordination or user.is_prescriber or user.is_partner:
        entries.append(("Distributions", reverse("distributions:list")))
    if user.is_coordination:
        entries.append(("Structures", reverse("structures:list")))
    if user.is_staff:
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


def programme(request):
    """Programme name and navigation for every page."""
    return {"programme": programme_facts(), "nav_entries": _nav_entries(request)}
