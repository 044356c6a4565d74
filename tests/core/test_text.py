"""French plural agreement: 0 and 1 take the singular (« 0 foyer », « 1 matériel »), 2 and more the plural."""

import pytest
from django.template import Context, Template

from core.text import plural, plural_suffix


@pytest.mark.parametrize(
    ("count", "expected"), [(0, "0 matériel"), (1, "1 matériel"), (2, "2 matériels"), (1250, "1250 matériels")]
)
def test_plural(count, expected):
    assert plural(count, "matériel") == expected


def test_irregular_plural():
    assert plural(1, "journal", "journaux") == "1 journal"
    assert plural(3, "journal", "journaux") == "3 journaux"


@pytest.mark.parametrize(("count", "suffix"), [(0, ""), (1, ""), (2, "s")])
def test_plural_suffix(count, suffix):
    assert plural_suffix(count) == suffix


def test_template_filter_agrees_like_french():
    template = Template(
        "{% load french %}{{ n }} foyer{{ n|pluriel }} invité{{ n|pluriel }} ; "
        "{{ n|pluriel:'cette ligne,ces lignes' }} ; {{ rows|length }} ligne{{ rows|pluriel }}"
    )
    assert template.render(Context({"n": 0, "rows": []})) == "0 foyer invité ; cette ligne ; 0 ligne"
    assert template.render(Context({"n": 1, "rows": [1]})) == "1 foyer invité ; cette ligne ; 1 ligne"
    assert template.render(Context({"n": 2, "rows": [1, 2]})) == "2 foyers invités ; ces lignes ; 2 lignes"
