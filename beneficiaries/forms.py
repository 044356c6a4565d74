from django import forms
from django.conf import settings
from django.utils import timezone

from beneficiaries.eligibility import (
    birth_date_error,
    certified_criteria,
    confirmation_errors,
    criteria_error,
    residence_error,
)
from beneficiaries.enums import COMPUTED_CRITERIA, DECLARED_CRITERIA, EligibilityCriterion
from beneficiaries.models import Household
from beneficiaries.selectors import SimilarHousehold, household_similar
from beneficiaries.services import DUPLICATE_MESSAGE
from core.validators import phone_normalise, plain_text_check
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

    last_name = forms.CharField(label="Nom", max_length=100, validators=[plain_text_check])
    first_name = forms.CharField(label="Prénom", max_length=100, validators=[plain_text_check])
    birth_date = forms.DateField(label="Date de naissance", widget=DateInput)
    address = forms.CharField(
        label="Adresse",
        max_length=250,
        help_text="Numéro et rue, complément éventuel (sans la commune).",
        validators=[plain_text_check],
    )
    commune = CommuneField(
        label="Commune",
        max_length=100,
        help_text="Tapez le nom de la commune et choisissez-la dans la liste. Le code postal seul ne suffit pas.",
    )
    phone = forms.CharField(
        label="Téléphone (facultatif)", max_length=30, required=False, help_text="Par exemple 06 12 34 56 78."
    )
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
        self.similar: list[SimilarHousehold] = []
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

    def clean_phone(self):
        """The donors' form's rule (a French number, written « 06 12 34 56 78 »); a number saved before that rule
        stays as it is while nobody changes it."""
        phone = self.cleaned_data["phone"].strip()
        if not phone or (self.instance is not None and phone == self.instance.phone):
            return phone
        return phone_normalise(phone)

    def clean(self):
        cleaned = super().clean()
        self.similar = self._similar_households(cleaned)
        return cleaned

    def _similar_households(self, cleaned: dict) -> list[SimilarHousehold]:
        """The duplicate step in the same submit as every other error: when something else is wrong (so the service
        will not look), households like this one are looked up here and the reason is asked for at once. When the
        form is valid, the service looks (and refuses without a reason)."""
        identity = ("last_name", "first_name", "birth_date", "address", "commune")
        if not self.errors or cleaned.get("duplicate_reason", "").strip():
            return []
        if any(cleaned.get(name) in (None, "") for name in identity):
            return []
        if self.instance is not None and all(cleaned[name] == getattr(self.instance, name) for name in identity):
            return []  # an edit that leaves the identity as it was: the service does not look either
        similar = household_similar(
            **{name: cleaned[name] for name in identity},
            exclude_pk=self.instance.pk if self.instance is not None else None,
        )
        if similar:
            self.add_error("duplicate_reason", DUPLICATE_MESSAGE)
        return similar

    def household_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.household_fields()}


class HouseholdEditForm(HouseholdForm):
    """Correction of a registered household; carries the version it was opened at (concurrent edits). A missing
    version is not a form error: it reaches the service as None, which refuses it as a stale page would be."""

    field_order = ["duplicate_reason", *HouseholdForm.household_fields()]

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

    def certification_check(self, birth_date) -> None:
        """The criteria (senior worked out from the birth date when it is known) and both confirmations."""
        cleaned = self.cleaned_data
        if "criteria" in cleaned:
            if birth_date is not None:
                criteria = certified_criteria(cleaned["criteria"], birth_date, timezone.localdate())
            else:
                criteria = {EligibilityCriterion(value) for value in cleaned["criteria"]} - COMPUTED_CRITERIA
            if message := criteria_error(criteria):
                self.add_error("criteria", message)
        confirmations = {name: cleaned.get(name, False) for name in ("proof_seen", "data_notice_given")}
        for name, message in confirmation_errors(**confirmations).items():
            self.add_error(name, message)

    def certification_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("criteria", "proof_seen", "data_notice_given")}


class HouseholdCreateForm(HouseholdForm, CertificationFields):
    """Registration: the household and its first certification on one page."""

    # The page's order, which the error summary follows (the duplicate's reason is asked at the top).
    field_order = [
        "duplicate_reason",
        *HouseholdForm.household_fields(),
        *("criteria", "data_notice_given", "proof_seen"),
    ]

    def clean(self):
        # The certification's rules asked here too, before the duplicate step, so that every failing rule shows
        # at once, even when another field is wrong (the service asks them again).
        self.certification_check(self.cleaned_data.get("birth_date"))
        return super().clean()


class CertificationForm(CertificationFields):
    """Renewal: a new certification for a household already registered."""

    field_order = ["criteria", "data_notice_given", "proof_seen"]

    def __init__(self, *args, household: Household, **kwargs):
        super().__init__(*args, **kwargs)
        self.household = household

    def clean(self):
        cleaned = super().clean()
        self.certification_check(self.household.birth_date)
        return cleaned


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
