"""Admin pages around items: drives (to find one by serial), erasure records and WEEE shipments."""

from decimal import Decimal

from django.contrib import admin, messages
from django.contrib.admin.views.main import IS_POPUP_VAR
from django.db.models import Count, Sum
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join

from equipment.enums import WeeeCategory
from equipment.models import Drive, ErasureRecord, Item, WeeeShipment
from equipment.storage import past_audit


def kg(weight) -> str:
    # SQLite sums decimals as floats: round for display.
    return number_format(weight or 0, decimal_pos=2)


def person_name(user) -> str:
    """A colleague's name, without a link to the user admin that technicians may not open."""
    return (user.get_full_name() or user.username) if user else "—"


@admin.register(Drive)
class DriveAdmin(admin.ModelAdmin):
    """Drives are edited on their item's page; this list finds a drive by serial (and feeds the erasure form)."""

    list_display = ["__str__", "item", "kind", "size_gb", "cleared"]
    list_filter = ["kind"]
    search_fields = ["serial_number", "item__asset_tag", "model"]
    list_select_related = ["item"]
    raw_id_fields = ["item"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("item").prefetch_related("erasures")

    @admin.display(description="effacé ou détruit", boolean=True)
    def cleared(self, drive):
        return drive.is_cleared


@admin.register(ErasureRecord)
class ErasureRecordAdmin(admin.ModelAdmin):
    list_display = ["drive", "item_tag", "method", "result", "tool", "passes", "finished_at", "technician_name"]
    list_filter = ["method", "result", "from_snapshot"]
    search_fields = ["drive__serial_number", "drive__item__asset_tag", "tool"]
    list_select_related = ["drive__item", "technician"]
    autocomplete_fields = ["drive"]
    fields = ["drive", "method", "tool", "passes", "started_at", "finished_at", "result", "notes", "technician_name"]
    readonly_fields = ["technician_name"]

    @admin.display(description="technicien")
    def technician_name(self, record):
        return person_name(record.technician)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("drive__item", "technician")

    @admin.display(description="matériel", ordering="drive__item__asset_tag")
    def item_tag(self, record):
        return record.drive.item.asset_tag

    # An erasure of a computer past the audit is part of why it could leave: kept as it is (reads stay open).
    def has_change_permission(self, request, obj=None):
        return not (obj is not None and past_audit(obj.drive.item)) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not (obj is not None and past_audit(obj.drive.item)) and super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if not change and obj.technician_id is None:
            obj.technician = request.user
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        if any(key in request.POST for key in ("_continue", "_addanother", IS_POPUP_VAR)):
            return super().response_add(request, obj, post_url_continue)
        messages.success(request, f"Effacement enregistré pour {obj.drive}.")
        return redirect("admin:equipment_item_change", obj.drive.item_id)


class ShipmentItemInline(admin.TabularInline):
    """The items of a shipment, read-only (items join a shipment through the item list's action)."""

    model = Item
    fk_name = "weee_shipment"
    extra = 0
    can_delete = False
    verbose_name_plural = "matériels de l'enlèvement"
    fields = ["item_link", "category", "manufacturer", "model", "weee_category", "weight_kg", "recycling_reason"]
    readonly_fields = fields

    @admin.display(description="étiquette")
    def item_link(self, item):
        return format_html('<a href="{}">{}</a>', reverse("admin:equipment_item_change", args=[item.pk]), item)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(WeeeShipment)
class WeeeShipmentAdmin(admin.ModelAdmin):
    list_display = ["slip_number", "recycler", "shipped_on", "items_count", "total_weight"]
    list_filter = ["shipped_on"]
    search_fields = ["slip_number", "recycler"]
    date_hierarchy = "shipped_on"
    readonly_fields = ["weight_by_category", "documents"]
    inlines = [ShipmentItemInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(items_total=Count("items"), weight_total=Sum("items__weight_kg"))

    def get_fields(self, request, obj=None):
        fields = ["recycler", "shipped_on", "slip_number", "notes"]
        return fields if obj is None else [*fields, "weight_by_category", "documents"]

    @admin.display(description="documents et ajout")
    def documents(self, shipment):
        return format_html(
            '<a href="{}">Bordereau (PDF)</a> · <a href="{}">Registre DEEE (CSV)</a> · '
            '<a href="{}">Matériels recyclés à enlever</a> (cochez-les, puis action « Ajouter à un enlèvement DEEE »)',
            reverse("equipment:weee_slip", args=[shipment.pk]),
            reverse("equipment:weee_register"),
            reverse("admin:equipment_item_changelist") + "?enlevement=a_enlever",
        )

    @admin.display(description="matériels", ordering="items_total")
    def items_count(self, shipment):
        return shipment.items_total

    @admin.display(description="poids total (kg)", ordering="weight_total")
    def total_weight(self, shipment):
        return kg(shipment.weight_total)

    @admin.display(description="poids par catégorie DEEE")
    def weight_by_category(self, shipment):
        rows = (
            shipment.items.order_by()
            .values("weee_category")
            .annotate(weight=Sum("weight_kg"), count=Count("id"))
            .order_by("weee_category")
        )
        labels = dict(WeeeCategory.choices)
        lines = [(labels.get(row["weee_category"], "—"), row["count"], row["weight"] or 0) for row in rows]
        if not lines:
            return "Aucun matériel dans cet enlèvement."
        total = sum(Decimal(str(weight)) for _label, _count, weight in lines)
        return format_html(
            "<table><thead><tr><th>Catégorie DEEE</th><th>Matériels</th><th>Poids (kg)</th></tr></thead>"
            "<tbody>{}</tbody><tfoot><tr><th>Total</th><th>{}</th><th>{}</th></tr></tfoot></table>",
            format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td></tr>", ((a, b, kg(c)) for a, b, c in lines)),
            sum(count for _label, count, _weight in lines),
            kg(total),
        )
