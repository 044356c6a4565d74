from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect
from django.urls import reverse_lazy

from accounts.landing import landing_url


def landing(request):
    """After logging in (LOGIN_REDIRECT_URL): each role lands on its work (accounts.landing)."""
    return redirect(landing_url(request.user))


class PasswordChangeView(auth_views.PasswordChangeView):
    """Every member changes the initial password that coordination gave them."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:landing")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, "Votre mot de passe a été changé.")
        return response
