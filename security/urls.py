from django.urls import path

from security import views

app_name = "security"

urlpatterns = [
    path("double-authentification/", views.two_factor, name="two_factor"),
    path("double-authentification/verification/", views.two_factor_verify_view, name="two_factor_verify"),
    path("double-authentification/codes-de-secours/", views.backup_codes, name="backup_codes"),
]
