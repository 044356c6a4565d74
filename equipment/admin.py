from django.contrib import admin

from equipment.models import Item, WeeeShipment


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    list_display = ["asset_tag", "category", "manufacturer", "model", "serial_number", "status", "received_on"]
    list_filter = ["status", "category", "received_on"]
    search_fields = ["asset_tag", "serial_number", "model"]
    list_select_related = ["donation__donor"]


@admin.register(WeeeShipment)
class WeeeShipmentAdmin(admin.ModelAdmin):
    list_display = ["slip_number", "recycler", "shipped_on"]


from equipment import admin_snapshots  # noqa: E402, F401  (registers the snapshot upload admin)
