"""Pack templates and pack assembly in the workshop admin: scan tags one after another, or pick from a list."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, IntegerField, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from simple_history.admin import SimpleHistoryAdmin

from core.history import FrenchHistoryAdminMixin
from distributions.packs.enums import EDITABLE_PACK_STATUSES, LIVE_PACK_STATUSES
from distributions.packs.models import Pack, PackItem, PackTemplate, PackTemplateLine
from distributions.packs.selectors import items_fitting_pack, pack_composition, pack_live_items, pack_missing_text
from distributions.packs.services import pack_add_item, pack_create, pack_dissolve, pack_remove_item
from equipment.models import Item


class PackTemplateLineInline(admin.TabularInline):
    model = PackTemplateLine
    extra = 0
    min_num = 1

    def _in_use(self, obj) -> bool:
        # A template already used by packs keeps its content: create a new template instead. The admin asks for
        # every line's permissions: the answer is read once per page and kept on the template.
        if obj is None:
            return False
        if not hasattr(obj, "_in_use"):
            obj._in_use = obj.packs.exists()
        return obj._in_use

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not self._in_use(obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._in_use(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._in_use(obj)


@admin.register(PackTemplate)
class PackTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "summary", "is_default"]
    fields = ["name", "description", "is_default"]
    inlines = [PackTemplateLineInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("lines")

    @admin.display(description="contenu")
    def summary(self, obj):
        return obj.summary()


class ItemPickerWidget(AutocompleteSelect):
    """The admin's autocomplete box, fed by the pack's own list of items that fit."""

    url = ""

    def __init__(self, attrs=None):
        super().__init__(PackItem._meta.get_field("item"), admin.site, attrs=attrs)

    def get_url(self):
        return self.url


class ScanForm(forms.Form):
    asset_tag = forms.CharField(
        label="Étiquette scannée ou saisie",
        max_length=30,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off", "size": 20}),
    )


class PickForm(forms.Form):
    item = forms.ModelChoiceField(
        label="Ou choisir un matériel reconditionné",
        queryset=Item.objects.all(),
        widget=ItemPickerWidget,
        error_messages={"invalid_choice": "Ce matériel n'existe pas : choisissez-le dans la liste."},
    )

    def __init__(self, *args, search_url: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].widget.url = search_url


class PackItemAutocompleteView(AutocompleteJsonView):
    """Refurbished, free items of a category the pack still lacks, searched like the equipment list."""

    pack = None

    def has_perm(self, request, obj=None):
        return super().has_perm(request, obj) and self.admin_site.get_model_admin(Pack).has_change_permission(
            request, self.pack
        )

    def get_queryset(self):
        fitting = items_fitting_pack(self.pack).values("pk")
        return super().get_queryset().filter(pk__in=fitting).order_by("asset_tag")


@admin.register(Pack)
class PackAdmin(FrenchHistoryAdminMixin, SimpleHistoryAdmin):
    list_display = ["reference", "template", "status", "content", "assembled_by", "created_at"]
    list_filter = ["status", "template"]
    list_select_related = ["template", "assembled_by"]
    search_fields = ["reference", "pack_items__item__asset_tag"]
    search_help_text = "Numéro de pack ou étiquette d'un matériel qu'il contient."
    actions = ["dissolve_packs"]
    change_form_template = "admin/distributions/pack/change_form.html"
    readonly_fields = ["reference", "template", "status", "assembled_by", "created_at", "completed_at"]

    @property
    def media(self):
        return super().media + ItemPickerWidget().media

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        # A line whose template changed names both: read them with the lines, not once per line.
        return super().get_history_queryset(request, history_manager, pk_name, object_id).select_related("template")

    def get_queryset(self, request):
        wanted = (
            PackTemplateLine.objects.filter(template=OuterRef("template"))
            .values("template")
            .annotate(total=Sum("quantity"))
            .values("total")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(
                item_count=Count("pack_items"),
                wanted_count=Coalesce(Subquery(wanted, output_field=IntegerField()), 0),
            )
        )

    @admin.display(description="contenu")
    def content(self, obj):
        return f"{obj.item_count} / {obj.wanted_count}"

    def get_fields(self, request, obj=None):
        return ["template", "notes"] if obj is None else [*self.readonly_fields, "notes"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "template":
            # A template without lines cannot make a pack, so it is not offered.
            kwargs["queryset"] = PackTemplate.objects.filter(lines__isnull=False).distinct()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request):
        return {"template": PackTemplate.objects.default(), **super().get_changeform_initial_data(request)}

    def has_delete_permission(self, request, obj=None):
        return False  # packs are kept as history: dissolve them instead

    def revert_disabled(self, request, obj=None):
        return True  # a pack's status changes only through the services

    def save_model(self, request, obj, form, change):
        if change:
            obj.save(update_fields=["notes"])
        else:
            created = pack_create(template=obj.template, by=request.user, notes=obj.notes)
            obj.pk, obj.reference = created.pk, created.reference

    def response_add(self, request, obj, post_url_continue=None):
        messages.success(request, f"Pack {obj.reference} créé : scannez maintenant ses matériels.")
        return HttpResponseRedirect(reverse("admin:distributions_pack_change", args=[obj.pk]))

    def get_urls(self):
        own = [
            path(
                "<path:object_id>/ajouter/",
                self.admin_site.admin_view(self.add_item_view),
                name="distributions_pack_add_item",
            ),
            path(
                "<path:object_id>/retirer/",
                self.admin_site.admin_view(self.remove_item_view),
                name="distributions_pack_remove_item",
            ),
            path(
                "<path:object_id>/defaire/",
                self.admin_site.admin_view(self.dissolve_view),
                name="distributions_pack_dissolve",
            ),
            path(
                "<path:object_id>/materiel-disponible/",
                self.admin_site.admin_view(self.autocomplete_items_view),
                name="distributions_pack_items_autocomplete",
            ),
        ]
        return own + super().get_urls()

    def _pack_for_change(self, request, object_id) -> Pack:
        pack = self.get_object(request, object_id)
        if pack is None:
            raise Http404("Ce pack n'existe pas.")
        if not self.has_change_permission(request, pack):
            raise PermissionDenied
        return pack

    def _back(self, pack):
        return HttpResponseRedirect(reverse("admin:distributions_pack_change", args=[pack.pk]))

    def add_item_view(self, request, object_id):
        pack = self._pack_for_change(request, object_id)
        if request.method != "POST":
            return self._back(pack)
        picked = "item" in request.POST
        form = (PickForm if picked else ScanForm)(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(message for errors in form.errors.values() for message in errors))
            return self._back(pack)
        try:
            if picked:
                pack_item = pack_add_item(pack=pack, item=form.cleaned_data["item"], by=request.user)
            else:
                pack_item = pack_add_item(pack=pack, asset_tag=form.cleaned_data["asset_tag"], by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return self._back(pack)
        pack = pack_item.pack
        missing = pack_missing_text(pack_composition(pack))
        done = f"{pack_item.item} ajouté au pack {pack.reference}."
        messages.success(
            request, f"{done} Il manque encore : {missing}." if missing else f"{done} Le pack est complet."
        )
        return self._back(pack)

    def remove_item_view(self, request, object_id):
        pack = self._pack_for_change(request, object_id)
        if request.method == "POST":
            tag = request.POST.get("asset_tag", "")
            try:
                pack_remove_item(pack=pack, asset_tag=tag, by=request.user)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, f"{tag} retiré du pack {pack.reference} ; il reste disponible.")
        return self._back(pack)

    def dissolve_view(self, request, object_id):
        pack = self._pack_for_change(request, object_id)
        if request.method == "POST":
            try:
                pack_dissolve(pack=pack, by=request.user)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, f"Pack {pack.reference} défait : ses matériels sont de nouveau disponibles.")
            return self._back(pack)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Défaire le pack {pack.reference} ?",
            "opts": self.opts,
            "original": pack,
            "pack_items": pack_live_items(pack),
            "can_dissolve": pack.status in LIVE_PACK_STATUSES,
        }
        return TemplateResponse(request, "admin/distributions/pack/dissolve_confirmation.html", context)

    def autocomplete_items_view(self, request, object_id):
        pack = self._pack_for_change(request, object_id)
        return PackItemAutocompleteView.as_view(admin_site=self.admin_site, pack=pack)(request)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        pack = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if pack is not None:
            composition = pack_composition(pack)
            extra_context |= {
                "composition": composition,
                "missing": pack_missing_text(composition),
                "editable": pack.status in EDITABLE_PACK_STATUSES and self.has_change_permission(request, pack),
                "live": pack.status in LIVE_PACK_STATUSES,
                "scan_form": ScanForm(),
                "pick_form": PickForm(
                    search_url=reverse("admin:distributions_pack_items_autocomplete", args=[pack.pk])
                ),
            }
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.action(description="Défaire les packs sélectionnés", permissions=["change"])
    def dissolve_packs(self, request, queryset):
        done, refused = [], []
        for pack in queryset:
            try:
                pack_dissolve(pack=pack, by=request.user)
            except ValidationError as error:
                refused.append(" ".join(error.messages))
            else:
                done.append(pack.reference)
        if done:
            messages.success(
                request, f"Packs défaits : {', '.join(done)}. Leurs matériels sont de nouveau disponibles."
            )
        for message in refused:
            messages.error(request, message)
