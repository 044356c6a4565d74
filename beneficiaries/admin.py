"""Coordination's back-office view of the territory and households; every household write goes through the pages."""

from django.contrib import admin

from beneficiaries.models import Certification, Commune, DuplicateConfirmation, Household, PeriodOverride, Qpv


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ["name", "insee_code", "postal_codes", "zrr", "is_active"]
    list_filter = ["is_active", "zrr"]
    search_fields = ["name", "insee_code", "postal_codes"]
    readonly_fields = ["name_key"]

    def has_delete_permission(self, request, obj=None):
        # Households refer to communes; `load_territory` deactivates instead of deleting.
        return False


@admin.register(Qpv)
class QpvAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]
    filter_horizontal = ["communes"]


class CertificationInline(admin.TabularInline):
    model = Certification
    fields = ["certified_on", "expires_on", "author", "structure"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Household)
class HouseholdAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "commune", "structure", "created_at", "equipped_on"]
    list_filter = ["structure", "commune"]
    search_fields = ["last_name", "first_name"]
    list_select_related = ["commune", "structure"]
    inlines = [CertificationInline]


@admin.register(Certification)
class CertificationAdmin(ReadOnlyAdmin):
    list_display = ["household", "structure", "certified_on", "expires_on"]
    list_filter = ["structure"]
    list_select_related = ["household", "structure"]


@admin.register(PeriodOverride)
class PeriodOverrideAdmin(ReadOnlyAdmin):
    list_display = ["household", "granted_on", "granted_by"]
    list_select_related = ["household", "granted_by"]


@admin.register(DuplicateConfirmation)
class DuplicateConfirmationAdmin(ReadOnlyAdmin):
    list_display = ["household", "confirmed_by", "created_at"]
    list_select_related = ["household", "confirmed_by"]
