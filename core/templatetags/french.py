"""{% load french %}: `{{ count|pluriel }}`, French agreement (0 and 1 singular), where Django's pluralize writes
« 0 foyers »: `{{ n }} foyer{{ n|pluriel }}`, `{{ n|pluriel:"al,aux" }}`,
`{{ n|pluriel:"cette ligne,ces lignes" }}`."""

from django import template

from core.text import plural_suffix

register = template.Library()


@register.filter
def pluriel(value, suffixes: str = "s") -> str:
    try:
        count = len(value) if hasattr(value, "__len__") and not isinstance(value, str) else int(value)
    except (TypeError, ValueError):
        return ""
    return plural_suffix(count, suffixes)
