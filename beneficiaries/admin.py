"""Coordination's back-office view of households; every household write goes through the pages."""

from django.contrib import admin

from beneficiaries.access_log import access_log_record
from beneficiaries.enums import AccessAction
from beneficiaries.models import Certification, DuplicateConfirmation, Household, HouseholdAccessLog, PeriodOverride


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AccessLoggedAdmin(ReadOnlyAdmin):
    """Household data seen in the admin is logged as on the pages: one « list » row per list, one « view » per page."""

    show_full_result_count = False  # « 3 résultats (afficher tout) » without a second COUNT of the whole table

    def household_id_of(self, obj) -> int:
        return obj.household_id

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        if getattr(response, "status_code", None) == 200:
            access_log_record(user=request.user, action=AccessAction.LIST)
        return response

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            household = Household(pk=self.household_id_of(obj))
            access_log_record(user=request.user, action=AccessAction.VIEW, household=household)
        return super().render_change_form(request, context, add, change, form_url, obj)


class CertificationInline(admin.TabularInline):
    model = Certification
    fields = ["certified_on", "expires_on", "author", "structure"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        # Author and structure are shown on every row: read them with the certifications, not one query per row.
        return super().get_queryset(request).select_related("household", "author", "structure")


@admin.register(Household)
class HouseholdAdmin(AccessLoggedAdmin):
    list_display = ["__str__", "commune", "structure", "created_at", "equipped_on"]
    list_filter = ["structure", "commune"]
    search_fields = ["last_name", "first_name"]
    list_select_related = ["commune", "structure"]
    inlines = [CertificationInline]

    def get_queryset(self, request):
        # The change page shows these read-only: one query rather than one each.
        return super().get_queryset(request).select_related("commune", "structure", "created_by")

    def household_id_of(self, obj) -> int:
        return obj.pk


@admin.register(Certification)
class CertificationAdmin(AccessLoggedAdmin):
    list_display = ["household", "structure", "certified_on", "expires_on"]
    list_filter = ["structure"]
    list_select_related = ["household", "structure"]


@admin.register(PeriodOverride)
class PeriodOverrideAdmin(AccessLoggedAdmin):
    list_display = ["household", "granted_on", "granted_by"]
    list_select_related = ["household", "granted_by"]


@admin.register(DuplicateConfirmation)
class DuplicateConfirmationAdmin(AccessLoggedAdmin):
    list_display = ["household", "confirmed_by", "created_at"]
    list_select_related = ["household", "confirmed_by"]


@admin.register(HouseholdAccessLog)
class HouseholdAccessLogAdmin(ReadOnlyAdmin):
    """Coordination reads the access log; nobody adds, changes or deletes a row here (purge_access_log does)."""

    list_display = ["at", "action", "household_number", "user", "structure"]
    list_filter = ["action", "structure"]
    date_hierarchy = "at"
    search_fields = ["=household__id"]
    search_help_text = "Numéro du foyer (celui de l'adresse de sa fiche : /foyers/<numéro>/)."
    list_select_related = ["user", "structure"]
    show_full_result_count = False

    @admin.display(description="foyer", ordering="household_id")
    def household_number(self, entry):
        return f"n° {entry.household_id}" if entry.household_id else "—"
