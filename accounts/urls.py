from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views
from accounts.decorators import access_required
from accounts.forms import LoginForm
from accounts.permissions import Capability

own_account = access_required(Capability.ACCOUNT)

app_name = "accounts"

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="accounts/login.html", authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", own_account(auth_views.LogoutView.as_view()), name="logout"),
    path("arrivee/", own_account(views.landing), name="landing"),
    path("mot-de-passe/", own_account(views.PasswordChangeView.as_view()), name="password_change"),
]
