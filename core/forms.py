"""Form helpers shared by every app's pages: the site's form renderer, the error summary, service errors."""

from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting

# Widgets drawn as a box (Bootstrap's form-control), a list (form-select) or a tick (form-check-input).
_CHECKABLE = (forms.CheckboxInput, forms.RadioSelect, forms.CheckboxSelectMultiple)
_SELECT = (forms.Select, forms.SelectMultiple)


class FormRenderer(TemplatesSetting):
    """Every form of the site, through one field template: label tied to the input, help text and error linked by
    aria-describedby, `is-invalid`, optional fields marked, choice lists in a fieldset with a legend.

    Renders through the project's TEMPLATES (so templates/forms/ and Django's widget templates are found by the
    same cached loader). The admin keeps its own templates: it renders widgets, never this field template.
    """

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"


class FilterForm(forms.Form):
    """A list's search filters: every one optional, so none is marked « (facultatif) »."""

    marks_optional_fields = False


def widget_css_class(field: forms.BoundField) -> str:
    """Bootstrap's class for the field's widget, the class the form already gave it, and `is-invalid` on error."""
    widget = field.field.widget
    given = widget.attrs.get("class", "")
    if isinstance(widget, _CHECKABLE):
        base = "form-check-input"
    elif isinstance(widget, _SELECT):
        base = "form-select"
    else:
        base = "form-control"
    classes = given.split()
    if base not in classes:
        classes.insert(0, base)
    if field.errors and "is-invalid" not in classes:
        classes.append("is-invalid")
    return " ".join(classes)


def field_is_marked_optional(field: forms.BoundField) -> bool:
    """« (facultatif) » after the label of a field one may leave empty: not on a lone checkbox (unticked is an
    answer), not on search filters (every filter is optional), not where the form says why the field may be left
    empty (a field's `marks_optional = False`), not twice when the label already says so."""
    if field.field.required or isinstance(field.field.widget, forms.CheckboxInput):
        return False
    if (
        getattr(field.form, "marks_optional_fields", True) is False
        or getattr(field.field, "marks_optional", True) is False
    ):
        return False
    return "facultati" not in str(field.label).lower()


@dataclass(frozen=True)
class ErrorLink:
    """One line of an error summary: the message, where it is (the field's label) and the anchor of its input."""

    message: str
    label: str = ""
    href: str = ""


def error_summary_links(form: forms.BaseForm, *, non_field_target: str = "") -> list[ErrorLink]:
    """Every error of the form, in the order of the page: the form's own errors first, then each field's.

    A field's line links to its input (the first option of a list of choices, which has no input of its own); an
    error on a hidden field (a page's version) or on a name the form lacks reads as the form's own error.
    """
    links = [ErrorLink(message=str(message), href=non_field_target) for message in form.non_field_errors()]
    for name, field in form.fields.items():
        if name not in form.errors:
            continue
        bound = form[name]
        if bound.is_hidden:
            links.extend(ErrorLink(message=str(message), href=non_field_target) for message in bound.errors)
            continue
        anchor = f"{bound.auto_id}_0" if field.widget.use_fieldset else bound.id_for_label
        label = str(bound.label or "")
        links.extend(
            ErrorLink(message=str(message), label=label, href=f"#{anchor}" if anchor else "")
            for message in bound.errors
        )
    return links


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field when the form has it, above the form otherwise."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)
