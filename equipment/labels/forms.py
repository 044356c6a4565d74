import re
from decimal import Decimal

from django import forms
from django.db.models.functions import Upper

from donations.models import Donation
from equipment.labels.sheets import DEFAULT_LAYOUT, LAYOUTS, MAX_LABELS, Margins, overflow_problems
from equipment.models import Item

SOURCE_DONATION = "donation"
SOURCE_SELECTION = "selection"
SOURCE_RANGE = "range"
SOURCES = [
    (SOURCE_DONATION, "Tous les matériels d'un don"),
    (SOURCE_SELECTION, "Des matériels précis (liste d'étiquettes)"),
    (SOURCE_RANGE, "De nouvelles étiquettes vierges, à coller avant la saisie"),
]
TAG_SEPARATORS = re.compile(r"[\s,;]+")


def _margin_field(label: str, attribute: str) -> forms.DecimalField:
    defaults = " ; ".join(
        f"{layout.columns} × {layout.rows} : {getattr(layout, attribute):f}".replace(".", ",")
        for layout in LAYOUTS.values()
    )
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=Decimal("0"),
        max_value=Decimal("60"),
        decimal_places=2,
        help_text=f"En mm. Laissez vide pour la valeur du modèle ({defaults}).",
        widget=forms.NumberInput(attrs={"step": "0.05", "inputmode": "decimal"}),
    )


class LabelSheetForm(forms.Form):
    # Which fields apply depends on the first choice (a donation, tags, a number of new labels): none is marked.
    marks_optional_fields = False

    source = forms.ChoiceField(label="Étiquettes pour", choices=SOURCES, widget=forms.RadioSelect)
    donation = forms.ModelChoiceField(
        label="Don",
        queryset=Donation.objects.select_related("donor"),
        required=False,
        empty_label="— choisir un don —",
        help_text="Pour « Tous les matériels d'un don ».",
    )
    tags = forms.CharField(
        label="Étiquettes des matériels",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false", "autocapitalize": "characters"}),
        help_text="Pour « Des matériels précis » : une étiquette par ligne, ou séparées par des espaces.",
    )
    count = forms.IntegerField(
        label="Nombre de nouvelles étiquettes",
        required=False,
        min_value=1,
        max_value=MAX_LABELS,
        help_text=(
            f"Pour « De nouvelles étiquettes vierges » : de 1 à {MAX_LABELS}. "
            "Les numéros sont réservés dès l'impression et ne resserviront pas."
        ),
    )
    layout = forms.ChoiceField(
        label="Planche d'étiquettes",
        choices=[(code, layout.label) for code, layout in LAYOUTS.items()],
        initial=DEFAULT_LAYOUT,
        widget=forms.RadioSelect,
    )
    top_mm = _margin_field("Marge du haut", "top_mm")
    left_mm = _margin_field("Marge de gauche", "left_mm")
    column_gap_mm = _margin_field("Espace entre deux colonnes", "column_gap_mm")
    row_gap_mm = _margin_field("Espace entre deux lignes", "row_gap_mm")
    skip = forms.IntegerField(
        label="Étiquettes déjà utilisées sur la première planche",
        required=False,
        min_value=0,
        initial=0,
        help_text="Pour finir une planche entamée : l'impression commence après ce nombre d'étiquettes.",
    )
    outline = forms.BooleanField(
        label="Tracer le contour des étiquettes (essai sur papier blanc, pour régler les marges)", required=False
    )

    def clean_tags(self) -> list[str]:
        raw = self.cleaned_data.get("tags") or ""
        seen: dict[str, str] = {}
        for tag in TAG_SEPARATORS.split(raw.strip()):
            if tag and tag.upper() not in seen:
                seen[tag.upper()] = tag
        return list(seen.values())

    def clean(self):
        data = super().clean()
        source = data.get("source")
        if source == SOURCE_DONATION and not data.get("donation"):
            self.add_error("donation", "Choisissez le don dont il faut imprimer les étiquettes.")
        if source == SOURCE_SELECTION:
            self._clean_selection(data)
        if source == SOURCE_RANGE and not data.get("count"):
            self.add_error("count", "Indiquez combien de nouvelles étiquettes imprimer.")
        layout = LAYOUTS.get(data.get("layout") or "")
        if layout is not None:
            skip = data.get("skip") or 0
            if skip >= layout.per_page:
                self.add_error(
                    "skip", f"Une planche {layout.columns} × {layout.rows} n'a que {layout.per_page} étiquettes."
                )
            margins = self.margins(layout)
            for problem in overflow_problems(layout, margins):
                self.add_error(None, f"Avec ces marges, {problem}.")
        return data

    def _clean_selection(self, data):
        tags = data.get("tags") or []
        if not tags:
            self.add_error("tags", "Indiquez au moins une étiquette.")
            return
        if len(tags) > MAX_LABELS:
            self.add_error("tags", f"{len(tags)} étiquettes : c'est plus que les {MAX_LABELS} d'un seul envoi.")
            return
        found = {
            item.asset_tag.upper(): item
            for item in Item.objects.annotate(tag_upper=Upper("asset_tag")).filter(
                tag_upper__in=[tag.upper() for tag in tags]
            )
        }
        unknown = [tag for tag in tags if tag.upper() not in found]
        if unknown:
            self.add_error("tags", "Étiquettes inconnues : " + ", ".join(unknown) + ".")
            return
        data["items"] = [found[tag.upper()] for tag in tags]

    def margins(self, layout) -> Margins:
        return Margins.for_layout(
            layout,
            top_mm=self.cleaned_data.get("top_mm"),
            left_mm=self.cleaned_data.get("left_mm"),
            column_gap_mm=self.cleaned_data.get("column_gap_mm"),
            row_gap_mm=self.cleaned_data.get("row_gap_mm"),
        )
