from django.urls import path

from jobs import views

app_name = "jobs"

urlpatterns = [
    path("", views.job_list, name="list"),
    path("<uuid:pk>/", views.job_detail, name="detail"),
    path("<uuid:pk>/fichier/", views.job_download, name="download"),
    path("<uuid:pk>/relancer/", views.job_relaunch_view, name="relaunch"),
]
