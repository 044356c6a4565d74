from django.contrib.auth.decorators import user_passes_test
from django.shortcuts import render
from django.utils import timezone

from equipment.enums import ItemCategory
from equipment.selectors import bilan_for_year


@user_passes_test(lambda user: user.is_coordination or user.is_prescriber or user.is_technician)
def index(request):
    current_year = timezone.localdate().year
    try:
        year = int(request.GET.get("annee", current_year))
    except ValueError:
        year = current_year
    year = min(max(year, 2000), current_year + 1)
    bilan = bilan_for_year(year)
    pending = [(ItemCategory(code).label, count) for code, count in bilan["pending_audit_by_category"].items()]
    return render(
        request,
        "dashboard/index.html",
        {"bilan": bilan, "pending": pending, "year": year, "years": range(current_year, current_year - 6, -1)},
    )
