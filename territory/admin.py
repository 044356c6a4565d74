"""Coordination reads and corrects the territory's communes and QPV; `load_territory` replaces them from files."""

from django.contrib import admin

from territory.models import Commune, Qpv


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ["name", "insee_code", "postal_codes", "zrr", "is_active"]
    list_filter = ["is_active", "zrr"]
    search_fields = ["name", "insee_code", "postal_codes"]
    readonly_fields = ["name_key"]

    def has_delete_permission(self, request, obj=None):
        # Households and structures refer to communes; `load_territory` deactivates instead of deleting.
        return False


@admin.register(Qpv)
class QpvAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]
    filter_horizontal = ["communes"]
