"""The dashboard's repeated markup (charts, figure tables, pickers), written out in Python.

Why not template partials: the page has a few hundred rows (47 communes in a chart and a table, 40 structures, 42
options...). Drawn by the template engine they cost ~15 ms a page, more than the page's own SQL; joined here
they cost well under a millisecond. Same markup as the partials it replaced; every text is escaped
(`html.escape`, as Django's autoescape does), every number is formatted before it gets here.
"""

from collections.abc import Iterable, Sequence
from html import escape

from django.utils.formats import get_format, number_format
from django.utils.safestring import SafeString, mark_safe

from reports.charts import BarChart, Funnel
from reports.disclosure import PeopleTable


def integer(value: int) -> str:
    """A count as `intcomma` shows it (thousands grouped with the locale's separator), in one locale lookup
    instead of several: a template renders an int through the same lookups again, so the page passes text."""
    if 0 <= value < 1000:
        return str(value)
    if get_format("NUMBER_GROUPING") != 3:
        return number_format(value, force_grouping=True)
    return f"{value:,}".replace(",", get_format("THOUSAND_SEPARATOR"))


def bar_chart(chart: BarChart) -> SafeString:
    """Horizontal bars as inline SVG (geometry in reports.charts), then the legend when there is one."""
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


def funnel(chart: Funnel) -> SafeString:
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


def people_table(table: PeopleTable, *, first_column: str, caption: str, total_label: str = "Total") -> SafeString:
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


def options(choices: Iterable[tuple[object, str]], selected: object) -> SafeString:
    """<option> elements for a select: (value, label) pairs, the one equal to `selected` selected."""
    return mark_safe(  # noqa: S308 - values and labels are escaped
        "".join(
            f'<option value="{escape(str(value))}"{" selected" if value == selected else ""}>{escape(label)}</option>'
            for value, label in choices
        )
    )
