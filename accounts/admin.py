"""Accounts in the admin: shown, never written.

Organisations, accounts and memberships are managed on the Structures pages (accounts/services.py, each change
written to the admin's history of the object). Django's own user admin let an admin account post `is_superuser`,
`is_staff`, groups and permissions, move someone to another structure or set another person's password: none of
that is reachable from the web any more, for any account, superusers included. A superuser is made on the server
only (`createsuperuser`), and passes the second factor like everyone. Groups are not used (permissions follow the
role, accounts/permissions.py): their admin is gone, so nobody hands permissions out through a group either.
The admin's password page leads to the site's, where wrong current passwords count as refused logins.
"""

from django.contrib import admin
from django.contrib.auth.models import Group
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html

from accounts.models import Organisation, User

if admin.site.is_registered(Group):
    admin.site.unregister(Group)


def _password_change_on_the_site(request, extra_context=None):
    """The admin's « Modifier le mot de passe » leads to the site's page (GET and POST alike), where wrong current
    passwords are counted and locked like refused logins (accounts.forms.LockedPasswordChangeForm): the admin's own
    form had no throttle, and Django gives it no access to the request's address."""
    return redirect("accounts:password_change")


admin.site.password_change = _password_change_on_the_site  # this site's view, as a subclass would override it


class ShownNotWrittenAdmin(admin.ModelAdmin):
    """No add, change or delete page for anyone: a POST to them is refused (403) whatever it carries."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="gérer")
    def manage_link(self, obj):
        organisation_id = obj.pk if isinstance(obj, Organisation) else obj.organisation_id
        if organisation_id is None:
            return "sur le serveur (compte sans organisation)"
        return format_html('<a href="{}">Structures → gérer</a>', reverse("structures:detail", args=[organisation_id]))


@admin.register(Organisation)
class OrganisationAdmin(ShownNotWrittenAdmin):
    list_display = ["name", "kind", "is_active", "manage_link"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]
    fields = [
        "name",
        "kind",
        "address",
        "phone",
        "email",
        "opening_hours",
        "communes_served",
        "is_active",
        "manage_link",
    ]
    readonly_fields = ["manage_link"]


@admin.register(User)
class UserAdmin(ShownNotWrittenAdmin):
    list_display = ["username", "first_name", "last_name", "organisation", "is_active", "is_demo", "manage_link"]
    list_filter = ["organisation__kind", "is_active", "is_demo"]
    list_select_related = ["organisation"]
    search_fields = ["username", "first_name", "last_name", "email"]
    ordering = ["username"]
    # Neither the password hash, nor groups, nor individual permissions: they are nobody's business here.
    fields = [
        "username",
        "first_name",
        "last_name",
        "email",
        "organisation",
        "is_active",
        "is_staff",
        "is_superuser",
        "is_demo",
        "last_login",
        "date_joined",
        "manage_link",
    ]
    readonly_fields = ["manage_link"]
