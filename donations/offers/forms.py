"""Forms of the donors' door (public offer form) and of the staff's offer queue."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.validators import phone_normalise, plain_text_check, postal_code_check, siret_normalise
from donations.enums import DonorKind, StoredData
from donations.models import OFFER_LINE_MAX_QUANTITY
from donations.offers.services import quantities_check
from equipment.enums import COMPUTER_CATEGORIES, ItemCategory

HONEYPOT_FIELD = "website"


def quantity_field_name(category: str) -> str:
    return f"qty_{category}"


class DonationOfferForm(forms.Form):
    organisation_name = forms.CharField(
        label="Nom de votre organisation",
        help_text="Entreprise, administration, association… ou vos nom et prénom si vous donnez à titre personnel.",
        min_length=2,
        max_length=200,
        validators=[plain_text_check],
    )
    donor_kind = forms.ChoiceField(
        label="Vous donnez en tant que", choices=DonorKind.choices, initial=DonorKind.COMPANY, widget=forms.RadioSelect
    )
    siret = forms.CharField(
        label="Numéro SIRET (facultatif)",
        help_text="14 chiffres, par exemple 123 456 789 00012. Il figure sur vos factures.",
        required=False,
        max_length=20,
    )
    contact_name = forms.CharField(
        label="Personne à contacter",
        help_text="Prénom et nom.",
        min_length=2,
        max_length=120,
        validators=[plain_text_check],
    )
    email = forms.EmailField(
        label="Adresse e-mail",
        help_text="Nous y envoyons votre référence et votre lien de suivi.",
        max_length=254,
    )
    phone = forms.CharField(label="Téléphone", help_text="Par exemple 06 12 34 56 78.", max_length=25)
    pickup_address = forms.CharField(
        label="Adresse où récupérer le matériel",
        help_text="Numéro, rue, bâtiment, étage…",
        min_length=5,
        max_length=250,
        validators=[plain_text_check],
    )
    pickup_postal_code = forms.CharField(label="Code postal", max_length=10)
    pickup_commune = forms.CharField(label="Commune", min_length=2, max_length=100, validators=[plain_text_check])
    computers_hold_data = forms.ChoiceField(
        label="Les ordinateurs contiennent-ils encore des données ?",
        help_text="À répondre si vous donnez des unités centrales ou des ordinateurs portables.",
        choices=StoredData.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    wants_erasure_certificate = forms.BooleanField(
        label="Je souhaite recevoir un certificat d'effacement des données", required=False
    )
    preferred_dates = forms.CharField(
        label="Vos disponibilités pour l'enlèvement (facultatif)",
        help_text="Par exemple : « les mardis matin en mars » ou « à partir du 15/04 ».",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    message = forms.CharField(
        label="Message (facultatif)",
        help_text="État du matériel, accès au lieu (escalier, quai de chargement)…",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    terms_accepted = forms.BooleanField(
        label="J'ai lu et j'accepte les conditions du programme",
        error_messages={"required": "Cochez cette case pour accepter les conditions du programme."},
    )
    # Honeypot: hidden from people and screen readers; robots that fill every field give themselves away.
    website = forms.CharField(label="Ne pas remplir ce champ", required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for category in ItemCategory:
            self.fields[quantity_field_name(category)] = forms.IntegerField(
                label=category.label,
                required=False,
                min_value=0,
                max_value=OFFER_LINE_MAX_QUANTITY,
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 1}),
            )
        self.fields[HONEYPOT_FIELD].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["phone"].widget.attrs.update({"autocomplete": "tel", "type": "tel"})
        self.fields["contact_name"].widget.attrs["autocomplete"] = "name"
        self.fields["organisation_name"].widget.attrs["autocomplete"] = "organization"
        self.fields["pickup_address"].widget.attrs["autocomplete"] = "street-address"
        self.fields["pickup_postal_code"].widget.attrs.update({"autocomplete": "postal-code", "inputmode": "numeric"})
        # Suggest the territory's communes (datalist in the template); any other commune may be typed.
        self.fields["pickup_commune"].widget.attrs.update({"autocomplete": "address-level2", "list": "communes"})
        # Optional for a reason the page gives (leave empty what you do not give; asked when computers are given).
        for name in [*(quantity_field_name(category) for category in ItemCategory), "computers_hold_data"]:
            self.fields[name].marks_optional = False

    def quantity_fields(self):
        return [self[quantity_field_name(category)] for category in ItemCategory]

    def clean_siret(self):
        value = self.cleaned_data["siret"].strip()
        return siret_normalise(value) if value else ""

    def clean_phone(self):
        return phone_normalise(self.cleaned_data["phone"])

    def clean_pickup_postal_code(self):
        return postal_code_check(self.cleaned_data["pickup_postal_code"])

    def quantities(self) -> dict[str, int]:
        return {category.value: self.cleaned_data.get(quantity_field_name(category)) or 0 for category in ItemCategory}

    def clean(self):
        cleaned = super().clean()
        if any(quantity_field_name(category) in self.errors for category in ItemCategory):
            return cleaned
        try:
            kept = quantities_check(self.quantities())
        except ValidationError as error:
            for message in error.messages:
                self.add_error(None, f"Matériel proposé : {message}")
            return cleaned
        if set(kept) & COMPUTER_CATEGORIES and not cleaned.get("computers_hold_data"):
            self.add_error(
                "computers_hold_data",
                "Dites-nous si les ordinateurs contiennent encore des données (ou répondez « Je ne sais pas »).",
            )
        return cleaned

    def service_fields(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if not name.startswith("qty_")}


class OfferDeclineForm(forms.Form):
    reason = forms.CharField(
        label="Motif (envoyé au donateur)",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Indiquez au donateur pourquoi sa proposition est déclinée."},
    )


class OfferScheduleForm(forms.Form):
    collection_on = forms.DateField(
        label="Date de la collecte", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    note = forms.CharField(
        label="Précisions pour le donateur (facultatif)",
        help_text="Créneau horaire, véhicule, personne qui passera…",
        required=False,
        max_length=300,
    )


class OfferReceiveForm(forms.Form):
    received_on = forms.DateField(
        label="Reçu le", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), initial=timezone.localdate
    )
    note = forms.CharField(label="Note (facultatif)", required=False, max_length=300)
