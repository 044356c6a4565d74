"""Workbench tokens in the workshop: create one (the secret shown once, with the settings.ini lines), see when
and from where each was last used, revoke. A technician sees and manages his own refurbisher's tokens only."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.enums import OrganisationKind
from accounts.models import Organisation, User
from api.models import WorkbenchToken
from api.services import workbench_token_create, workbench_token_revoke
from api.v1 import public_url


def _moment(value) -> str:
    return f"{timezone.localtime(value):%d/%m/%Y %H:%M}" if value else "—"


def _name(user) -> str:
    return (user.get_full_name() or user.username) if user else "—"


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label="Nom du jeton",
        max_length=100,
        help_text="Le poste ou le technicien qui s'en sert : « Poste 3 », « Clé de Karim ». Il est noté avec chaque "
        "rapport envoyé.",
    )
    organisation = forms.ModelChoiceField(label="Reconditionneur", queryset=Organisation.objects.none())
    technician = forms.ModelChoiceField(
        label="Technicien",
        queryset=User.objects.none(),
        required=False,
        help_text="Facultatif : les effacements des rapports envoyés avec ce jeton lui sont attribués.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        refurbishers = Organisation.objects.active().filter(kind=OrganisationKind.REFURBISHER)
        if not user.is_coordination:
            refurbishers = refurbishers.filter(pk=user.organisation_id)
        self.fields["organisation"].queryset = refurbishers
        if len(refurbishers) == 1:
            self.fields["organisation"].initial = refurbishers[0].pk
        self.fields["technician"].queryset = (
            User.objects.filter(organisation__in=refurbishers, is_active=True)
            .select_related("organisation")
            .order_by("last_name", "first_name", "username")
        )
        self.fields["technician"].label_from_instance = lambda member: f"{_name(member)} ({member.organisation})"


class ActiveFilter(admin.SimpleListFilter):
    title = "état"
    parameter_name = "etat"

    def lookups(self, request, model_admin):
        return [("actif", "Actif"), ("revoque", "Révoqué")]

    def queryset(self, request, queryset):
        if self.value() == "actif":
            return queryset.filter(revoked_at__isnull=True)
        if self.value() == "revoque":
            return queryset.filter(revoked_at__isnull=False)
        return queryset


@admin.register(WorkbenchToken)
class WorkbenchTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "technician_name", "shown_prefix", "state", "last_use", "created"]
    list_filter = [ActiveFilter]
    search_fields = ["name", "prefix"]
    list_select_related = ["organisation", "technician"]
    fields = [
        "name",
        "organisation",
        "technician_name",
        "shown_prefix",
        "state",
        "last_use",
        "created",
        "revoked",
    ]
    readonly_fields = fields
    actions = ["revoke_selected"]
    change_form_template = "admin/api/workbenchtoken/change_form.html"
    add_template = "admin/api/workbenchtoken/add.html"
    created_template = "admin/api/workbenchtoken/created.html"

    def get_queryset(self, request):
        tokens = super().get_queryset(request).select_related("organisation", "technician", "created_by", "revoked_by")
        if request.user.is_coordination:
            return tokens
        return tokens.filter(organisation_id=request.user.organisation_id)

    def has_change_permission(self, request, obj=None):
        return False  # a token is read-only; revoking is its own action

    def has_delete_permission(self, request, obj=None):
        return False  # revoked, it stays: the snapshots it sent name it

    def has_revoke_permission(self, request) -> bool:
        return request.user.has_perm("api.change_workbenchtoken")

    def get_urls(self):
        revoke = self.admin_site.admin_view(require_POST(self.revoke_view))
        return [path("<int:object_id>/revoquer/", revoke, name="api_workbenchtoken_revoke"), *super().get_urls()]

    # --- columns ---

    @admin.display(description="technicien")
    def technician_name(self, token):
        return _name(token.technician)

    @admin.display(description="jeton")
    def shown_prefix(self, token):
        return f"{token.prefix}…"

    @admin.display(description="état")
    def state(self, token):
        return "Actif" if token.revoked_at is None else "Révoqué"

    @admin.display(description="dernier envoi", ordering="last_used_at")
    def last_use(self, token):
        if token.last_used_at is None:
            return "Jamais utilisé"
        return f"{_moment(token.last_used_at)} depuis {token.last_used_address or 'adresse inconnue'}"

    @admin.display(description="créé", ordering="created_at")
    def created(self, token):
        return f"{_moment(token.created_at)} par {_name(token.created_by)}"

    @admin.display(description="révoqué")
    def revoked(self, token):
        return f"{_moment(token.revoked_at)} par {_name(token.revoked_by)}" if token.revoked_at else "—"

    # --- revoking ---

    @admin.action(description="Révoquer les jetons choisis", permissions=["revoke"])
    def revoke_selected(self, request, queryset):
        tokens = [token for token in queryset if token.revoked_at is None]
        for token in tokens:
            workbench_token_revoke(token=token, by=request.user)
        names = ", ".join(f"« {token.name} »" for token in tokens)
        if tokens:
            self.message_user(request, f"Révoqué(s) : {names}. Ils n'ouvrent plus rien.", messages.SUCCESS)
        else:
            self.message_user(request, "Aucun jeton actif dans la sélection.", messages.INFO)

    def revoke_view(self, request, object_id):
        if not self.has_revoke_permission(request):
            raise PermissionDenied
        token = get_object_or_404(self.get_queryset(request), pk=object_id)
        workbench_token_revoke(token=token, by=request.user)
        self.message_user(request, f"Jeton « {token.name} » révoqué : il n'ouvre plus rien.", messages.SUCCESS)
        return redirect("admin:api_workbenchtoken_change", token.pk)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.revoked_at is None and self.has_revoke_permission(request):
            context["revoke_url"] = reverse("admin:api_workbenchtoken_revoke", args=[obj.pk])
        return super().render_change_form(request, context, add, change, form_url, obj)

    # --- creating ---

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = TokenCreateForm(request.POST or None, user=request.user)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "has_view_permission": self.has_view_permission(request),
            **(extra_context or {}),
        }
        if request.method == "POST" and form.is_valid():
            try:
                token, key = workbench_token_create(
                    name=form.cleaned_data["name"],
                    organisation=form.cleaned_data["organisation"],
                    technician=form.cleaned_data["technician"],
                    by=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                # Shown on this response only, never stored nor put in a message (messages live in the session).
                context.update(
                    title=f"Jeton « {token.name} » créé",
                    token=token,
                    key=key,
                    upload_url=public_url(request, reverse("api:snapshot")),
                )
                return TemplateResponse(request, self.created_template, context)
        context.update(title="Nouveau jeton Workbench", form=form)
        return TemplateResponse(request, self.add_template, context)
