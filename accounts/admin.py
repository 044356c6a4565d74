from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from accounts.models import Organisation, User


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]
    filter_horizontal = ["communes_served"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "organisation", "is_active", "is_demo"]
    list_filter = ["organisation__kind", "is_active", "is_demo"]
    list_select_related = ["organisation"]
    fieldsets = (*BaseUserAdmin.fieldsets, ("Filière", {"fields": ("organisation", "is_demo")}))
