"""The technicians' workplace: the item list and page (drives, audits, erasures, status log).

Status only moves through equipment.services (bulk actions, change-page buttons); nothing here writes it directly.
"""

from django.contrib import admin
from django.contrib.admin.views.main import IS_POPUP_VAR, SEARCH_VAR
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, prefetch_related_objects
from django.forms.models import BaseInlineFormSet
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin

from core.autocomplete import PreloadedAutocompleteMixin
from core.history import FrenchHistoryAdminMixin
from core.pagination import LargeTablePaginator
from equipment.admin.actions import STATUS_ACTIONS, ItemStatusActionsMixin, transitions_from
from equipment.admin.forms import ItemAdminForm, audit_form_for
from equipment.admin.records import person_name
from equipment.admin.snapshots import snapshot_moment, snapshot_sender
from equipment.enums import COMPUTER_CATEGORIES, ItemStatus
from equipment.labels.views import print_labels
from equipment.models import Audit, Drive, ErasureRecord, Item, StatusChange
from equipment.selectors import whole_matches
from equipment.services import item_confirm_no_storage, item_create
from equipment.storage import past_audit, storage_refusal

# Fields the change form saves: never the status nor what only services set.
SERVICE_ONLY_FIELDS = {
    "id",
    "status",
    "status_changed_at",
    "weee_shipment",
    "created_at",
    "no_storage_confirmed_by",
    "no_storage_confirmed_at",
    "erasure_exempt",
}


def _finished(record) -> str:
    return f", fini le {timezone.localtime(record.finished_at):%d/%m/%Y %H:%M}" if record.finished_at else ""


class DonationListFilter(admin.RelatedFieldListFilter):
    """The latest donations (and the one filtered on), with their donor in one query. Years bring thousands of
    donations: listing them all made every load of the item list read and render each one."""

    RECENT = 15

    def field_choices(self, field, request, model_admin):
        donations = field.related_model.objects.select_related("donor").order_by("-received_on", "-id")
        choices = list(donations[: self.RECENT])
        if self.lookup_val and not any(str(donation.pk) in self.lookup_val for donation in choices):
            choices += list(donations.filter(pk__in=[value for value in self.lookup_val if value.isdigit()]))
        return [(donation.pk, str(donation)) for donation in choices]


class ShipmentStateFilter(admin.SimpleListFilter):
    title = "enlèvement DEEE"
    parameter_name = "enlevement"

    def lookups(self, request, model_admin):
        return [("a_enlever", "Recyclé, à enlever"), ("enleve", "Parti dans un enlèvement")]

    def queryset(self, request, queryset):
        if self.value() == "a_enlever":
            return queryset.filter(status=ItemStatus.RECYCLED, weee_shipment__isnull=True)
        if self.value() == "enleve":
            return queryset.filter(weee_shipment__isnull=False)
        return queryset


def item_drives(item: Item):
    """The item's drives (removed ones too) with their erasures and who ran them, and the snapshot that last saw
    each, read once per change page (two queries): the drives inline and the « effacements par support » summary
    both show them."""
    if "drives" not in getattr(item, "_prefetched_objects_cache", {}):
        erasures = Prefetch("erasures", queryset=ErasureRecord.objects.select_related("technician"))
        drives = Drive.objects.select_related("last_seen_in").defer("last_seen_in__raw").prefetch_related(erasures)
        prefetch_related_objects([item], Prefetch("drives", queryset=drives))
    return item.drives.all()


class DriveFormSet(BaseInlineFormSet):
    """Shows the current drives `item_drives` read (a drive a newer snapshot no longer lists is shown in the
    erasures summary only). A form sent back reads them afresh: its edits must not show up in the erasures summary
    when it comes back with errors."""

    def get_queryset(self):
        if self.instance.pk is None or self.is_bound:
            return super().get_queryset()
        if not hasattr(self, "_queryset"):
            self._queryset = [drive for drive in item_drives(self.instance) if drive.removed_at is None]
        return self._queryset


class DriveInline(admin.TabularInline):
    model = Drive
    formset = DriveFormSet
    extra = 0
    fields = ["kind", "manufacturer", "model", "serial_number", "size_gb", "cleared"]
    readonly_fields = ["cleared"]
    verbose_name_plural = "supports de stockage (dans l'ordinateur)"

    # Past the audit, a drive added or deleted would make the record say something else than what was checked:
    # the item goes back to the audit first (the database refuses a drive added, too).
    def has_add_permission(self, request, obj=None):
        return not past_audit(obj) and super().has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not past_audit(obj) and super().has_delete_permission(request, obj)

    def get_queryset(self, request):
        return super().get_queryset(request).current().prefetch_related("erasures")

    @admin.display(description="effacé ou détruit", boolean=True)
    def cleared(self, drive):
        return drive.is_cleared if drive.pk else None


class AuditInline(admin.StackedInline):
    model = Audit
    extra = 0
    readonly_fields = ["technician_name"]

    @admin.display(description="technicien")
    def technician_name(self, audit):
        return person_name(audit.technician)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("technician")

    def get_formset(self, request, obj=None, **kwargs):
        kwargs["form"] = audit_form_for(obj.category if obj else "")
        return super().get_formset(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        return ["audited_on", "grade", "checklist_ok", "notes", "technician_name"]


class StatusChangeInline(admin.TabularInline):
    """The append-only status log, read-only."""

    model = StatusChange
    extra = 0
    can_delete = False
    verbose_name_plural = "journal des statuts"
    fields = ["at", "from_status", "to_status", "by_name", "source", "note"]
    readonly_fields = fields

    @admin.display(description="par")
    def by_name(self, change):
        return person_name(change.by)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by", "item")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Item)
class ItemAdmin(PreloadedAutocompleteMixin, ItemStatusActionsMixin, FrenchHistoryAdminMixin, SimpleHistoryAdmin):
    form = ItemAdminForm
    change_form_template = "admin/equipment/item/change_form.html"
    # Fits 1280 px beside the filters: make and model in one column, the donation by its reference, short dates.
    list_display = [
        "tag",
        "category",
        "make_model",
        "serial_number",
        "status",
        "donation_reference",
        "received",
        "weight",
    ]
    list_filter = [
        "status",
        "category",
        ("donation", DonationListFilter),
        "received_on",
        ShipmentStateFilter,
    ]
    # No date_hierarchy: its year links come from SELECT DISTINCT over the whole table on every load (66 ms at
    # 100,000 items, ten times that at a million); the « reçu le » filter covers the same need.
    # Counts: LargeTablePaginator (estimated beyond 10,000 rows), and no second COUNT(*) of the whole table.
    paginator = LargeTablePaginator
    show_full_result_count = False
    search_fields = ["asset_tag", "serial_number", "model", "manufacturer"]
    search_help_text = "Étiquette (une étiquette exacte ouvre le matériel), n° de série, marque ou modèle."
    list_select_related = ["donation__donor"]
    autocomplete_fields = ["donation"]
    actions = [*STATUS_ACTIONS, print_labels]
    fieldsets = [
        (None, {"fields": ["asset_tag", "category", "form_factor", "status", "donation", "received_on"]}),
        (
            "Caractéristiques",
            {"fields": ["manufacturer", "model", "serial_number", "cpu", "ram_mb", "os_installed", "weight_kg"]},
        ),
        ("Effacements", {"fields": ["erasures_summary"]}),
        ("Rapports matériels", {"fields": ["snapshots_summary"]}),
        ("Recyclage (DEEE)", {"fields": ["recycling_reason", "weee_category", "weee_shipment"]}),
        ("Notes", {"fields": ["notes"]}),
    ]

    # --- pages ---

    @admin.display(description="étiquette", ordering="asset_tag")
    def tag(self, item):
        return format_html('<span class="asset-tag">{}</span>', item.asset_tag)

    @admin.display(description="marque et modèle", ordering="model")
    def make_model(self, item):
        return " ".join(part for part in (item.manufacturer, item.model) if part) or "—"

    @admin.display(description="don", ordering="donation__reference")
    def donation_reference(self, item):
        if item.donation_id is None:
            return "—"
        return format_html('<span class="nowrap" title="{}">{}</span>', item.donation, item.donation.reference)

    @admin.display(description="reçu le", ordering="received_on")
    def received(self, item):
        return f"{item.received_on:%d/%m/%Y}" if item.received_on else "—"

    @admin.display(description="poids (kg)", ordering="weight_kg")
    def weight(self, item):
        return str(item.weight_kg).replace(".", ",") if item.weight_kg is not None else "—"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("donation__donor", "weee_shipment")

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            hidden = {"Effacements", "Rapports matériels", "Recyclage (DEEE)"}
            return [fieldset for fieldset in self.fieldsets if fieldset[0] not in hidden]
        if obj.category in COMPUTER_CATEGORIES:
            storage = ("Effacements", {"fields": ["erasures_summary", "no_storage"]})
            return [storage if fieldset[0] == "Effacements" else fieldset for fieldset in self.fieldsets]
        return self.fieldsets

    def get_readonly_fields(self, request, obj=None):
        readonly = ["status", "weee_shipment", "erasures_summary", "snapshots_summary"]
        if obj is not None:
            readonly.append("asset_tag")  # printed on the label
            if obj.status != ItemStatus.RECYCLED:
                readonly += ["recycling_reason", "weee_category"]  # set by the recycle action
        return readonly

    def get_inlines(self, request, obj):
        return [DriveInline] if obj is None else [DriveInline, AuditInline, StatusChangeInline]

    def get_changeform_initial_data(self, request):
        return {"received_on": timezone.localdate(), **super().get_changeform_initial_data(request)}

    def changelist_view(self, request, extra_context=None):
        query = request.GET.get(SEARCH_VAR, "").strip()
        if request.method == "GET" and query and IS_POPUP_VAR not in request.GET:
            # A barcode scanner types the tag and Enter: open that item at once (an exact serial too, when unique).
            pk = whole_matches(query).scanned_pk
            if pk is not None:
                return redirect("admin:equipment_item_change", pk)
        return super().changelist_view(request, {"title": "Matériels", **(extra_context or {})})

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk is not None and self.has_change_permission(request, obj):
            context["transitions"] = [
                (to_status, label, reverse("admin:equipment_item_transition", args=[obj.pk, to_status]))
                for to_status, label in transitions_from(obj.status)
            ]
        return super().render_change_form(request, context, add, change, form_url, obj)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            # Reverting would rewrite the status behind the state machine's back.
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request, obj=None):
        return True

    # --- saving ---

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        if not change:
            item_create(item=obj, by=request.user, note="Saisi dans l'atelier")
            return
        update_fields = [f.name for f in Item._meta.concrete_fields if f.name not in SERVICE_ONLY_FIELDS]
        obj.save(update_fields=update_fields)
        if "no_storage" in form.changed_data:
            confirmed = item_confirm_no_storage(item=obj, by=request.user, confirmed=form.cleaned_data["no_storage"])
            obj.no_storage_confirmed_by = confirmed.no_storage_confirmed_by
            obj.no_storage_confirmed_at = confirmed.no_storage_confirmed_at

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for instance in instances:
            if isinstance(instance, Audit) and instance.technician_id is None:
                instance.technician = request.user
            instance.save()
        for instance in formset.deleted_objects:
            instance.delete()
        formset.save_m2m()

    # --- read-only blocks ---

    @admin.display(description="effacements par support")
    def erasures_summary(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        drives = item_drives(obj)
        add_url = reverse("admin:equipment_erasurerecord_add")
        rows = []
        for drive in drives:
            erasures = format_html_join(
                "",
                "<li>{} — {} ({}{})</li>",
                (
                    (
                        record.get_method_display(),
                        record.get_result_display(),
                        record.tool or "outil non précisé",
                        f", fini le {timezone.localtime(record.finished_at):%d/%m/%Y %H:%M}"
                        if record.finished_at
                        else "",
                    )
                    for record in drive.erasures.all()
                ),
            )
            fate = drive.get_fate_display() if drive.fate else "—"
            if drive.fate and drive.fate_recorded_at:
                fate += f" (noté le {timezone.localtime(drive.fate_recorded_at):%d/%m/%Y})"
            rows.append(
                format_html(
                    '<tr><td>{}{}</td><td><ul class="erasures">{}</ul></td><td>{}</td><td><a href="{}?drive={}">'
                    "Ajouter un effacement</a></td></tr>",
                    drive,
                    _removed_note(drive),
                    erasures or format_html("<li>{}</li>", "Aucun effacement"),
                    fate,
                    add_url,
                    drive.pk,
                )
            )
        table = (
            format_html(
                "<table><thead><tr><th>Support</th><th>Effacements</th><th>Devenu au recyclage</th><th></th></tr>"
                "</thead><tbody>{}</tbody></table>",
                format_html_join("", "{}", ((row,) for row in rows)),
            )
            if rows
            else format_html("<p>{}</p>", "Aucun support de stockage enregistré.")
        )
        return format_html("{}{}", table, self._storage_state(obj))

    def _storage_state(self, item):
        """Where the item stands with the storage rule, in one sentence the technician can act on."""
        if item.category not in COMPUTER_CATEGORIES:
            return ""
        if item.erasure_exempt:
            return format_html(
                '<p class="storage-state">{}</p>',
                f"Entré par l'import historique déjà « {item.get_status_display().lower()} » : ses effacements ne "
                "sont pas suivis ici. S'il revient à l'audit, la règle s'appliquera.",
            )
        parts = []
        if item.no_storage_confirmed_at:
            who = person_name(item.no_storage_confirmed_by)
            when = timezone.localtime(item.no_storage_confirmed_at)
            parts.append(f"Aucun support de stockage — vérifié par {who} le {when:%d/%m/%Y à %H:%M}.")
        if item.status in (ItemStatus.RECEIVED, ItemStatus.IN_AUDIT):
            refusal = storage_refusal(item)
            parts.append(
                f"Pas encore reconditionnable — {refusal.split(' : ', 1)[1]}"
                if refusal
                else "Stockage justifié : il peut être marqué reconditionné."
            )
        return format_html_join("", '<p class="storage-state">{}</p>', ((part,) for part in parts))

    @admin.display(description="rapports matériels")
    def snapshots_summary(self, obj):
        """The item's snapshots, newest taken first (the first decides the specs), each file downloadable."""
        if obj is None or obj.pk is None:
            return "—"
        shown = 20
        snapshots = list(
            obj.snapshots.select_related("imported_by").defer("raw").order_by("-taken_at", "-id")[: shown + 1]
        )
        if not snapshots:
            return "Aucun rapport matériel."
        rows = format_html_join(
            "",
            '<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td><a href="{}">Télécharger</a></td></tr>',
            (
                (
                    snapshot_moment(snapshot.taken_at) + (" (le plus récent)" if index == 0 else ""),
                    snapshot_moment(snapshot.imported_at),
                    snapshot.software or "—",
                    snapshot.get_channel_display() or "—",
                    snapshot_sender(snapshot),
                    reverse("admin:equipment_snapshotimport_download", args=[snapshot.pk]),
                )
                for index, snapshot in enumerate(snapshots[:shown])
            ),
        )
        more = ""
        if len(snapshots) > shown:
            url = reverse("admin:equipment_snapshotimport_changelist") + f"?q={obj.asset_tag}"
            more = format_html('<p><a href="{}">Tous les rapports de ce matériel</a></p>', url)
        return format_html(
            "<table><thead><tr><th>Pris le</th><th>Importé le</th><th>Logiciel</th><th>Reçu par</th>"
            "<th>Envoyé par</th><th>Fichier</th></tr></thead><tbody>{}</tbody></table>{}",
            rows,
            more,
        )


def _removed_note(drive) -> str:
    if drive.removed_at is None:
        return ""
    seen = drive.last_seen_in
    where = f", vu pour la dernière fois dans le rapport pris le {snapshot_moment(seen.taken_at)}" if seen else ""
    return format_html(" <em>(retiré le {}{})</em>", snapshot_moment(drive.removed_at), where)
