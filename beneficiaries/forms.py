from django import forms
from django.conf import settings
from django.utils import timezone

from beneficiaries.eligibility import birth_date_error, certified_criteria, criteria_error, residence_error
from beneficiaries.enums import DECLARED_CRITERIA
from beneficiaries.models import Household
from territory.selectors import commune_match

CRITERIA_CHOICES = [(criterion.value, criterion.label) for criterion in DECLARED_CRITERIA]


class CommuneField(forms.CharField):
    """A commune typed by name (accents, hyphens and case optional), offered from a datalist of the territory."""

    widget = forms.TextInput(attrs={"list": "communes-du-territoire", "autocomplete": "off"})

    def clean(self, value):
        typed = super().clean(value)
        commune = commune_match(typed)
        if message := residence_error(typed, commune):
            raise forms.ValidationError(message)
        return commune


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class HouseholdForm(forms.Form):
    """Identity, address and contact of the household's reference person."""

    last_name = forms.CharField(label="Nom", max_length=100)
    first_name = forms.CharField(label="Prénom", max_length=100)
    birth_date = forms.DateField(label="Date de naissance", widget=DateInput)
    address = forms.CharField(
        label="Adresse", max_length=250, help_text="Numéro et rue, complément éventuel (sans la commune)."
    )
    commune = CommuneField(
        label="Commune",
        max_length=100,
        help_text="Tapez le nom de la commune et choisissez-la dans la liste. Le code postal seul ne suffit pas.",
    )
    phone = forms.CharField(label="Téléphone (facultatif)", max_length=30, required=False)
    email = forms.EmailField(label="E-mail (facultatif)", required=False)
    size = forms.IntegerField(label="Nombre de personnes dans le foyer", min_value=1, max_value=20, initial=1)
    note = forms.CharField(
        label="Note (facultative)",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=Household._meta.get_field("note").help_text,
    )
    duplicate_reason = forms.CharField(
        label="Pourquoi inscrire ce foyer malgré tout ?",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Par exemple : homonyme, autre foyer à la même adresse (colocation, immeuble).",
    )

    def __init__(self, *args, instance: Household | None = None, **kwargs):
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {name: getattr(instance, name) for name in self.household_fields()}
            kwargs["initial"]["commune"] = instance.commune.name
        super().__init__(*args, **kwargs)

    @classmethod
    def household_fields(cls) -> list[str]:
        return ["last_name", "first_name", "birth_date", "address", "commune", "phone", "email", "size", "note"]

    def clean_birth_date(self):
        birth_date = self.cleaned_data["birth_date"]
        if message := birth_date_error(birth_date, timezone.localdate()):
            raise forms.ValidationError(message)
        return birth_date

    def household_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.household_fields()}


class HouseholdEditForm(HouseholdForm):
    """Correction of a registered household; carries the version it was opened at (concurrent edits). A missing
    version is not a form error: it reaches the service as None, which refuses it as a stale page would be."""

    version = forms.CharField(widget=forms.HiddenInput, required=False, max_length=10)

    def __init__(self, *args, instance: Household, **kwargs):
        super().__init__(*args, instance=instance, **kwargs)
        self.fields["version"].initial = instance.version

    def clean_version(self) -> int | None:
        value = self.cleaned_data["version"].strip()
        if not value:
            return None
        if not (value.isascii() and value.isdigit()):
            # Only a tampered or truncated page gets here: the hidden field is not shown, so the error goes on top.
            self.add_error(
                None, "Cette page est incomplète : rouvrez la fiche du foyer puis refaites vos changements."
            )
            return None
        return int(value)


class CertificationFields(forms.Form):
    """The criteria, the proof seen and the data notice given: what a certification states."""

    criteria = forms.MultipleChoiceField(
        label="Critères d'éligibilité",
        choices=CRITERIA_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    proof_seen = forms.BooleanField(label="J'ai vu le justificatif du ou des critères cochés", required=False)
    data_notice_given = forms.BooleanField(
        label="J'ai informé le foyer de l'usage de ses données (texte ci-dessus)", required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criteria"].help_text = senior_help_text()

    def certification_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("criteria", "proof_seen", "data_notice_given")}


class HouseholdCreateForm(HouseholdForm, CertificationFields):
    """Registration: the household and its first certification on one page."""

    def clean(self):
        cleaned = super().clean()
        # Asked here too so that every failing rule shows at once, even when another field is wrong.
        birth_date = cleaned.get("birth_date")
        if birth_date is not None and "criteria" in cleaned:
            criteria = certified_criteria(cleaned["criteria"], birth_date, timezone.localdate())
            if message := criteria_error(criteria):
                self.add_error("criteria", message)
        return cleaned


class CertificationForm(CertificationFields):
    """Renewal: a new certification for a household already registered."""


class PeriodOverrideForm(forms.Form):
    reason = forms.CharField(
        label="Motif de la dérogation",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Par exemple : matériel volé (dépôt de plainte), sinistre, foyer recomposé.",
    )


def senior_help_text() -> str:
    return (
        f"« Senior » ({settings.FILIERE['SENIOR_AGE']} ans et plus) est ajouté automatiquement d'après la date de "
        "naissance : pas de case à cocher."
    )
