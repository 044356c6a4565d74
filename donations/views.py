from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, render

from accounts.decorators import staff_required
from donations.models import Donation


@staff_required
def donation_list(request):
    donations = Donation.objects.select_related("donor").with_counts()
    page = Paginator(donations, 50).get_page(request.GET.get("page"))
    return render(request, "donations/donation_list.html", {"page": page})


@staff_required
def donation_detail(request, pk):
    donation = get_object_or_404(Donation.objects.select_related("donor").with_counts(), pk=pk)
    by_category = donation.items.values("category", "status").annotate(n=Count("id")).order_by("category", "status")
    return render(request, "donations/donation_detail.html", {"donation": donation, "by_category": by_category})
