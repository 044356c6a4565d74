"""Forms of the technicians' admin: item edit form, audit checklist, recycling and WEEE shipment confirmations."""

import datetime

from django import forms
from django.utils import timezone

from equipment.enums import AUDIT_CHECKLIST, COMPUTER_CATEGORIES, ItemStatus, WeeeCategory
from equipment.forms import DriveFatesForm
from equipment.models import Audit, Item, WeeeShipment
from equipment.services import AUDIT_STATUSES

RECYCLED_REQUIRED = ("weight_kg", "recycling_reason", "weee_category")


class ItemAdminForm(forms.ModelForm):
    """Status never moves here (services only); a recycled item keeps the data its constraint demands.

    `loaded_version` carries the item's `updated_at` when the page was opened: if someone saved the item since
    (this page, a status button, a snapshot), the save is refused and the earlier change kept. A change posted
    without it is refused the same way: a page that cannot say what it started from never overwrites.
    """

    loaded_version = forms.CharField(widget=forms.HiddenInput, required=False)
    no_storage = forms.BooleanField(
        label="Aucun support de stockage",
        required=False,
        help_text="Cochez à l'audit après avoir vérifié que l'ordinateur n'a ni disque dur ni SSD : son stockage est "
        "alors justifié (votre nom et l'heure sont notés). Sinon, enregistrez chaque support et son effacement.",
    )

    class Meta:
        model = Item
        fields = [
            "asset_tag",
            "category",
            "form_factor",
            "donation",
            "received_on",
            "manufacturer",
            "model",
            "serial_number",
            "cpu",
            "ram_mb",
            "os_installed",
            "weight_kg",
            "recycling_reason",
            "weee_category",
            "notes",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None and "asset_tag" in self.fields:
            self.fields["asset_tag"].required = False
            self.fields["asset_tag"].help_text = "Laisser vide : une étiquette est attribuée automatiquement."
        if self.instance.pk is not None:
            self.fields["loaded_version"].initial = self.instance.updated_at.isoformat()
        item = self.instance
        if item.pk is None or item.category not in COMPUTER_CATEGORIES:
            del self.fields["no_storage"]
        else:
            self.fields["no_storage"].initial = item.no_storage_confirmed_at is not None
            # Past the audit the check is part of why the computer could leave: it stays.
            self.fields["no_storage"].disabled = item.status not in AUDIT_STATUSES

    def clean_no_storage(self):
        checked = self.cleaned_data["no_storage"]
        item = self.instance
        if checked and item.no_storage_confirmed_at is None:
            count = item.drives.count()
            if count:
                raise forms.ValidationError(
                    f"{count} support{'s' if count > 1 else ''} de stockage "
                    f"{'sont enregistrés' if count > 1 else 'est enregistré'} sur cette fiche : « aucun support » "
                    "la contredirait. Supprimez d'abord un support enregistré par erreur, puis enregistrez."
                )
        return checked

    def _check_not_changed_since_loaded(self) -> None:
        if self.instance.pk is None:
            return
        loaded = (self.cleaned_data.get("loaded_version") or "").strip()
        # Locked until the admin's transaction ends: nobody saves the item between this check and our save.
        current = Item.objects.select_for_update().filter(pk=self.instance.pk).values_list("updated_at", flat=True)
        current = current.first()
        try:
            unchanged = bool(loaded) and current is not None and datetime.datetime.fromisoformat(loaded) == current
        except ValueError:
            unchanged = False
        if unchanged:
            return
        when = f" le {timezone.localtime(current):%d/%m/%Y à %H:%M}" if current else ""
        # Saving again from this page (now carrying the current version) is a decision taken knowing it.
        self.data = self.data.copy()
        self.data[self.add_prefix("loaded_version")] = current.isoformat() if current else ""
        if loaded:
            what = f"Quelqu'un d'autre a enregistré ce matériel{when}, après l'ouverture de cette page"
        else:
            what = f"Cette page ne dit pas quelle version du matériel elle modifie (dernier enregistrement{when})"
        raise forms.ValidationError(
            f"{what} : vos modifications ne sont pas enregistrées, pour ne pas effacer celles de quelqu'un "
            "d'autre. Les valeurs affichées sont les vôtres ; ouvrez le matériel dans un autre onglet pour voir "
            "celles enregistrées, puis enregistrez à nouveau si les vôtres doivent les remplacer."
        )

    def clean(self):
        self._check_not_changed_since_loaded()
        cleaned = super().clean()
        if self.instance.pk is not None and self.instance.status == ItemStatus.RECYCLED:
            for name in RECYCLED_REQUIRED:
                if name in self.fields and cleaned.get(name) in (None, ""):
                    self.add_error(name, "Obligatoire pour un matériel recyclé.")
        return cleaned


class AuditForm(forms.ModelForm):
    """Audit with its checklist as checkboxes; the questions depend on the item's category."""

    checklist_questions: list[tuple[str, str]] = []

    checklist_ok = forms.MultipleChoiceField(
        label="Points de contrôle conformes",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Cochez ce qui fonctionne ; un point non coché est enregistré comme non conforme.",
    )

    class Meta:
        model = Audit
        fields = ["audited_on", "grade", "checklist_ok", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["checklist_ok"].choices = self.checklist_questions
        if self.instance.pk is None:
            self.fields["audited_on"].initial = timezone.localdate()
        else:
            self.initial["checklist_ok"] = [key for key, passed in (self.instance.checklist or {}).items() if passed]

    def clean(self):
        cleaned = super().clean()
        checked = set(cleaned.get("checklist_ok") or [])
        # Keep answers to questions this category no longer asks (snapshots, older checklists).
        self.instance.checklist = {
            **(self.instance.checklist or {}),
            **{key: key in checked for key, _label in self.checklist_questions},
        }
        return cleaned


def audit_form_for(category: str) -> type[AuditForm]:
    """The audit form asking the checklist questions of `category`."""
    return type("AuditForm", (AuditForm,), {"checklist_questions": AUDIT_CHECKLIST.get(category, [])})


class RecycleForm(DriveFatesForm):
    """What recycling needs: a reason, a weight for the items that have none, and for each computer what became
    of its drives."""

    reason = forms.CharField(label="Motif de recyclage", max_length=300)
    weight_kg = forms.DecimalField(
        label="Poids unitaire (kg) des matériels sans poids",
        required=False,
        min_value=0,
        max_digits=7,
        decimal_places=2,
        help_text="Appliqué uniquement aux matériels dont le poids n'est pas encore saisi.",
    )
    weee_category = forms.ChoiceField(
        label="Catégorie DEEE",
        required=False,
        choices=[("", "Selon la catégorie de chaque matériel"), *WeeeCategory.choices],
    )

    def __init__(self, *args, missing_weight: list[Item], items: list[Item], **kwargs):
        super().__init__(*args, items=items, **kwargs)
        self.missing_weight = missing_weight
        if not missing_weight:
            del self.fields["weight_kg"]

    def clean_weight_kg(self):
        weight = self.cleaned_data.get("weight_kg")
        if weight is None and self.missing_weight:
            tags = ", ".join(item.asset_tag for item in self.missing_weight)
            raise forms.ValidationError(f"Indiquez le poids : ces matériels n'en ont pas ({tags}).")
        return weight


class ShipmentChoiceForm(forms.Form):
    shipment = forms.ModelChoiceField(
        label="Enlèvement DEEE",
        queryset=WeeeShipment.objects.all(),
        empty_label="Choisir un enlèvement",
        error_messages={"required": "Choisissez l'enlèvement DEEE."},
    )
