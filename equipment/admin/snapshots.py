"""Admin for hardware snapshots: the "add" page uploads a Workbench JSON file and imports it (optionally into a
donation); every snapshot's file can be downloaded, with who sent it and when."""

import json

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from donations.models import Donation
from equipment.admin.records import person_name
from equipment.enums import SnapshotChannel
from equipment.models import Item, SnapshotImport
from equipment.snapshots.services import snapshot_ingest


class SnapshotUploadForm(forms.Form):
    file = forms.FileField(
        label="Rapport matériel",
        help_text="Le fichier JSON produit par l'eReuse Workbench (Workbench 11/12 ou workbench-script).",
    )

    def __init__(self, *args, admin_site, **kwargs):
        super().__init__(*args, **kwargs)
        # The workshop's own donation search (reference, donor), as on the item page.
        self.fields["donation"] = forms.ModelChoiceField(
            label="Don",
            queryset=Donation.objects.select_related("donor"),
            required=False,
            widget=AutocompleteSelect(Item._meta.get_field("donation"), admin_site),
            help_text="Facultatif : le don d'où vient ce matériel. Un matériel créé par le rapport y est rattaché "
            "(un matériel déjà enregistré aussi, s'il n'a pas encore de don).",
        )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.FILE_UPLOAD_MAX_SIZE
        if upload.size > limit:
            raise ValidationError(
                f"Le fichier pèse {filesizeformat(upload.size)} ; la taille maximale est {filesizeformat(limit)}."
            )
        return upload


@admin.register(SnapshotImport)
class SnapshotImportAdmin(admin.ModelAdmin):
    list_display = [
        "imported_at",
        "item_link",
        "taken_at",
        "software",
        "channel",
        "sender_name",
        "uuid",
        "download_link",
    ]
    list_select_related = ["item", "imported_by"]
    list_filter = ["imported_at", "channel"]
    search_fields = ["uuid", "item__asset_tag", "item__serial_number", "sender"]
    fields = [
        "item_link",
        "uuid",
        "software",
        "taken_at",
        "imported_at",
        "channel",
        "sender_name",
        "download_link",
        "manufacturer",
        "model",
        "cpu",
        "ram_mb",
    ]
    readonly_fields = fields
    upload_template = "admin/equipment/snapshotimport/upload.html"

    def get_queryset(self, request):
        return super().get_queryset(request).defer("raw")  # the JSON of old imports stays in the database

    def has_change_permission(self, request, obj=None):
        return False  # a snapshot is a record of what was imported: read-only

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        download = self.admin_site.admin_view(self.download_view)
        return [
            path("<int:object_id>/fichier/", download, name="equipment_snapshotimport_download"),
            *super().get_urls(),
        ]

    @admin.display(description="matériel", ordering="item__asset_tag")
    def item_link(self, snapshot):
        url = reverse("admin:equipment_item_change", args=[snapshot.item_id])
        return format_html('<a href="{}">{}</a>', url, snapshot.item)

    @admin.display(description="envoyé par")
    def sender_name(self, snapshot):
        return snapshot_sender(snapshot)

    @admin.display(description="fichier")
    def download_link(self, snapshot):
        url = reverse("admin:equipment_snapshotimport_download", args=[snapshot.pk])
        return format_html('<a href="{}">Télécharger</a>', url)

    def download_view(self, request, object_id):
        """The snapshot as it was received, as an attachment."""
        snapshot = get_object_or_404(SnapshotImport.objects.only("pk", "uuid", "file", "taken_at"), pk=object_id)
        if not self.has_view_permission(request, snapshot):
            raise PermissionDenied
        name = f"rapport-{snapshot.uuid or snapshot.pk}.json"
        if snapshot.file:
            try:
                handle = snapshot.file.open("rb")
            except OSError as error:
                raise Http404("Le fichier de ce rapport est introuvable dans le stockage.") from error
            return FileResponse(handle, as_attachment=True, filename=name, content_type="application/json")
        raw = SnapshotImport.objects.filter(pk=snapshot.pk).values_list("raw", flat=True).get()
        response = HttpResponse(json.dumps(raw, ensure_ascii=False, indent=1), content_type="application/json")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = SnapshotUploadForm(request.POST or None, request.FILES or None, admin_site=self.admin_site)
        if request.method == "POST" and form.is_valid():
            try:
                outcome = snapshot_ingest(
                    data=form.cleaned_data["file"].read(),
                    by=request.user,
                    channel=SnapshotChannel.UPLOAD,
                    donation=form.cleaned_data["donation"],
                )
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
            "media": self.media + form.media,
            "max_size": filesizeformat(settings.FILE_UPLOAD_MAX_SIZE),
            "has_view_permission": self.has_view_permission(request),
            **(extra_context or {}),
        }
        return TemplateResponse(request, self.upload_template, context)


def snapshot_sender(snapshot: SnapshotImport) -> str:
    """Who sent a snapshot: the Workbench token's name, the person who uploaded it, or the command."""
    if snapshot.channel == SnapshotChannel.API:
        return f"Workbench « {snapshot.sender} »" if snapshot.sender else "Workbench"
    if snapshot.imported_by_id:
        return person_name(snapshot.imported_by)
    if snapshot.channel == SnapshotChannel.COMMAND:
        return "commande import_snapshot"
    return "—"


def snapshot_moment(value) -> str:
    return f"{timezone.localtime(value):%d/%m/%Y %H:%M}" if value else "—"
