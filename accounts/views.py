from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect
from django.urls import reverse_lazy

from accounts.forms import LockedPasswordChangeForm
from accounts.landing import landing_url


def landing(request):
    """After logging in (LOGIN_REDIRECT_URL): each role lands on its work (accounts.landing)."""
    return redirect(landing_url(request.user))


class PasswordChangeView(auth_views.PasswordChangeView):
    """Every member changes the initial password that coordination gave them; the admin's own password page leads
    here (accounts/admin.py), so that wrong current passwords are counted in one place."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:landing")
    form_class = LockedPasswordChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, "Votre mot de passe a été changé.")
        return response
