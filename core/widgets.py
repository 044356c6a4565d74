"""Filter-form widgets that write their HTML in Python, for the busiest lists (equipment, households).

crispy-forms rendered a dozen templates per field and Django's widgets one more per <option> (~50 communes,
40 structures): a third of a list page's time. These widgets write the HTML Django's templates write, with
Bootstrap's classes set by the filters, and the pages lay out label, widget and errors themselves. Django still adds
what it adds to any widget: id, aria-invalid and aria-describedby pointing at the error message. html.escape is
what Django's escape calls, without its lazy-string wrapper around each of the ~300 values.
"""

from html import escape

from django import forms
from django.utils.safestring import mark_safe

TEXT = {"class": "form-control"}
SELECT = {"class": "form-select"}
CHECKBOX = {"class": "form-check-input"}


def _attributes(attrs: dict) -> str:
    """HTML attributes as django/forms/widgets/attrs.html writes them: False and None left out, True bare."""
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


class DateInput(_InputInPython, forms.DateInput):
    pass


class HiddenInput(_InputInPython, forms.HiddenInput):
    pass


class CheckboxInput(_InputInPython, forms.CheckboxInput):
    pass


class Select(forms.Select):
    """The same <select> as Django's template (flat choices: no option groups), without a template per option."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = {str(item) for item in self.format_value(value)}
        options = "".join(
            f'<option value="{escape(str(key))}"{" selected" if str(key) in chosen else ""}>{escape(str(label))}'
            "</option>"
            for key, label in self.choices
        )
        attributes = _attributes(self.build_attrs(self.attrs, attrs))
        return mark_safe(  # noqa: S308 (every value is escaped)
            f'<select name="{escape(name)}"{attributes}>{options}</select>'
        )


class FilterForm(forms.Form):
    """Marks the widgets of fields that failed validation `is-invalid`, as crispy-forms did: Bootstrap then shows
    the field in red and its error message below it."""

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs = {**widget.attrs, "class": f"{widget.attrs.get('class', '')} is-invalid".strip()}
