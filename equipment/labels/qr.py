"""QR codes for asset labels (segno): each encodes the absolute URL of the item's page.

Shared by the label sheets (equipment/labels/sheets.py) and any single-label view.
"""

from functools import lru_cache

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from segno import make_qr

# Medium error correction: a label survives a scratch or a smudge, and the code stays small (version 3-4).
ERROR_LEVEL = "m"


def item_url(asset_tag: str, request=None) -> str:
    """Absolute URL of the item page that a phone opens when it scans the label."""
    path = reverse("equipment:detail", args=[asset_tag])
    return request.build_absolute_uri(path) if request is not None else path


def qr_svg(data: str, *, border: int = 2, css_class: str = "qr") -> SafeString:
    """Inline SVG markup (no fixed size: the CSS sizes it) for embedding in HTML or a WeasyPrint PDF."""
    code = make_qr(data, error=ERROR_LEVEL)
    # segno escapes nothing it does not generate itself: the markup holds only paths and a viewBox.
    return mark_safe(code.svg_inline(omitsize=True, border=border, svgclass=css_class, lineclass=None))  # noqa: S308


def item_qr_svg(asset_tag: str, request=None, **options) -> SafeString:
    return qr_svg(item_url(asset_tag, request), **options)


@lru_cache(maxsize=2048)
def qr_png_data_uri(data: str, *, border: int = 2) -> str:
    """One pixel per module, as a `data:` URI: the fastest for WeasyPrint to lay out by the hundred.

    Drawn with `image-rendering: pixelated`, it prints as sharp as a vector; it is cached because a sheet is
    often printed again (a jammed printer, a second copy).
    """
    return make_qr(data, error=ERROR_LEVEL).png_data_uri(scale=1, border=border)
