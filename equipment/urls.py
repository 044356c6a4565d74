from django.urls import path

from equipment import views

app_name = "equipment"

urlpatterns = [
    path("", views.item_list, name="list"),
    path("<str:asset_tag>/", views.item_detail, name="detail"),
    path("<str:asset_tag>/etiquette/", views.item_label, name="label"),
]
