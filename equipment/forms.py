"""The recycling question every path asks (workshop page, bulk action, scan page): what became of each drive."""

from dataclasses import dataclass

from django import forms
from django.db.models import Prefetch

from equipment.enums import DriveFate
from equipment.models import Drive, Item
from equipment.storage import storage_rule_applies

FATE_PREFIX = "fate_"
NO_STORAGE_PREFIX = "no_storage_"


def _size(size_gb) -> str:
    """256.0 -> « 256 », 0.5 -> « 0,5 »."""
    return f"{size_gb.normalize():f}".replace(".", ",")


@dataclass
class ComputerQuestions:
    """One computer of the selection and the names of its questions' fields."""

    item: Item
    field_names: list[str]


def items_with_drives(items: list[Item]) -> list[Item]:
    """The same items, their drives and erasures read in two queries (for the questions)."""
    drives = Prefetch("drives", queryset=Drive.objects.prefetch_related("erasures").order_by("id"))
    return list(Item.objects.filter(pk__in=[item.pk for item in items]).prefetch_related(drives).order_by("pk"))


class DriveFatesForm(forms.Form):
    """For each computer to recycle: each drive's fate (erased only when an erasure passed), or, for a computer
    with no drive recorded, the technician's check that it holds none. Computers the rule exempts ask nothing."""

    def __init__(self, *args, items: list[Item], **kwargs):
        super().__init__(*args, **kwargs)
        self.computers: list[ComputerQuestions] = []
        for item in items_with_drives(items):
            if not storage_rule_applies(item):
                continue
            names = []
            drives = list(item.drives.all())
            for drive in drives:
                name = f"{FATE_PREFIX}{drive.pk}"
                choices = [("", "— à préciser —")]
                if drive.is_cleared:
                    choices.append((DriveFate.ERASED, "Effacé (effacement réussi enregistré)"))
                choices += [
                    (DriveFate.DESTROYED, "Détruit"),
                    (DriveFate.REMOVED_KEPT, "Retiré et conservé à l'atelier"),
                ]
                self.fields[name] = forms.ChoiceField(
                    label=f"{item.asset_tag} — {drive.get_kind_display()} {drive.serial_number or 'sans n° de série'}"
                    + (f" ({_size(drive.size_gb)} Go)" if drive.size_gb else ""),
                    choices=choices,
                    initial=drive.fate or (DriveFate.ERASED if drive.is_cleared else ""),
                    error_messages={"required": f"{item.asset_tag} : dites ce qu'est devenu ce support."},
                )
                names.append(name)
            if not drives and item.no_storage_confirmed_at is None:
                name = f"{NO_STORAGE_PREFIX}{item.pk}"
                self.fields[name] = forms.BooleanField(
                    label=f"{item.asset_tag} : j'ai vérifié, cet ordinateur n'a aucun support de stockage",
                    error_messages={
                        "required": f"{item.asset_tag} : aucun support n'est enregistré. Vérifiez qu'il n'en a pas "
                        "et cochez la case, ou enregistrez ses supports sur sa fiche avant de le recycler."
                    },
                )
                names.append(name)
            if names:
                self.computers.append(ComputerQuestions(item=item, field_names=names))

    def other_fields(self) -> list:
        """The form's own fields (reason, weight…), without the computers' questions."""
        asked = {name for group in self.computers for name in group.field_names}
        return [field for field in self if field.name not in asked]

    def computer_fields(self) -> list[tuple[Item, list]]:
        """(computer, its bound fields) for the template."""
        return [(group.item, [self[name] for name in group.field_names]) for group in self.computers]

    def drive_fates(self) -> dict[int, str]:
        return {
            int(name.removeprefix(FATE_PREFIX)): value
            for name, value in self.cleaned_data.items()
            if name.startswith(FATE_PREFIX) and value
        }

    def no_storage_items(self) -> set[int]:
        return {
            int(name.removeprefix(NO_STORAGE_PREFIX))
            for name, value in self.cleaned_data.items()
            if name.startswith(NO_STORAGE_PREFIX) and value
        }
