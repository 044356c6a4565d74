from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render


@login_not_required
def home(request):
    """Public home page: what the programme offers; staff find their entry points here too."""
    return render(request, "accounts/home.html")
