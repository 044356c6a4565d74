"""The pieces of templates/forms/: a field's widget with its Bootstrap class, its options, the error summary."""

from django import template
from django.forms import BoundField

from core.forms import error_summary_links, field_is_marked_optional, widget_css_class

register = template.Library()


@register.simple_tag
def field_widget(field: BoundField):
    """The field's input, select or textarea with Bootstrap's class (and `is-invalid` when it has an error);
    Django adds the id, aria-invalid and aria-describedby (help text, then error)."""
    return field.as_widget(attrs={"class": widget_css_class(field)})


@register.filter
def field_choices(field: BoundField) -> list:
    """The options of a list of radio buttons or checkboxes, each input with Bootstrap's class."""
    css_class = widget_css_class(field)
    choices = field.subwidgets
    for choice in choices:
        choice.data["attrs"]["class"] = css_class
    return choices


@register.filter
def marked_optional(field: BoundField) -> bool:
    return field_is_marked_optional(field)


@register.inclusion_tag("forms/error_summary.html")
def error_summary(form, title: str = "Rien n'est encore enregistré", non_field_target: str = ""):
    """At the top of the page: every error of the last submit, each a link to its field; takes the focus
    (static/js/error-summary.js) so that a screen reader reads it first."""
    links = error_summary_links(form, non_field_target=non_field_target) if form is not None and form.errors else []
    return {"links": links, "title": title}
