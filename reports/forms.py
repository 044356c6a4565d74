"""The dashboard's picker: which year, and (for coordination) whose households the people figures count."""

from django import forms

from core.components import Select
from core.forms import FilterForm


class DashboardScopeForm(FilterForm):
    """Shown, never validated: reports.scope reads the request itself (and says when a structure is unknown). The
    options are written by core.components (42 structures, one template each through Django's Select)."""

    annee = forms.ChoiceField(label="Année", widget=Select)
    structure = forms.ChoiceField(label="Foyers de", required=False, widget=Select)

    def __init__(self, *, year: int, years, structure_id: int | None, structures=None):
        super().__init__(initial={"annee": year, "structure": structure_id or ""})
        self.fields["annee"].choices = [(value, str(value)) for value in years]
        if structures is None:
            del self.fields["structure"]
        else:
            self.fields["structure"].choices = [("", "Tout le programme"), *structures]
