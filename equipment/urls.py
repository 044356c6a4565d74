from django.urls import path

from equipment import views
from equipment.exports import views as export_views
from equipment.imports import views as import_views
from equipment.labels import views as label_views
from equipment.scan import views as scan_views
from equipment.weee import views as weee_views

app_name = "equipment"

urlpatterns = [
    path("", views.item_list, name="list"),
    path("export.csv", export_views.item_export, name="export"),
    path("export/arriere-plan/", views.item_export_background, name="export_background"),
    path("import/", import_views.item_import, name="import"),
    path("import/confirmer/", import_views.item_import_confirm, name="import_confirm"),
    path("import/modele.csv", import_views.item_import_example, name="import_example"),
    path("etiquettes/", label_views.label_sheet, name="labels"),
    path("scan/", scan_views.scan, name="scan"),
    path("deee/registre.csv", weee_views.register_csv, name="weee_register"),
    path("deee/<int:pk>/bordereau.pdf", weee_views.shipment_slip_view, name="weee_slip"),
    path("<str:asset_tag>/", views.item_detail, name="detail"),
    path("<str:asset_tag>/etiquette/", views.item_label, name="label"),
]
