from django.contrib import admin
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html

from core.autocomplete import PreloadedAutocompleteMixin
from donations.models import Donation, Donor
from equipment.models import Item


@admin.register(Donor)
class DonorAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "contact_name", "phone", "donations_count"]
    list_filter = ["kind"]
    search_fields = ["name", "siret", "contact_name", "email"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(donations_total=Count("donations"))

    @admin.display(description="dons", ordering="donations_total")
    def donations_count(self, donor):
        return donor.donations_total


class DonationItemInline(admin.TabularInline):
    """The items counted in the donation, read-only: they are edited on their own page."""

    model = Item
    extra = 0
    can_delete = False
    verbose_name_plural = "matériels comptés"
    fields = ["item_link", "category", "manufacturer", "model", "serial_number", "status"]
    readonly_fields = fields

    @admin.display(description="étiquette")
    def item_link(self, item):
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:equipment_item_change", args=[item.pk]), item.asset_tag
        )

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Donation)
class DonationAdmin(PreloadedAutocompleteMixin, admin.ModelAdmin):
    list_display = ["reference", "donor", "received_on", "announced_count", "counted", "gap"]
    list_filter = ["received_on", "donor__kind"]
    list_select_related = ["donor"]
    search_fields = ["reference", "donor__name"]
    date_hierarchy = "received_on"
    autocomplete_fields = ["donor"]
    readonly_fields = ["counted", "gap", "items_link", "created_by"]
    fieldsets = [
        (None, {"fields": ["reference", "donor", "received_on", "collection_place"]}),
        ("Matériels", {"fields": ["announced_count", "counted", "gap", "items_link"]}),
        ("Notes", {"fields": ["notes", "created_by"]}),
    ]
    inlines = [DonationItemInline]

    def get_queryset(self, request):
        # The donor comes with the donation: the page's title and its autocomplete field show its name.
        return super().get_queryset(request).select_related("donor").with_counts()

    @admin.display(description="nombre compté", ordering="counted_count")
    def counted(self, donation):
        return donation.counted_count if donation.pk else 0

    @admin.display(description="écart")
    def gap(self, donation):
        if donation.pk is None or donation.announced_count is None:
            return "—"
        difference = donation.counted_count - donation.announced_count
        if difference == 0:
            return "conforme"
        if difference < 0:
            return f"{-difference} manquant{'s' if difference < -1 else ''}"
        return f"{difference} en plus"

    @admin.display(description="liste des matériels")
    def items_link(self, donation):
        if donation.pk is None:
            return "—"
        url = reverse("admin:equipment_item_changelist") + f"?donation__id__exact={donation.pk}"
        return format_html('<a href="{}">Ouvrir la liste filtrée (actions groupées)</a>', url)

    def save_model(self, request, obj, form, change):
        if not change and obj.created_by_id is None:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
