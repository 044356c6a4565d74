from django.urls import path

from equipment import label_views, scan_views, views, weee_views

app_name = "equipment"

urlpatterns = [
    path("", views.item_list, name="list"),
    path("etiquettes/", label_views.label_sheet, name="labels"),
    path("scan/", scan_views.scan, name="scan"),
    path("deee/registre.csv", weee_views.register_csv, name="weee_register"),
    path("deee/<int:pk>/bordereau.pdf", weee_views.shipment_slip_view, name="weee_slip"),
    path("<str:asset_tag>/", views.item_detail, name="detail"),
    path("<str:asset_tag>/etiquette/", views.item_label, name="label"),
]
