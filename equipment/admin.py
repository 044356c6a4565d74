"""The technicians' workplace: items, drives, erasures and WEEE shipments.

Status only moves through equipment.services (bulk actions, change-page buttons); nothing here writes it directly.
"""

from collections import defaultdict
from decimal import Decimal

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import IS_POPUP_VAR, SEARCH_VAR
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Sum
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin

from equipment.admin_forms import ItemAdminForm, RecycleForm, ShipmentChoiceForm, audit_form_for
from equipment.enums import ALLOWED_TRANSITIONS, ItemStatus, WeeeCategory
from equipment.models import Audit, Drive, ErasureRecord, Item, StatusChange, WeeeShipment
from equipment.services import BulkOutcome, item_create, items_transition_bulk, weee_shipment_add_items

S = ItemStatus

# Every edge of ALLOWED_TRANSITIONS, as the technicians name it: (action name, from, to, label).
TRANSITION_ACTIONS = [
    ("start_audit", S.RECEIVED, S.IN_AUDIT, "Passer en audit"),
    ("refurbish", S.IN_AUDIT, S.REFURBISHED, "Marquer reconditionné"),
    ("back_to_audit", S.REFURBISHED, S.IN_AUDIT, "Renvoyer en audit"),
    ("reserve", S.REFURBISHED, S.RESERVED, "Réserver"),
    ("back_to_stock", S.RESERVED, S.REFURBISHED, "Remettre en stock"),
    ("distribute", S.RESERVED, S.DISTRIBUTED, "Marquer distribué"),
    ("returned", S.DISTRIBUTED, S.IN_AUDIT, "Retour d'un foyer : repasser en audit"),
]
RECYCLE_LABEL = "Recycler (DEEE)…"

# Fields the change form saves: never the status nor what only services set.
SERVICE_ONLY_FIELDS = {"id", "status", "status_changed_at", "weee_shipment", "created_at"}


def _label(status: str) -> str:
    return ItemStatus(status).label.lower()


def report_outcome(request, outcome: BulkOutcome, done_text: str) -> None:
    """One line for what was done (naming each item), one line per refused item with the service's reason."""
    if outcome.done:
        tags = ", ".join(item.asset_tag for item in outcome.done)
        messages.success(request, f"{done_text} ({len(outcome.done)}) : {tags}.")
    for _item, reason in outcome.refused:
        messages.error(request, f"Refusé — {reason}")


def _transition_action(name: str, from_status: str, to_status: str, label: str):
    def action(modeladmin, request, queryset):
        return modeladmin.run_transition(request, queryset, from_status, to_status, label)

    action.__name__ = f"action_{name}"
    return admin.action(description=label, permissions=["change"])(action)


def _kg(weight) -> str:
    # SQLite sums decimals as floats: round for display.
    return number_format(weight or 0, decimal_pos=2)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count > 1 else ''}"


class DonationListFilter(admin.RelatedFieldListFilter):
    """Donations with their donor in one query (the default filter fetches each donor separately)."""

    def field_choices(self, field, request, model_admin):
        donations = field.related_model.objects.select_related("donor").order_by("-received_on", "-id")
        return [(donation.pk, str(donation)) for donation in donations]


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


class DriveInline(admin.TabularInline):
    model = Drive
    extra = 0
    fields = ["kind", "manufacturer", "model", "serial_number", "size_gb", "cleared"]
    readonly_fields = ["cleared"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("erasures")

    @admin.display(description="effacé ou détruit", boolean=True)
    def cleared(self, drive):
        return drive.is_cleared if drive.pk else None


class AuditInline(admin.StackedInline):
    model = Audit
    extra = 0
    readonly_fields = ["technician"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("technician")

    def get_formset(self, request, obj=None, **kwargs):
        kwargs["form"] = audit_form_for(obj.category if obj else "")
        return super().get_formset(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        return ["audited_on", "grade", "checklist_ok", "notes", "technician"]


class StatusChangeInline(admin.TabularInline):
    """The append-only status log, read-only."""

    model = StatusChange
    extra = 0
    can_delete = False
    verbose_name_plural = "journal des statuts"
    fields = ["at", "from_status", "to_status", "by", "source", "note"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by", "item")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Item)
class ItemAdmin(SimpleHistoryAdmin):
    form = ItemAdminForm
    change_form_template = "admin/equipment/item/change_form.html"
    list_display = [
        "asset_tag",
        "category",
        "manufacturer",
        "model",
        "serial_number",
        "status",
        "donation",
        "received_on",
        "weight_kg",
    ]
    list_filter = [
        "status",
        "category",
        ("donation", DonationListFilter),
        "received_on",
        ShipmentStateFilter,
    ]
    date_hierarchy = "received_on"
    search_fields = ["asset_tag", "serial_number", "model", "manufacturer"]
    search_help_text = "Étiquette (une étiquette exacte ouvre le matériel), n° de série, marque ou modèle."
    list_select_related = ["donation__donor"]
    autocomplete_fields = ["donation"]
    actions = [
        *(_transition_action(*spec) for spec in TRANSITION_ACTIONS),
        "action_recycle",
        "action_add_to_shipment",
    ]
    fieldsets = [
        (None, {"fields": ["asset_tag", "category", "form_factor", "status", "donation", "received_on"]}),
        (
            "Caractéristiques",
            {"fields": ["manufacturer", "model", "serial_number", "cpu", "ram_mb", "os_installed", "weight_kg"]},
        ),
        ("Effacements", {"fields": ["erasures_summary"]}),
        ("Recyclage (DEEE)", {"fields": ["recycling_reason", "weee_category", "weee_shipment"]}),
        ("Notes", {"fields": ["notes"]}),
    ]

    # --- pages ---

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("donation__donor", "weee_shipment")

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [fieldset for fieldset in self.fieldsets if fieldset[0] not in {"Effacements", "Recyclage (DEEE)"}]
        return self.fieldsets

    def get_readonly_fields(self, request, obj=None):
        readonly = ["status", "weee_shipment", "erasures_summary"]
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
            pk = Item.objects.filter(asset_tag__iexact=query).values_list("pk", flat=True).first()
            if pk is None:
                serials = list(Item.objects.filter(serial_number__iexact=query).values_list("pk", flat=True)[:2])
                pk = serials[0] if len(serials) == 1 else None
            if pk is not None:
                return redirect("admin:equipment_item_change", pk)
        return super().changelist_view(request, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk is not None and self.has_change_permission(request, obj):
            context["transitions"] = [
                (to_status, label, reverse("admin:equipment_item_transition", args=[obj.pk, to_status]))
                for to_status, label in self._transitions_from(obj.status)
            ]
        return super().render_change_form(request, context, add, change, form_url, obj)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            # Reverting would rewrite the status behind the state machine's back.
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request, obj=None):
        return True

    @staticmethod
    def _transitions_from(status: str) -> list[tuple[str, str]]:
        """(target status, button label) for each move allowed from `status`."""
        found = [(to, label) for _name, frm, to, label in TRANSITION_ACTIONS if frm == status]
        if ItemStatus.RECYCLED in ALLOWED_TRANSITIONS[status]:
            found.append((ItemStatus.RECYCLED, RECYCLE_LABEL))
        return found

    # --- saving ---

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        if not change:
            item_create(item=obj, by=request.user, note="Saisi dans l'atelier")
            return
        update_fields = [f.name for f in Item._meta.concrete_fields if f.name not in SERVICE_ONLY_FIELDS]
        obj.save(update_fields=update_fields)

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
        drives = obj.drives.prefetch_related(
            Prefetch("erasures", queryset=ErasureRecord.objects.select_related("technician"))
        )
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
                        f", fini le {record.finished_at:%d/%m/%Y %H:%M}" if record.finished_at else "",
                    )
                    for record in drive.erasures.all()
                ),
            )
            rows.append(
                format_html(
                    '<tr><td>{}</td><td><ul class="erasures">{}</ul></td><td><a href="{}?drive={}">'
                    "Ajouter un effacement</a></td></tr>",
                    drive,
                    erasures or format_html("<li>{}</li>", "Aucun effacement"),
                    add_url,
                    drive.pk,
                )
            )
        if not rows:
            return "Aucun support de stockage enregistré."
        return format_html(
            "<table><thead><tr><th>Support</th><th>Effacements</th><th></th></tr></thead><tbody>{}</tbody></table>",
            format_html_join("", "{}", ((row,) for row in rows)),
        )

    # --- status moves ---

    def run_transition(self, request, queryset, from_status, to_status, label):
        items = list(queryset)
        wrong = [item for item in items if item.status != from_status]
        outcome = items_transition_bulk(
            items=[item for item in items if item.status == from_status], to_status=to_status, by=request.user
        )
        for item in wrong:
            outcome.refused.append(
                (
                    item,
                    f"{item.asset_tag} : « {label} » ne s'applique qu'aux matériels « {_label(from_status)} » "
                    f"(statut actuel : « {_label(item.status)} »).",
                )
            )
        report_outcome(request, outcome, f"{label} : fait")

    @admin.action(description=RECYCLE_LABEL, permissions=["change"])
    def action_recycle(self, request, queryset):
        return self.recycle_response(request, list(queryset))

    def recycle_response(self, request, items, single=False):
        """Ask the reason (and a weight when an item has none) before recycling; None once done."""
        missing_weight = [item for item in items if item.weight_kg is None]
        if "confirm" in request.POST:
            form = RecycleForm(request.POST, missing_weight=missing_weight)
            if form.is_valid():
                report_outcome(request, self._recycle(items, form.cleaned_data, request.user), "Recyclé")
                return None
        else:
            form = RecycleForm(missing_weight=missing_weight)
        return self._confirmation(
            request, "admin/equipment/item/recycle_confirmation.html", items, form, "Recycler (DEEE)", single
        )

    def _recycle(self, items, data, user) -> BulkOutcome:
        # Each item keeps its own weight and DEEE category unless the technician gave one for all.
        groups = defaultdict(list)
        for item in items:
            weight = None if item.weight_kg is not None else data.get("weight_kg")
            groups[(weight, data["weee_category"] or item.weee_category)].append(item)
        outcome = BulkOutcome(done=[], refused=[])
        for (weight, category), group in groups.items():
            part = items_transition_bulk(
                items=group,
                to_status=ItemStatus.RECYCLED,
                by=user,
                reason=data["reason"],
                weight_kg=weight,
                weee_category=category,
            )
            outcome.done += part.done
            outcome.refused += part.refused
        return outcome

    @admin.action(description="Ajouter à un enlèvement DEEE", permissions=["change"])
    def action_add_to_shipment(self, request, queryset):
        items = list(queryset)
        if "confirm" in request.POST:
            form = ShipmentChoiceForm(request.POST)
            if form.is_valid():
                shipment = form.cleaned_data["shipment"]
                try:
                    weee_shipment_add_items(shipment=shipment, items=items)
                except ValidationError as error:
                    messages.error(request, " ".join(error.messages) + " Aucun matériel n'a été ajouté.")
                else:
                    tags = ", ".join(item.asset_tag for item in items)
                    messages.success(
                        request, f"Ajoutés à l'enlèvement {shipment.slip_number} ({len(items)}) : {tags}."
                    )
                return None
        else:
            form = ShipmentChoiceForm()
        return self._confirmation(
            request, "admin/equipment/item/shipment_confirmation.html", items, form, "Ajouter à un enlèvement DEEE"
        )

    def _confirmation(self, request, template, items, form, title, single=False):
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.opts,
            "items": items,
            "form": form,
            "single": single,
            "action_name": request.POST.get("action", ""),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "items_count": _plural(len(items), "matériel"),
            "weee_categories": dict(WeeeCategory.choices),
        }
        return TemplateResponse(request, template, context)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/statut/<str:to_status>/",
                self.admin_site.admin_view(self.transition_view),
                name="equipment_item_transition",
            ),
            *super().get_urls(),
        ]

    def transition_view(self, request, object_id, to_status):
        """The change page's buttons: one allowed move of one item."""
        item = self.get_object(request, unquote(object_id))
        if item is None:
            raise Http404("Matériel introuvable.")
        if not self.has_change_permission(request, item):
            raise PermissionDenied
        if to_status not in ItemStatus.values:
            raise Http404("Statut inconnu.")
        change_url = reverse("admin:equipment_item_change", args=[item.pk])
        if to_status == ItemStatus.RECYCLED:
            if to_status not in ALLOWED_TRANSITIONS[item.status]:
                messages.error(request, f"{item.asset_tag} : un matériel « {_label(item.status)} » ne se recycle pas.")
                return HttpResponseRedirect(change_url)
            response = self.recycle_response(request, [item], single=True)
            return response or HttpResponseRedirect(change_url)
        if request.method != "POST":
            return HttpResponseRedirect(change_url)
        outcome = items_transition_bulk(items=[item], to_status=to_status, by=request.user)
        report_outcome(request, outcome, f"Nouveau statut « {_label(to_status)} »")
        return HttpResponseRedirect(change_url)


@admin.register(Drive)
class DriveAdmin(admin.ModelAdmin):
    """Drives are edited on their item's page; this list finds a drive by serial (and feeds the erasure form)."""

    list_display = ["__str__", "item", "kind", "size_gb", "cleared"]
    list_filter = ["kind"]
    search_fields = ["serial_number", "item__asset_tag", "model"]
    list_select_related = ["item"]
    raw_id_fields = ["item"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("item").prefetch_related("erasures")

    @admin.display(description="effacé ou détruit", boolean=True)
    def cleared(self, drive):
        return drive.is_cleared


@admin.register(ErasureRecord)
class ErasureRecordAdmin(admin.ModelAdmin):
    list_display = ["drive", "item_tag", "method", "result", "tool", "passes", "finished_at", "technician"]
    list_filter = ["method", "result", "from_snapshot"]
    search_fields = ["drive__serial_number", "drive__item__asset_tag", "tool"]
    list_select_related = ["drive__item", "technician"]
    autocomplete_fields = ["drive"]
    fields = ["drive", "method", "tool", "passes", "started_at", "finished_at", "result", "notes", "technician"]
    readonly_fields = ["technician"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("drive__item", "technician")

    @admin.display(description="matériel", ordering="drive__item__asset_tag")
    def item_tag(self, record):
        return record.drive.item.asset_tag

    def save_model(self, request, obj, form, change):
        if not change and obj.technician_id is None:
            obj.technician = request.user
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        if any(key in request.POST for key in ("_continue", "_addanother", IS_POPUP_VAR)):
            return super().response_add(request, obj, post_url_continue)
        messages.success(request, f"Effacement enregistré pour {obj.drive}.")
        return redirect("admin:equipment_item_change", obj.drive.item_id)


class ShipmentItemInline(admin.TabularInline):
    """The items of a shipment, read-only (items join a shipment through the item list's action)."""

    model = Item
    fk_name = "weee_shipment"
    extra = 0
    can_delete = False
    verbose_name_plural = "matériels de l'enlèvement"
    fields = ["item_link", "category", "manufacturer", "model", "weee_category", "weight_kg", "recycling_reason"]
    readonly_fields = fields

    @admin.display(description="étiquette")
    def item_link(self, item):
        return format_html('<a href="{}">{}</a>', reverse("admin:equipment_item_change", args=[item.pk]), item)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(WeeeShipment)
class WeeeShipmentAdmin(admin.ModelAdmin):
    list_display = ["slip_number", "recycler", "shipped_on", "items_count", "total_weight"]
    list_filter = ["shipped_on"]
    search_fields = ["slip_number", "recycler"]
    date_hierarchy = "shipped_on"
    readonly_fields = ["weight_by_category"]
    inlines = [ShipmentItemInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(items_total=Count("items"), weight_total=Sum("items__weight_kg"))

    def get_fields(self, request, obj=None):
        fields = ["recycler", "shipped_on", "slip_number", "notes"]
        return fields if obj is None else [*fields, "weight_by_category"]

    @admin.display(description="matériels", ordering="items_total")
    def items_count(self, shipment):
        return shipment.items_total

    @admin.display(description="poids total (kg)", ordering="weight_total")
    def total_weight(self, shipment):
        return _kg(shipment.weight_total)

    @admin.display(description="poids par catégorie DEEE")
    def weight_by_category(self, shipment):
        rows = (
            shipment.items.order_by()
            .values("weee_category")
            .annotate(weight=Sum("weight_kg"), count=Count("id"))
            .order_by("weee_category")
        )
        labels = dict(WeeeCategory.choices)
        lines = [(labels.get(row["weee_category"], "—"), row["count"], row["weight"] or 0) for row in rows]
        if not lines:
            return "Aucun matériel dans cet enlèvement."
        total = sum(Decimal(str(weight)) for _label, _count, weight in lines)
        return format_html(
            "<table><thead><tr><th>Catégorie DEEE</th><th>Matériels</th><th>Poids (kg)</th></tr></thead>"
            "<tbody>{}</tbody><tfoot><tr><th>Total</th><th>{}</th><th>{}</th></tr></tfoot></table>",
            format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td></tr>", ((a, b, _kg(c)) for a, b, c in lines)),
            sum(count for _label, count, _weight in lines),
            _kg(total),
        )


from equipment import admin_snapshots  # noqa: E402, F401  (registers the snapshot upload admin)
