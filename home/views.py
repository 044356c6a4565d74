"""The public home page: what the programme offers residents, who may benefit, whom to contact in their commune."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render

from accounts.selectors import programme_contact, structures_serving
from reports.scope import requested_year, year_choices
from reports.selectors import equipment_figures, households_by_commune
from territory.models import Commune


@login_not_required
def home(request):
    """Public home page for residents: what the programme offers, who may benefit, whom to contact in their commune,
    and the programme's figures (the dashboard's, small counts hidden). Staff find their entry points here too."""
    year = requested_year(request.GET.get("annee"))
    communes = list(Commune.objects.in_territory().only("insee_code", "name"))
    code = request.GET.get("commune", "").strip()
    commune = next((commune for commune in communes if commune.insee_code == code), None)
    households = households_by_commune(year)
    commune_households = None
    if commune is not None and not households.detail_withheld:
        row = next((row for row in households.rows if row.key == commune.pk), None)
        commune_households = row.count if row else None
    context = {
        "year": year,
        "years": year_choices(),
        "communes": communes,
        "commune": commune,
        "commune_unknown": bool(code) and commune is None,
        "structures": structures_serving(commune) if commune else [],
        "contact": programme_contact() if commune else None,
        "commune_households": commune_households,
        "bilan": equipment_figures(year).bilan,  # the items' figures only: one GROUP BY, no household scan
        "households": households,
        "senior_age": settings.FILIERE["SENIOR_AGE"],
        "period_years": settings.FILIERE["PROGRAMME_PERIOD_YEARS"],
    }
    return render(request, "home/home.html", context)
