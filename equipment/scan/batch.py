"""The technicians' scan page: what a scan means, and the batch of scanned items kept in the session.

A barcode scanner "types" what the code holds, then Enter. Our labels hold the item page's URL, a typed tag
holds just the tag: both are understood.
"""

import re
from dataclasses import dataclass
from urllib.parse import unquote

from django import forms

from equipment.enums import ItemStatus
from equipment.models import Item
from equipment.services import BulkOutcome

MODE_OPEN = "open"
MODE_BATCH = "batch"
MAX_BATCH = 500
SESSION_KEY = "scan_batch"
ITEM_PATH = re.compile(r"/materiel/([^/?#\s]+)/?")

# The moves a technician applies to a whole trolley of items. Reserving and distributing follow packs and
# handovers, which have their own pages.
BATCH_TRANSITIONS = [
    (ItemStatus.IN_AUDIT, "Mettre en audit"),
    (ItemStatus.REFURBISHED, "Marquer reconditionné (tous les supports doivent être effacés)"),
    (ItemStatus.RECYCLED, "Envoyer au recyclage DEEE (motif obligatoire)"),
]


def tag_from_scan(text: str) -> str:
    """The asset tag in what a scanner typed: a bare tag, or the URL of an item page."""
    text = (text or "").strip()
    match = ITEM_PATH.search(text)
    return unquote(match[1]).strip() if match else text


def item_by_tag(tag: str) -> Item | None:
    # Tags are unique ignoring case (database constraint): a scanner in lower case finds the same item.
    return Item.objects.filter(asset_tag__iexact=tag).first() if tag else None


@dataclass(frozen=True)
class Feedback:
    """What the last scan did, shown (and read out) at once."""

    level: str  # success | warning | danger
    message: str


class ScanForm(forms.Form):
    mode = forms.ChoiceField(
        label="Que faire à chaque scan ?",
        choices=[(MODE_OPEN, "Ouvrir la fiche du matériel"), (MODE_BATCH, "Ajouter le matériel au lot")],
        widget=forms.RadioSelect,
        initial=MODE_OPEN,
    )
    tag = forms.CharField(
        label="Étiquette scannée",
        max_length=300,
        required=False,
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        ),
        help_text="Scannez le QR code (le scanner valide avec Entrée) ou tapez l'étiquette puis Entrée.",
    )


class BatchTransitionForm(forms.Form):
    to_status = forms.ChoiceField(label="Changement à appliquer", choices=BATCH_TRANSITIONS, widget=forms.RadioSelect)
    reason = forms.CharField(
        label="Motif du recyclage",
        max_length=300,
        required=False,
        help_text="Obligatoire pour un recyclage DEEE (ex. : « écran cassé »).",
    )
    note = forms.CharField(label="Note pour le journal (facultatif)", max_length=500, required=False)

    def clean(self):
        data = super().clean()
        if data.get("to_status") == ItemStatus.RECYCLED and not (data.get("reason") or "").strip():
            self.add_error("reason", "Indiquez le motif du recyclage : il figure au registre DEEE.")
        return data


class ScanBatch:
    """The scanned items, kept in the session between scans (works with and without JavaScript)."""

    def __init__(self, session):
        self.session = session
        state = session.get(SESSION_KEY) or {}
        self.mode: str = state.get("mode", MODE_OPEN)
        self.ids: list[int] = list(state.get("ids", []))
        self.counts: dict[str, int] = dict(state.get("counts", {}))
        self.unknown: list[str] = list(state.get("unknown", []))
        self.feedback: Feedback | None = Feedback(**state["feedback"]) if state.get("feedback") else None
        self.report: list[dict] = list(state.get("report", []))

    def save(self) -> None:
        self.session[SESSION_KEY] = {
            "mode": self.mode,
            "ids": self.ids,
            "counts": self.counts,
            "unknown": self.unknown,
            "feedback": self.feedback.__dict__ if self.feedback else None,
            "report": self.report,
        }

    def pop_messages(self) -> tuple[Feedback | None, list[dict]]:
        """The last scan's feedback and the last report: shown once."""
        feedback, report = self.feedback, self.report
        self.feedback, self.report = None, []
        self.save()
        return feedback, report

    def add(self, text: str) -> Feedback:
        tag = tag_from_scan(text)
        item = item_by_tag(tag)
        if item is None:
            if tag and tag not in self.unknown:
                self.unknown.append(tag)
            self.feedback = Feedback("danger", f"Étiquette inconnue : « {tag} ». Rien n'a été ajouté au lot.")
        elif item.pk in self.ids:
            count = self.counts[str(item.pk)] = self.counts.get(str(item.pk), 1) + 1
            self.feedback = Feedback(
                "warning", f"Doublon : {item.asset_tag} est déjà dans le lot (scanné {count} fois), compté une fois."
            )
        elif len(self.ids) >= MAX_BATCH:
            self.feedback = Feedback(
                "danger", f"Le lot est plein ({MAX_BATCH} matériels) : appliquez un changement ou videz-le."
            )
        else:
            self.ids.append(item.pk)
            self.counts[str(item.pk)] = 1
            self.feedback = Feedback("success", f"{item.asset_tag} ajouté au lot ({len(self.ids)} matériels).")
        self.save()
        return self.feedback

    def remove(self, pk: int) -> None:
        if pk in self.ids:
            self.ids.remove(pk)
            self.counts.pop(str(pk), None)
            self.feedback = Feedback("success", "Matériel retiré du lot.")
        self.save()

    def clear(self) -> None:
        self.ids, self.counts, self.unknown = [], {}, []
        self.save()

    def items(self) -> list[Item]:
        """The batch's items in scan order, each with its scan count (one query)."""
        by_pk = Item.objects.in_bulk(self.ids)
        items = []
        for pk in self.ids:
            if pk in by_pk:  # an item deleted meanwhile simply drops out
                item = by_pk[pk]
                item.scan_count = self.counts.get(str(pk), 1)
                items.append(item)
        return items

    def record_report(self, outcome: BulkOutcome) -> None:
        """Keep what the bulk transition did to each item, in scan order, for the report."""
        rows = [(item, True, f"Fait : maintenant « {item.get_status_display()} ».") for item in outcome.done]
        rows += [(item, False, reason) for item, reason in outcome.refused]
        position = {pk: index for index, pk in enumerate(self.ids)}
        rows.sort(key=lambda row: position.get(row[0].pk, len(position)))
        self.report = [{"tag": item.asset_tag, "done": done, "message": message} for item, done, message in rows]
        self.save()
