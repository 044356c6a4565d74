from django.urls import path

from reports import views

app_name = "dashboard"

urlpatterns = [
    path("", views.dashboard, name="index"),
    path("<slug:figure>.csv", views.figure_csv, name="figure_csv"),
]
