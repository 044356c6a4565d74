"""core.components: the markup written in Python for speed.

The widgets are checked against Django's own rendering of the same field (same form, same data, Django's widget
class instead of ours): the HTML must be the same once normalised (attribute order, whitespace), with values escaped,
options selected, errors tied to the field. A Django upgrade that changes what its templates write fails here
instead of drifting the lists silently. The tables are checked as a person reads them: header and cells from one
column list, every text escaped, an empty list said in words."""

import datetime

import pytest
from django import forms
from django.test.html import parse_html
from django.utils import timezone

from core import components
from core.components import Column, date_text, table

HOSTILE = "Dell \"XPS\" <b>13</b> & co '1'"
CHOICES = [("", "Toutes"), ("a&b", "A & B"), ("x", HOSTILE), (3, "Trois")]


FIELDS = {
    "q": lambda: forms.CharField(required=False, widget=components.TextInput(attrs={"class": "form-control"})),
    "search": lambda: forms.CharField(required=False, widget=components.SearchInput(attrs={"autofocus": True})),
    "on": lambda: forms.DateField(required=False, widget=components.DateInput(attrs={"placeholder": "jj/mm/aaaa"})),
    "hidden": lambda: forms.CharField(required=False, widget=components.HiddenInput),
    "tick": lambda: forms.BooleanField(required=False, widget=components.CheckboxInput(attrs={"data-x": True})),
    "kind": lambda: forms.ChoiceField(required=False, choices=CHOICES, widget=components.Select(attrs={"size": 1})),
    "needed": lambda: forms.ChoiceField(choices=CHOICES, widget=components.Select),
}


def _django_fields():
    """Each field again, with Django's widget class holding the same attributes and choices."""
    fields = {}
    for name, make in FIELDS.items():
        field = make()
        ours = field.widget
        django_class = next(cls for cls in type(ours).__mro__ if cls.__module__ == "django.forms.widgets")
        widget = django_class(attrs=dict(ours.attrs))
        if isinstance(ours, forms.Select):
            widget.choices = list(ours.choices)
        field.widget = widget
        fields[name] = field
    return fields


OursForm = type("OursForm", (forms.Form,), {name: make() for name, make in FIELDS.items()})
DjangoForm = type("DjangoForm", (forms.Form,), _django_fields())


DATA = [
    None,  # unbound: initial values
    {},  # bound, empty: a required select in error
    {"q": HOSTILE, "on": "2026-12-07", "hidden": HOSTILE, "tick": "on", "kind": "a&b", "needed": "3"},
    {"q": "", "on": "31/02/2026", "hidden": "", "kind": "x", "needed": "z"},  # invalid date and choice: errors
]


@pytest.mark.parametrize("data", DATA, ids=["initial", "empty", "filled", "errors"])
@pytest.mark.parametrize("name", list(FIELDS))
def test_each_widget_writes_what_django_writes(data, name):
    ours, django = OursForm(data), DjangoForm(data)
    if data is not None:
        assert ours.errors == django.errors
    assert type(ours.fields[name].widget) is not type(django.fields[name].widget)

    assert parse_html(str(ours[name])) == parse_html(str(django[name]))
    # With the attributes the field template adds (Bootstrap's class, is-invalid) and Django's aria-* on errors.
    extra = {"class": "form-control is-invalid"}
    assert parse_html(ours[name].as_widget(attrs=extra)) == parse_html(django[name].as_widget(attrs=extra))


def test_the_comparison_would_see_a_difference():
    """The normalisation keeps what matters: an option not selected, or a value not escaped, is a difference."""
    ours, django = OursForm({"kind": "a&b", "needed": "3"}), DjangoForm({"kind": "x", "needed": "3"})
    assert parse_html(str(ours["kind"])) != parse_html(str(django["kind"]))
    assert 'value="a&amp;b" selected' in str(ours["kind"])
    assert "<b>" not in str(OursForm({"q": HOSTILE})["q"])


def test_a_table_reads_its_header_and_rows_from_one_column_list():
    columns = [
        Column("Étiquette", lambda row: row["tag"], href=lambda row: f"/materiel/{row['tag']}/"),
        Column("Statut", lambda row: row["status"], badge=lambda row: "text-bg-success"),
        Column("Reçu le", lambda row: date_text(row["on"], empty="—"), css="text-nowrap"),
    ]
    rows = [
        {"tag": "PH-1", "status": "Reconditionné", "on": datetime.date(2026, 3, 9)},
        {"tag": HOSTILE, "status": "<i>x</i>", "on": None},
    ]

    html = table(columns, rows, caption="Matériels")

    assert parse_html(html) == parse_html(
        '<table class="table table-sm table-striped table-tight">'
        '<caption class="visually-hidden">Matériels</caption>'
        '<thead><tr><th scope="col">Étiquette</th><th scope="col">Statut</th>'
        '<th scope="col" class="text-nowrap">Reçu le</th></tr></thead><tbody>'
        '<tr><td><a href="/materiel/PH-1/">PH-1</a></td>'
        '<td><span class="badge text-bg-success status-badge">Reconditionné</span></td>'
        '<td class="text-nowrap">09/03/2026</td></tr>'
        '<tr><td><a href="/materiel/Dell &quot;XPS&quot; &lt;b&gt;13&lt;/b&gt; &amp; co &#x27;1&#x27;/">'
        "Dell &quot;XPS&quot; &lt;b&gt;13&lt;/b&gt; &amp; co &#x27;1&#x27;</a></td>"
        '<td><span class="badge text-bg-success status-badge">&lt;i&gt;x&lt;/i&gt;</span></td>'
        '<td class="text-nowrap">—</td></tr></tbody></table>'
    )


def test_an_empty_table_says_so_across_every_column():
    columns = [Column("A", str), Column("B", str)]
    html = table(columns, [], empty="Aucun matériel ne correspond.")
    assert '<tr><td colspan="2">Aucun matériel ne correspond.</td></tr>' in html
    assert "<caption" not in html


def test_a_moment_prints_on_its_day_in_paris():
    late_evening_utc = datetime.datetime(2026, 6, 30, 22, 30, tzinfo=datetime.UTC)
    with timezone.override("Europe/Paris"):
        assert date_text(late_evening_utc) == "01/07/2026"
    assert date_text(None) == "" and date_text(None, empty="—") == "—"
