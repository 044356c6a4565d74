"""Admin for hardware snapshots: the "add" page uploads a Workbench JSON file and imports it."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html

from equipment import snapshots
from equipment.models import SnapshotImport
from equipment.snapshots.services import snapshot_ingest


class SnapshotUploadForm(forms.Form):
    file = forms.FileField(
        label="Rapport matériel",
        help_text="Le fichier JSON produit par l'eReuse Workbench (Workbench 11/12 ou workbench-script).",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.FILE_UPLOAD_MAX_SIZE
        if upload.size > limit:
            raise ValidationError(
                f"Le fichier pèse {filesizeformat(upload.size)} ; la taille maximale est {filesizeformat(limit)}."
            )
        # The content decides, not the file name: it must decode as a JSON object.
        try:
            self.document = snapshots.load(upload.read())
        except snapshots.SnapshotError as error:
            raise ValidationError(error.messages) from error
        return upload


@admin.register(SnapshotImport)
class SnapshotImportAdmin(admin.ModelAdmin):
    list_display = ["imported_at", "item_link", "software", "uuid", "imported_by"]
    list_select_related = ["item", "imported_by"]
    list_filter = ["imported_at"]
    search_fields = ["uuid", "item__asset_tag", "item__serial_number"]
    fields = ["item_link", "uuid", "software", "imported_at", "imported_by"]
    readonly_fields = fields
    upload_template = "admin/equipment/snapshotimport/upload.html"

    def get_queryset(self, request):
        return super().get_queryset(request).defer("raw")  # the full JSON stays in the database

    def has_change_permission(self, request, obj=None):
        return False  # a snapshot is a record of what was imported: read-only

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="matériel", ordering="item__asset_tag")
    def item_link(self, snapshot):
        url = reverse("admin:equipment_item_change", args=[snapshot.item_id])
        return format_html('<a href="{}">{}</a>', url, snapshot.item)

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = SnapshotUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                outcome = snapshot_ingest(data=form.document, by=request.user)
            except ValidationError as error:
                form.add_error("file", error.messages)
            else:
                if outcome.already_imported:
                    messages.info(request, outcome.summary())
                else:
                    messages.success(request, f"Rapport importé : {outcome.summary()}")
                for warning in outcome.warnings:
                    messages.warning(request, warning)
                return redirect("admin:equipment_item_change", outcome.item.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": "Importer un rapport matériel",
            "opts": self.model._meta,
            "form": form,
            "max_size": filesizeformat(settings.FILE_UPLOAD_MAX_SIZE),
            "has_view_permission": self.has_view_permission(request),
            **(extra_context or {}),
        }
        return TemplateResponse(request, self.upload_template, context)
