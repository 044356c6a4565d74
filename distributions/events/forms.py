import datetime
import re

from django import forms
from django.utils import timezone

from accounts.enums import OrganisationKind
from accounts.models import Organisation
from core.components import SearchInput
from core.forms import FilterForm
from distributions.events.enums import PaymentMeans
from distributions.events.models import Event
from distributions.packs.models import Pack
from territory.models import Commune

DEFAULT_START = datetime.time(16, 0)
DEFAULT_AGENDA = "16:00 Accueil des foyers\n16:30 Discours\n17:00 Remise des équipements\n18:00 Verre de l'amitié"
AGENDA_LINE = re.compile(r"^(?P<hour>\d{1,2})\s*[:hH.]\s*(?P<minute>\d{2})?\s*[-–—:]?\s*(?P<label>.*)$")


def agenda_shift(agenda: list[tuple[datetime.time, str]], minutes: int) -> list[tuple[datetime.time, str]]:
    """The same programme `minutes` later (or earlier), kept within the day."""
    shifted = []
    for time, label in agenda:
        total = min(max(time.hour * 60 + time.minute + minutes, 0), 23 * 60 + 59)
        shifted.append((datetime.time(total // 60, total % 60), label))
    return shifted


def _minutes(time: datetime.time) -> int:
    return time.hour * 60 + time.minute


def agenda_parse(text: str) -> list[tuple[datetime.time, str]]:
    """« 16:00 Accueil » (or « 16h Accueil », « 16h30 - Discours ») per line; raises a message naming the line."""
    lines, errors = [], []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        match = AGENDA_LINE.match(line)
        label = match["label"].strip() if match else ""
        hour, minute = (int(match["hour"]), int(match["minute"] or 0)) if match else (-1, -1)
        if not match or not label or hour > 23 or minute > 59:
            errors.append(
                f"ligne {number} (« {line} ») : écrivez l'heure puis l'étape, par exemple « 16:30 Discours »"
            )
            continue
        lines.append((datetime.time(hour, minute), label[:200]))
    if errors:
        raise forms.ValidationError("Programme à corriger : " + " ; ".join(errors) + ".")
    return sorted(lines, key=lambda line: line[0])


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


class EventForm(forms.ModelForm):
    agenda = forms.CharField(
        label="Programme",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Une étape par ligne : l'heure puis ce qui se passe, par exemple « 16:30 Discours ». Laissé tel "
        "quel, le programme suit l'heure de début.",
    )

    class Meta:
        model = Event
        fields = ["title", "date", "start_time", "place", "address", "capacity", "partner", "notes"]
        widgets = {
            "date": DateInput,
            "start_time": TimeInput,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"capacity": "Le nombre de foyers qui peuvent être invités (un pack chacun)."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["capacity"].min_value = 1
        self.fields["capacity"].widget.attrs["min"] = 1
        self.fields["partner"].queryset = Organisation.objects.active().filter(kind=OrganisationKind.PARTNER)
        self.fields["partner"].empty_label = "Aucun"
        if self.instance.pk:
            self.fields["agenda"].initial = "\n".join(str(line) for line in self.instance.agenda.all())
            self.start_shown = self.instance.start_time
        else:
            self.fields["agenda"].initial = DEFAULT_AGENDA
            self.fields["start_time"].initial = self.start_shown = DEFAULT_START

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date < timezone.localdate() and (self.instance.pk is None or date != self.instance.date):
            raise forms.ValidationError(
                f"Le {date:%d/%m/%Y} est passé : un événement se prévoit à une date à venir (ou aujourd'hui)."
            )
        return date

    def clean_agenda(self):
        return agenda_parse(self.cleaned_data["agenda"])

    def clean(self):
        cleaned = super().clean()
        start, agenda = cleaned.get("start_time"), cleaned.get("agenda")
        if start is None or agenda is None:
            return cleaned
        # The programme shown was written for the start time shown: left as it was, it moves with a new start
        # (an event at 14:00 must not get a programme starting at 16:00).
        try:
            shown = agenda_parse(self.fields["agenda"].initial)
        except forms.ValidationError:
            shown = None
        if agenda == shown and start != self.start_shown:
            cleaned["agenda"] = agenda_shift(agenda, _minutes(start) - _minutes(self.start_shown))
        return cleaned

    def event_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class EventDaySearchForm(FilterForm):
    q = forms.CharField(
        label="Nom ou prénom",
        required=False,
        max_length=100,
        widget=SearchInput(attrs={"autofocus": True}),
    )


class WaitingListFilterForm(FilterForm):
    commune = forms.ModelChoiceField(
        label="Commune", queryset=Commune.objects.in_territory(), required=False, empty_label="Toutes"
    )
    structure = forms.ModelChoiceField(
        label="Structure", queryset=Organisation.objects.structures(), required=False, empty_label="Toutes"
    )


class PackChoiceForm(forms.Form):
    # Any pack: the service says in French why one that was complete a second ago cannot be taken any more.
    pack = forms.ModelChoiceField(
        label="Pack",
        queryset=Pack.objects.all(),
        error_messages={
            "required": "Choisissez un pack dans la liste.",
            "invalid_choice": "Ce pack n'existe pas : choisissez-en un dans la liste.",
        },
    )


class HandoverForm(forms.Form):
    payment_means = forms.ChoiceField(
        label="Participation solidaire",
        choices=PaymentMeans.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choisissez le moyen de paiement, ou « gratuit »."},
    )
    price_amount = forms.DecimalField(
        label="Montant payé (€)",
        required=False,
        min_value=0,
        max_digits=6,
        decimal_places=2,
        help_text="Laissez vide si la remise est gratuite.",
        localize=True,
    )
    sheet_signed = forms.BooleanField(label="Le foyer a signé la fiche de remise", required=False)


class OnboardingForm(forms.Form):
    attended = forms.TypedChoiceField(
        label="Prise en main",
        choices=[("1", "Présent"), ("0", "Absent")],
        coerce=lambda value: value == "1",
    )
