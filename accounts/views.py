from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.urls import reverse_lazy

from accounts.selectors import programme_contact, structures_serving
from beneficiaries.models import Commune
from reports.scope import requested_year, year_choices
from reports.selectors import equipment_figures, households_by_commune


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
    return render(request, "accounts/home.html", context)


class PasswordChangeView(auth_views.PasswordChangeView):
    """Every member changes the initial password that coordination gave them."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, "Votre mot de passe a été changé.")
        return response
