import datetime
from html import escape

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.safestring import mark_safe

from accounts.models import Organisation
from beneficiaries.enums import HouseholdStatus
from beneficiaries.models import Commune, Household
from beneficiaries.normalize import compact_key
from beneficiaries.selectors import household_status_condition

EXPIRING_WITHIN_DAYS = 30

# The filter form without crispy-forms: crispy rendered a dozen templates per field and Django's widgets one more per
# <option> (~50 communes, 40 structures), a third of the page's time. These widgets write Django's HTML in Python,
# Bootstrap's classes set here; the page lays out label, widget and error itself (household_list.html). Django still
# adds id, aria-invalid and aria-describedby. html.escape is what Django's escape calls, without its lazy-string
# wrapper around each of the ~300 values.


def _attributes(attrs: dict) -> str:
    """HTML attributes as django/forms/widgets/attrs.html writes them: False left out, True as a bare name."""
    return "".join(
        f" {name}" if value is True else f' {name}="{escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False and value is not None
    )


class _InputInPython:
    """For forms.Input subclasses: the same <input> as Django's template, without a template."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        value_html = "" if widget["value"] is None else f' value="{escape(str(widget["value"]))}"'
        return mark_safe(  # noqa: S308 (every value is escaped)
            f'<input type="{widget["type"]}" name="{escape(name)}"{value_html}{_attributes(widget["attrs"])}>'
        )


class TextInput(_InputInPython, forms.TextInput):
    pass


class CheckboxInput(_InputInPython, forms.CheckboxInput):
    pass


class Select(forms.Select):
    """The same <select> as Django's template (no option groups here), without a template per option."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = {str(item) for item in self.format_value(value)}
        options = "".join(
            f'<option value="{escape(str(key))}"{" selected" if str(key) in chosen else ""}>{escape(str(label))}'
            "</option>"
            for key, label in self.choices
        )
        attributes = _attributes(self.build_attrs(self.attrs, {**(attrs or {}), "name": name}))
        return mark_safe(f"<select{attributes}>{options}</select>")  # noqa: S308 (every value is escaped)


class HouseholdFilterForm(forms.Form):
    """Marks the widgets of fields that failed validation `is-invalid`, as crispy-forms did: Bootstrap then shows
    the field in red and its error message below it."""

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs = {**widget.attrs, "class": f"{widget.attrs.get('class', '')} is-invalid".strip()}


SELECT = {"class": "form-select"}


class HouseholdFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Nom ou prénom", method="search", widget=TextInput({"class": "form-control"}))
    status = django_filters.ChoiceFilter(
        label="Statut",
        choices=HouseholdStatus.choices,
        empty_label="Tous",
        method="filter_status",
        widget=Select(SELECT),
    )
    # Communes and structures: (id, name) pairs read once per page and set on the form (see __init__);
    # ModelChoiceFilter built an instance per option and read the chosen one again to validate it.
    commune = django_filters.ChoiceFilter(label="Commune", empty_label="Toutes", widget=Select(SELECT))
    expiring = django_filters.BooleanFilter(
        label=f"Certification expirant sous {EXPIRING_WITHIN_DAYS} jours",
        method="filter_expiring",
        widget=CheckboxInput({"class": "form-check-input"}),
    )
    structure = django_filters.ChoiceFilter(label="Structure", empty_label="Toutes", widget=Select(SELECT))

    class Meta:
        model = Household
        fields = ["q", "status", "commune", "expiring", "structure"]
        form = HouseholdFilterForm

    _form_classes: dict = {}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if not user.is_coordination:
            # A prescriber only ever sees their own structure: the choice would mean nothing.
            del self.filters["structure"]
        self.today = timezone.localdate()
        # Read once, for the <select>s and for the rows' commune and structure names (no join in the list's SQL).
        self.commune_names = dict(Commune.objects.values_list("pk", "name"))
        self.structure_names = (
            dict(Organisation.objects.structures().values_list("pk", "name")) if user.is_coordination else None
        )
        fields = self.form.fields
        fields["commune"].choices = list(self.commune_names.items())
        if "structure" in fields:
            fields["structure"].choices = list(self.structure_names.items())

    def get_form_class(self):
        """Built once per process for each set of filters (django-filter builds the form class, and a field per
        filter, on every request); each form still gets its own copies of the fields, choices set in __init__."""
        names = tuple(self.filters)
        if names not in self._form_classes:
            self._form_classes[names] = super().get_form_class()
        return self._form_classes[names]

    def search(self, queryset, name, value):
        condition = Q()
        for word in value.split():
            key = compact_key(word)
            if key:
                condition &= Q(name_key__contains=key)
        return queryset.filter(condition)

    def filter_status(self, queryset, name, value):
        return queryset.filter(household_status_condition(value, self.today))

    def filter_expiring(self, queryset, name, value):
        if not value:
            return queryset
        limit = self.today + datetime.timedelta(days=EXPIRING_WITHIN_DAYS)
        return queryset.filter(
            household_status_condition(HouseholdStatus.ELIGIBLE, self.today), current_expires_on__lte=limit
        )
