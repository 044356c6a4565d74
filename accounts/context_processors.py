from django.conf import settings
from django.urls import reverse


def _nav_entries(request):
    user = request.user
    if not user.is_authenticated:
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


def programme(request):
    """Programme name and navigation for every page."""
    config = settings.FILIERE
    return {
        "programme": {
            "name": config["PROGRAMME_NAME"],
            "territory": config["TERRITORY_NAME"],
            "refurbisher": config["REFURBISHER_NAME"],
        },
        "nav_entries": _nav_entries(request),
    }
