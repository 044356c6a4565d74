from django.urls import path

from privacy import views

app_name = "privacy"

urlpatterns = [
    path("<int:pk>/donnees.json", views.household_export_json, name="export_json"),
    path("<int:pk>/donnees.pdf", views.household_export_pdf, name="export_pdf"),
]
