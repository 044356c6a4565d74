"""Geometry of the dashboard's charts; core.components draws them as inline SVG.

No JavaScript: the SVG is in the page, prints as it shows, and each chart has a table with the same numbers.
Sizes are SVG user units in a fixed viewBox (the chart scales with its box).
"""

from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 640
LABEL_WIDTH = 200
GAP = 10
VALUE_WIDTH = 80
ROW_HEIGHT = 30
BAR_HEIGHT = 18
MAX_LABEL = 28


@dataclass(frozen=True)
class Segment:
    x: float
    width: float
    css: str
    title: str


@dataclass(frozen=True)
class BarRow:
    label: str
    full_label: str
    text: str
    y: float
    text_x: float
    segments: list[Segment]

    @property
    def label_y(self) -> float:
        return self.y + BAR_HEIGHT / 2


@dataclass(frozen=True)
class LegendEntry:
    css: str
    label: str


@dataclass(frozen=True)
class BarChart:
    id: str
    title: str
    rows: list[BarRow]
    legend: list[LegendEntry]
    width: int = WIDTH
    label_x: int = LABEL_WIDTH

    @property
    def height(self) -> int:
        return int(len(self.rows) * ROW_HEIGHT + 10)


@dataclass(frozen=True)
class Series:
    """One part of a bar: `value` units drawn with the CSS class `css`, named `label` in the legend."""

    value: float
    css: str
    label: str


@dataclass(frozen=True)
class Bar:
    """A bar: its label, the text shown after it (the number, or « < 5 »), and its parts (none: nothing drawn)."""

    label: str
    text: str
    parts: Sequence[Series]


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1].rstrip() + "…"


def bar_chart(*, chart_id: str, title: str, bars: Sequence[Bar], legend: Sequence[Series] = ()) -> BarChart:
    """Horizontal bars, stacked when a bar has several parts; lengths are proportional to the largest bar."""
    area = WIDTH - LABEL_WIDTH - GAP - VALUE_WIDTH
    largest = max((sum(part.value for part in bar.parts) for bar in bars), default=0) or 1
    scale = area / largest
    rows = []
    for index, bar in enumerate(bars):
        x = LABEL_WIDTH + GAP
        segments = []
        for part in bar.parts:
            if part.value <= 0:
                continue
            width = max(part.value * scale, 1.5)
            segments.append(Segment(x=round(x, 1), width=round(width, 1), css=part.css, title=part.label))
            x += width
        rows.append(
            BarRow(
                label=_short(bar.label),
                full_label=bar.label,
                text=bar.text,
                y=5 + index * ROW_HEIGHT,
                text_x=round(x + 6, 1),
                segments=segments,
            )
        )
    return BarChart(
        id=chart_id,
        title=title,
        rows=rows,
        legend=[LegendEntry(series.css, series.label) for series in legend],
    )


FUNNEL_ROW = 62
FUNNEL_BAR = 30


@dataclass(frozen=True)
class FunnelStage:
    text: str
    x: float
    width: float
    y: float

    @property
    def text_y(self) -> float:
        return self.y - 8

    @property
    def center(self) -> float:
        return WIDTH / 2


@dataclass(frozen=True)
class Funnel:
    id: str
    title: str
    stages: list[FunnelStage]
    width: int = WIDTH

    @property
    def height(self) -> int:
        return len(self.stages) * FUNNEL_ROW + 4


def funnel(*, chart_id: str, title: str, stages: Sequence[tuple[str, int]]) -> Funnel:
    """Centred bars narrowing from the first stage (100 %) to the last; each says its number and its share."""
    first = stages[0][1] if stages else 0
    drawn = []
    for index, (label, value) in enumerate(stages):
        width = (WIDTH - 40) * value / first if first else 0
        width = max(width, 2) if value else 0
        share = f" ({round(100 * value / first)} %)" if index and first else ""
        drawn.append(
            FunnelStage(
                text=f"{label} : {value:,}{share}".replace(",", "\u202f"),
                x=round((WIDTH - width) / 2, 1),
                width=round(width, 1),
                y=26 + index * FUNNEL_ROW,
            )
        )
    return Funnel(id=chart_id, title=title, stages=drawn)
