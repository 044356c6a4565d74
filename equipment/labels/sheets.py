"""Asset label sheets: common A4 label layouts, placement of labels on pages, and the PDF.

Positions are computed here, in millimetres, and the template places each label absolutely: label sheets
forgive no rounding, and a printer's own margins are corrected with the sheet's margins, not with CSS flow.
"""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.text import Truncator

from core.pdf import render_pdf
from equipment.labels.qr import item_url, qr_png_data_uri
from equipment.models import Item

A4_WIDTH_MM = Decimal("210")
A4_HEIGHT_MM = Decimal("297")
# Ten sheets of 3 × 8: a PDF laid out in a few seconds (about 20 ms a label), well within a request.
MAX_LABELS = 240
MODEL_MAX_CHARS = 30
# White space inside each label: keeps text off the die-cut edge and gives the QR code its quiet zone.
LABEL_PADDING_MM = Decimal("2.5")


@dataclass(frozen=True)
class LabelLayout:
    """One commercial A4 label sheet: grid, label size and the maker's margins."""

    code: str
    name: str
    columns: int
    rows: int
    width_mm: Decimal
    height_mm: Decimal
    top_mm: Decimal
    left_mm: Decimal
    column_gap_mm: Decimal = Decimal("0")
    row_gap_mm: Decimal = Decimal("0")

    @property
    def per_page(self) -> int:
        return self.columns * self.rows

    @property
    def label(self) -> str:
        return (
            f"{self.columns} × {self.rows} — {_mm(self.width_mm)} × {_mm(self.height_mm)} mm "
            f"({self.per_page} par planche, {self.name})"
        )


def _mm(value: Decimal) -> str:
    return f"{value.normalize():f}".replace(".", ",")


LAYOUTS: dict[str, LabelLayout] = {
    layout.code: layout
    for layout in (
        LabelLayout(
            "3x8", "type Apli 1273 / Herma 4453", 3, 8, Decimal("70"), Decimal("37"), Decimal("0.5"), Decimal("0")
        ),
        LabelLayout(
            "2x7",
            "type Avery L7163",
            2,
            7,
            Decimal("99.1"),
            Decimal("38.1"),
            Decimal("15.15"),
            Decimal("4.65"),
            column_gap_mm=Decimal("2.5"),
        ),
        LabelLayout(
            "3x7",
            "type Avery L7160",
            3,
            7,
            Decimal("63.5"),
            Decimal("38.1"),
            Decimal("15.15"),
            Decimal("7.2"),
            column_gap_mm=Decimal("2.5"),
        ),
    )
}
DEFAULT_LAYOUT = "3x8"


@dataclass(frozen=True)
class Margins:
    """Where the grid starts on the sheet and the space between labels, in millimetres."""

    top_mm: Decimal
    left_mm: Decimal
    column_gap_mm: Decimal
    row_gap_mm: Decimal

    @classmethod
    def for_layout(cls, layout: LabelLayout, **overrides: Decimal | None) -> "Margins":
        values = {
            "top_mm": layout.top_mm,
            "left_mm": layout.left_mm,
            "column_gap_mm": layout.column_gap_mm,
            "row_gap_mm": layout.row_gap_mm,
        }
        values.update({key: value for key, value in overrides.items() if value is not None})
        return cls(**values)


def overflow_problems(layout: LabelLayout, margins: Margins) -> list[str]:
    """French messages when the grid, with these margins, would not fit on an A4 sheet."""
    width = margins.left_mm + layout.columns * layout.width_mm + (layout.columns - 1) * margins.column_gap_mm
    height = margins.top_mm + layout.rows * layout.height_mm + (layout.rows - 1) * margins.row_gap_mm
    problems = []
    # Half a millimetre of tolerance: the makers' own figures round to it.
    if width > A4_WIDTH_MM + Decimal("0.5"):
        problems.append(
            f"les étiquettes dépassent à droite de la feuille ({_mm(width)} mm pour 210 mm de large) : "
            "réduisez la marge gauche ou l'espacement horizontal"
        )
    if height > A4_HEIGHT_MM + Decimal("0.5"):
        problems.append(
            f"les étiquettes dépassent en bas de la feuille ({_mm(height)} mm pour 297 mm de haut) : "
            "réduisez la marge du haut ou l'espacement vertical"
        )
    return problems


@dataclass(frozen=True)
class Label:
    """What one label shows: the QR code (the item's page), the tag in clear, category and short model."""

    asset_tag: str
    category: str = ""
    model: str = ""


@dataclass(frozen=True)
class PlacedLabel:
    label: Label
    style: str  # absolute position and size, in mm (dot decimals whatever the locale)
    qr_src: str  # PNG data URI


def labels_for_items(items: Iterable[Item]) -> list[Label]:
    labels = []
    for item in items:
        model = " ".join(part for part in (item.manufacturer, item.model) if part)
        labels.append(
            Label(
                asset_tag=item.asset_tag,
                category=item.get_category_display(),
                model=Truncator(model).chars(MODEL_MAX_CHARS),
            )
        )
    return labels


def labels_for_tags(tags: Sequence[str]) -> list[Label]:
    """Blank labels for new tags: the item is created later with the tag the label bears."""
    return [Label(asset_tag=tag) for tag in tags]


def page_count(label_count: int, layout: LabelLayout, skip: int = 0) -> int:
    return max(1, math.ceil((skip + label_count) / layout.per_page))


def place_labels(
    labels: Sequence[Label], layout: LabelLayout, margins: Margins, *, skip: int = 0, request=None
) -> list[list[PlacedLabel]]:
    """Labels grouped by page, each with its position; `skip` leaves the first positions of sheet 1 empty."""
    pages: list[list[PlacedLabel]] = [[] for _ in range(page_count(len(labels), layout, skip))]
    for index, label in enumerate(labels, start=skip):
        page, position = divmod(index, layout.per_page)
        row, column = divmod(position, layout.columns)
        top = margins.top_mm + row * (layout.height_mm + margins.row_gap_mm)
        left = margins.left_mm + column * (layout.width_mm + margins.column_gap_mm)
        style = f"top:{top:.2f}mm;left:{left:.2f}mm;width:{layout.width_mm:.2f}mm;height:{layout.height_mm:.2f}mm"
        pages[page].append(
            PlacedLabel(label=label, style=style, qr_src=qr_png_data_uri(item_url(label.asset_tag, request)))
        )
    return pages


def label_sheet_pdf(
    labels: Sequence[Label],
    *,
    layout: LabelLayout,
    margins: Margins | None = None,
    skip: int = 0,
    title: str = "Étiquettes",
    outline: bool = False,
    request=None,
) -> bytes:
    """The PDF to print on the label sheets: one A4 page per sheet."""
    margins = margins or Margins.for_layout(layout)
    qr_size = layout.height_mm - 2 * LABEL_PADDING_MM
    pages = place_labels(labels, layout, margins, skip=skip, request=request)
    context = {
        "pages": pages,
        "layout": layout,
        "title": title,
        # The QR code is a square as tall as the label, less its padding; the text starts just right of it.
        "qr_size": f"{qr_size:.2f}mm",
        "text_left": f"{qr_size + LABEL_PADDING_MM + 1:.2f}mm",
        "outline": outline,
    }
    return render_pdf("equipment/labels_sheet.html", context, request, stylesheets=("pdf/labels.css",))
