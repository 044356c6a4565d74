"""Status moves in the technicians' admin: one bulk action per allowed transition, recycling and WEEE shipments.

Every move goes through equipment.services; these only ask what the services need and report per item.
"""

from collections import defaultdict

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from equipment.admin.forms import RecycleForm, ShipmentChoiceForm
from equipment.enums import ALLOWED_TRANSITIONS, ItemStatus, WeeeCategory
from equipment.services import BulkOutcome, items_transition_bulk, weee_shipment_add_items

S = ItemStatus

# The workshop's edges of ALLOWED_TRANSITIONS, as the technicians name them: (action name, from, to, label).
TRANSITION_ACTIONS = [
    ("start_audit", S.RECEIVED, S.IN_AUDIT, "Passer en audit"),
    ("refurbish", S.IN_AUDIT, S.REFURBISHED, "Marquer reconditionné"),
    ("back_to_audit", S.REFURBISHED, S.IN_AUDIT, "Renvoyer en audit"),
    ("returned", S.DISTRIBUTED, S.IN_AUDIT, "Retour d'un foyer : repasser en audit"),
]
# Reserving, releasing and handing over follow a pack and a household: only the pack and event services
# (distributions) make these moves, so an item is never « réservé » without a pack nor « distribué » without a foyer.
DISTRIBUTION_EDGES = frozenset({(S.REFURBISHED, S.RESERVED), (S.RESERVED, S.REFURBISHED), (S.RESERVED, S.DISTRIBUTED)})
RECYCLE_LABEL = "Recycler (DEEE)…"


def status_label(status: str) -> str:
    return ItemStatus(status).label.lower()


def transitions_from(status: str) -> list[tuple[str, str]]:
    """(target status, button label) for each move allowed from `status`."""
    found = [(to, label) for _name, frm, to, label in TRANSITION_ACTIONS if frm == status]
    if ItemStatus.RECYCLED in ALLOWED_TRANSITIONS[status]:
        found.append((ItemStatus.RECYCLED, RECYCLE_LABEL))
    return found


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


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count > 1 else ''}"


STATUS_ACTIONS = [
    *(_transition_action(*spec) for spec in TRANSITION_ACTIONS),
    "action_recycle",
    "action_add_to_shipment",
]


class ItemStatusActionsMixin:
    """For ItemAdmin: the bulk actions of STATUS_ACTIONS and the change page's status buttons."""

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
                    f"{item.asset_tag} : « {label} » ne s'applique qu'aux matériels « {status_label(from_status)} » "
                    f"(statut actuel : « {status_label(item.status)} »).",
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
            form = RecycleForm(request.POST, missing_weight=missing_weight, items=items)
            if form.is_valid():
                report_outcome(request, self._recycle(items, form, request.user), "Recyclé")
                return None
        else:
            form = RecycleForm(missing_weight=missing_weight, items=items)
        return self._confirmation(
            request, "admin/equipment/item/recycle_confirmation.html", items, form, "Recycler (DEEE)", single
        )

    def _recycle(self, items, form, user) -> BulkOutcome:
        # Each item keeps its own weight and DEEE category unless the technician gave one for all.
        data = form.cleaned_data
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
                drive_fates=form.drive_fates(),
                no_storage_items=form.no_storage_items(),
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
                messages.error(
                    request, f"{item.asset_tag} : un matériel « {status_label(item.status)} » ne se recycle pas."
                )
                return HttpResponseRedirect(change_url)
            response = self.recycle_response(request, [item], single=True)
            return response or HttpResponseRedirect(change_url)
        if request.method != "POST":
            return HttpResponseRedirect(change_url)
        if (item.status, to_status) in DISTRIBUTION_EDGES:
            messages.error(
                request,
                f"{item.asset_tag} : « {status_label(to_status)} » se décide dans les packs et les distributions, "
                "pas dans l'atelier.",
            )
            return HttpResponseRedirect(change_url)
        outcome = items_transition_bulk(items=[item], to_status=to_status, by=request.user)
        report_outcome(request, outcome, f"Nouveau statut « {status_label(to_status)} »")
        return HttpResponseRedirect(change_url)
