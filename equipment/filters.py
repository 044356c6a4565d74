"""The equipment list's filters, rendered without crispy-forms.

The list is the technicians' most used page: its filter form was a third of its time when crispy-forms rendered
it (a dozen templates per field, one more per <option>). These widgets write their HTML in Python, with
Bootstrap's classes set here, and the page lays out label, widget and errors itself
(templates/equipment/item_list.html). Django still adds what it adds to any widget: id, aria-invalid and
aria-describedby pointing at the error message.
"""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from donations.models import Donation
from equipment.enums import ItemCategory, ItemStatus
from equipment.models import Item


def _attributes(attrs: dict) -> str:
    """HTML attributes as django/forms/widgets/attrs.html writes them: False left out, True as a bare name."""
    return "".join(
        f" {name}" if value is True else f' {name}="{conditional_escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


class _InputRenderedInPython:
    """For forms.Input subclasses: the same <input> as Django's template, without a template."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        value_html = "" if widget["value"] is None else f' value="{conditional_escape(widget["value"])}"'
        return mark_safe(  # noqa: S308 (every value is escaped above)
            f'<input type="{widget["type"]}" name="{conditional_escape(name)}"{value_html}'
            f"{_attributes(widget['attrs'])}>"
        )


class TextInput(_InputRenderedInPython, forms.TextInput):
    pass


class DateInput(_InputRenderedInPython, forms.DateInput):
    pass


class HiddenInput(_InputRenderedInPython, forms.HiddenInput):
    pass


class Select(forms.Select):
    """The same <select> as Django's template (option groups included), without a template per option."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{conditional_escape(name)}"{_attributes(widget["attrs"])}>']
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'<optgroup label="{conditional_escape(group_name)}">')
            parts.extend(
                f'<option value="{conditional_escape(option["value"])}"{_attributes(option["attrs"])}>'
                f"{conditional_escape(option['label'])}</option>"
                for option in options
            )
            if group_name:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 (every value is escaped above)


class FilterForm(forms.Form):
    """Marks the widgets of fields that failed validation `is-invalid`, as crispy-forms did: Bootstrap then shows
    the field in red and its error message below it."""

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


TEXT = {"class": "form-control"}
SELECT = {"class": "form-select"}


class ItemFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Étiquette, n° de série ou modèle", method="search", widget=TextInput(TEXT))
    status = django_filters.ChoiceFilter(
        label="Statut", choices=ItemStatus.choices, empty_label="Tous", widget=Select(SELECT)
    )
    category = django_filters.ChoiceFilter(
        label="Catégorie", choices=ItemCategory.choices, empty_label="Toutes", widget=Select(SELECT)
    )
    received_after = django_filters.DateFilter(
        label="Reçu à partir du", field_name="received_on", lookup_expr="gte", widget=DateInput(TEXT)
    )
    received_before = django_filters.DateFilter(
        label="Reçu jusqu'au", field_name="received_on", lookup_expr="lte", widget=DateInput(TEXT)
    )
    # Reached from a donation's page (« Voir les matériels de ce don »): kept across searches, never a <select> of
    # every donation (thousands of options, one query each for its donor's name).
    donation = django_filters.ModelChoiceFilter(queryset=Donation.objects.all(), widget=HiddenInput)

    class Meta:
        model = Item
        fields = ["q", "status", "category", "donation"]
        form = FilterForm

    def get_form_class(self):
        """Built once per process: django-filter builds the form class, and a field per filter, on every request
        (a millisecond of the list's time). Each form still gets its own copies of the fields."""
        cls = type(self)
        if "_form_class" not in cls.__dict__:
            cls._form_class = super().get_form_class()
        return cls._form_class

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(asset_tag__iexact=value) | Q(serial_number__iexact=value) | Q(model__icontains=value))
