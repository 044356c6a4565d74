"""The markup the site writes in Python rather than in templates, for speed: the one place for it.

A template draws a table of 50 rows of 8 cells through 400 variable lookups, a <select> of 50 communes through one
template per option, the dashboard's charts through a few hundred partials: that was most of a list page's or the
dashboard's Python time. Here the same markup is joined as strings, every text escaped with html.escape (what
Django's escape calls, without its lazy-string wrapper around each value). Pages still lay themselves out in
templates; they receive from here a table (header and rows from one column list), widgets, charts or options.

- Tables: `Column` and `table()`; the values come from selectors as data (dates, codes, names) and are formatted
  by the columns (`date_text`, labels of choices, badges).
- Widgets: the filter forms' inputs and selects, checked against Django's own rendering of the same field
  (tests/core/test_components.py), so that a Django upgrade cannot drift them silently.
- The dashboard's charts and protected figure tables.
"""

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.formats import get_format, number_format
from django.utils.safestring import SafeString, mark_safe

# --- Values as they print ----------------------------------------------------------------------------------------


def date_text(value: datetime.date | datetime.datetime | None, empty: str = "") -> str:
    """jj/mm/aaaa; a moment is shown on its day in Europe/Paris."""
    if value is None:
        return empty
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value)
    return f"{value:%d/%m/%Y}"


def integer(value: int) -> str:
    """A count as `intcomma` shows it (thousands grouped with the locale's separator), in one locale lookup
    instead of several: a template renders an int through the same lookups again, so the page passes text."""
    if 0 <= value < 1000:
        return str(value)
    if get_format("NUMBER_GROUPING") != 3:
        return number_format(value, force_grouping=True)
    return f"{value:,}".replace(",", get_format("THOUSAND_SEPARATOR"))


# --- Tables ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column of a table: its header, and how a row's cell reads.

    `text(row)` is the cell's text; `href(row)` makes it a link; `badge(row)` puts it in a badge of that Bootstrap
    class (a status); `css` is the class of the column's header and cells (e.g. `d-none d-md-table-cell`: hidden on
    phones); `phone_note(row)`, when not empty, is a second line shown on phones only (what hidden columns said).
    """

    header: str
    text: Callable[[Any], str]
    href: Callable[[Any], str] | None = None
    badge: Callable[[Any], str] | None = None
    css: str = ""
    phone_note: Callable[[Any], str] | None = None

    def cell(self, row) -> str:
        text = escape(self.text(row))
        if self.href is not None:
            text = f'<a href="{escape(self.href(row))}">{text}</a>'
        elif self.badge is not None:
            text = f'<span class="badge {escape(self.badge(row))} status-badge">{text}</span>'
        if self.phone_note is not None and (note := self.phone_note(row)):
            text += f'<span class="d-md-none small text-body-secondary"><br>{escape(note)}</span>'
        return f"<td{self._class}>{text}</td>"

    @property
    def _class(self) -> str:
        return f' class="{escape(self.css)}"' if self.css else ""


def table(
    columns: Sequence[Column],
    rows: Iterable,
    *,
    caption: str = "",
    empty: str = "",
    css: str = "table table-sm table-striped table-tight",
) -> SafeString:
    """A whole <table>: caption (read by screen readers only), the header and the rows from the same columns, or
    one row saying `empty` when there is none."""
    header = "".join(f'<th scope="col"{column._class}>{escape(column.header)}</th>' for column in columns)
    body = "\n".join("<tr>" + "".join(column.cell(row) for column in columns) + "</tr>" for row in rows)
    if not body:
        body = f'<tr><td colspan="{len(columns)}">{escape(empty)}</td></tr>'
    caption_html = f'<caption class="visually-hidden">{escape(caption)}</caption>' if caption else ""
    return mark_safe(  # noqa: S308 - every text is escaped above
        f'<table class="{escape(css)}">{caption_html}<thead><tr>{header}</tr></thead>\n'
        f"<tbody>\n{body}\n</tbody></table>"
    )


# --- Widgets -----------------------------------------------------------------------------------------------------


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


class SearchInput(_InputInPython, forms.SearchInput):
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


# --- The dashboard -----------------------------------------------------------------------------------------------
# Charts and protected tables: the page has a few hundred rows (47 communes in a chart and a table, 40
# structures, 42 options...). Drawn by the template engine they cost ~15 ms a page, more than the page's own SQL;
# joined here well under a millisecond. The geometry is reports.charts' (any object with the same attributes).


def bar_chart(chart) -> SafeString:
    """Horizontal bars as inline SVG, then the legend when there is one."""
    chart_id = escape(chart.id)
    parts = [
        f'<svg class="chart" viewBox="0 0 {chart.width} {chart.height}" role="img" '
        f'aria-labelledby="{chart_id}-titre {chart_id}-desc" preserveAspectRatio="xMinYMin meet">\n'
        f'<title id="{chart_id}-titre">{escape(chart.title)}</title>\n'
        f'<desc id="{chart_id}-desc">Graphique en barres ; les mêmes nombres sont dans le tableau à côté.</desc>\n'
    ]
    for row in chart.rows:
        full = f"<title>{escape(row.full_label)}</title>" if row.label != row.full_label else ""
        segments = "".join(
            f'<rect class="{escape(segment.css)}" x="{segment.x}" y="{row.y}" width="{segment.width}" height="18">'
            f"<title>{escape(segment.title)}</title></rect>"
            for segment in row.segments
        )
        parts.append(
            f'<g><text class="chart-label" x="{chart.label_x}" y="{row.label_y}" text-anchor="end" '
            f'dominant-baseline="middle">{full}{escape(row.label)}</text>{segments}'
            f'<text class="chart-value" x="{row.text_x}" y="{row.label_y}" dominant-baseline="middle">'
            f"{escape(row.text)}</text></g>\n"
        )
    parts.append("</svg>\n")
    if chart.legend:
        parts.append('<ul class="chart-legend" aria-label="Légende">')
        parts.extend(
            f'<li><svg width="16" height="16" aria-hidden="true" focusable="false"><rect class="{escape(entry.css)}" '
            f'width="16" height="16"/></svg> {escape(entry.label)}</li>'
            for entry in chart.legend
        )
        parts.append("</ul>\n")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped above


def funnel(chart) -> SafeString:
    """Centred bars narrowing stage after stage, each with its number and share above it."""
    chart_id = escape(chart.id)
    description = ", puis ".join(escape(stage.text) for stage in chart.stages)
    parts = [
        f'<svg class="chart" viewBox="0 0 {chart.width} {chart.height}" role="img" '
        f'aria-labelledby="{chart_id}-titre {chart_id}-desc" preserveAspectRatio="xMidYMin meet">\n'
        f'<title id="{chart_id}-titre">{escape(chart.title)}</title>\n'
        f'<desc id="{chart_id}-desc">{description}.</desc>\n'
    ]
    for number, stage in enumerate(chart.stages, start=1):
        parts.append(
            f'<text class="chart-value" x="{stage.center}" y="{stage.text_y}" text-anchor="middle">'
            f"{escape(stage.text)}</text>\n"
        )
        if stage.width:
            parts.append(
                f'<rect class="s-funnel s-funnel-{number}" x="{stage.x}" y="{stage.y}" width="{stage.width}" '
                f'height="30" rx="3"/>\n'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped above


def people_table(table, *, first_column: str, caption: str, total_label: str = "Total") -> SafeString:
    """A protected table of people counts (reports.disclosure): hidden counts in grey italics, then the total."""
    hidden = " text-body-secondary fst-italic"
    rows = "".join(
        f'<tr><th scope="row" class="fw-normal">{escape(row.label)}</th>'
        f'<td class="text-end text-nowrap{"" if row.count.is_shown else hidden}">{escape(row.count.text)}</td></tr>\n'
        for row in table.rows
    )
    if not rows:
        empty = (
            "Détail non publié : trop peu de foyers pour le montrer sans risque."
            if table.detail_withheld
            else "Aucun foyer équipé."
        )
        rows = f'<tr><td colspan="2">{empty}</td></tr>\n'
    return mark_safe(  # noqa: S308 - every interpolated text is escaped
        '<table class="table table-sm table-tight w-auto figure-table">\n'
        f"<caption>{escape(caption)}</caption>\n"
        f'<thead><tr><th scope="col">{escape(first_column)}</th><th scope="col" class="text-end">Foyers</th></tr>'
        f"</thead>\n<tbody>\n{rows}</tbody>\n"
        f'<tfoot><tr><th scope="row">{escape(total_label)}</th>'
        f'<td class="text-end text-nowrap fw-bold">{escape(table.total.text)}</td></tr></tfoot>\n'
        "</table>"
    )


def table_rows(rows: Iterable[Sequence[str]], cell_classes: tuple[str, ...]) -> SafeString:
    """Table body rows: the first cell is the row's header, the others get `cell_classes` in turn."""
    cells_of = [f' class="{css}"' if css else "" for css in cell_classes]
    return mark_safe(  # noqa: S308 - every cell is escaped
        "".join(
            f'<tr><th scope="row" class="fw-normal">{escape(header)}</th>'
            + "".join(f"<td{css}>{escape(cell)}</td>" for css, cell in zip(cells_of, cells, strict=True))
            + "</tr>\n"
            for header, *cells in rows
        )
    )
