"""PDF rendering shared by every document (labels, donor documents, WEEE slips, handover sheets).

An ordinary Django template renders to HTML, then WeasyPrint lays it out. The font configuration and the
parsed stylesheets are kept between requests: they cost more than a small document itself.
Documents load nothing from the network or the disk: images must be inline (SVG) or `data:` URIs.
"""

import gc
import logging
from contextlib import contextmanager
from functools import cache

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

PDF_CONTENT_TYPE = "application/pdf"
logger = logging.getLogger(__name__)


@cache
def font_configuration() -> FontConfiguration:
    return FontConfiguration()


@cache
def _url_fetcher() -> URLFetcher:
    # Nothing user-typed can make the server fetch a URL (SSRF) or read a local file. Built once: its set-up
    # loads the system's TLS certificates (tens of ms). `data:` URIs never go through its per-request state.
    return URLFetcher(allowed_protocols={"data"})


@cache
def _stylesheet_cached(static_path: str) -> CSS:
    return _stylesheet_load(static_path)


def _stylesheet_load(static_path: str) -> CSS:
    filename = finders.find(static_path)
    if filename is None:
        raise FileNotFoundError(f"Feuille de style PDF introuvable dans les fichiers statiques : {static_path}")
    return CSS(filename=filename, font_config=font_configuration(), url_fetcher=_url_fetcher())


def stylesheet(static_path: str) -> CSS:
    """A parsed stylesheet from the static files (re-read on every call while DEBUG is on, to edit it live)."""
    return _stylesheet_load(static_path) if settings.DEBUG else _stylesheet_cached(static_path)


def programme() -> dict:
    """Who issues the documents: every PDF template receives it as `programme`."""
    config = settings.FILIERE
    return {
        "name": config["PROGRAMME_NAME"],
        "territory": config["TERRITORY_NAME"],
        "refurbisher": config["REFURBISHER_NAME"],
    }


@contextmanager
def _collector_paused():
    """Python's cyclic garbage collector off while WeasyPrint lays a document out.

    Layout builds hundreds of thousands of small objects that live until the document is written; each time enough
    of them survive, the collector walks the whole process's heap (Django's included): a fifth of a 20-sheet PDF's
    CPU in a server process. The boxes are freed by reference counting all the same (peak memory for 200 handover
    sheets: +232 MiB without the collector, +224 MiB with it). Left as it was found, also after an error.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def render_pdf(
    template_name: str, context: dict, request=None, *, stylesheets: tuple[str, ...] = ("pdf/document.css",)
) -> bytes:
    """Render `template_name` with `context` and lay it out as a PDF; `stylesheets` are static paths."""
    html = render_to_string(template_name, {"programme": programme(), **context}, request=request)
    document = HTML(string=html, url_fetcher=_url_fetcher())
    with _collector_paused():
        return document.write_pdf(
            stylesheets=[stylesheet(path) for path in stylesheets],
            font_config=font_configuration(),
        )


# Every stylesheet a document uses, parsed by warm(): equipment's labels, donor documents, distribution documents.
WARM_STYLESHEETS = ("pdf/document.css", "pdf/distributions.css", "pdf/labels.css")
_WARM_HTML = (
    '<p>Filière <b>gras</b> <span class="mono">PH-000001</span> ☐ ☒ €</p>'  # the faces and glyphs documents use
)


def warm() -> None:
    """Pay WeasyPrint's first-document costs once, when a server process starts rather than on someone's first
    print: fontconfig and Pango find and load the fonts, the stylesheets are parsed and kept (~0.3 s of CPU, more
    under load). A failure here is only logged: the first document would then pay it, as before."""
    try:
        sheets = [stylesheet(path) for path in WARM_STYLESHEETS]
        HTML(string=_WARM_HTML, url_fetcher=_url_fetcher()).write_pdf(
            stylesheets=sheets[:1], font_config=font_configuration()
        )
    except Exception:  # noqa: BLE001 - warming must never stop a server from starting
        logger.warning("Préchauffage de WeasyPrint impossible : le premier document le paiera.", exc_info=True)


def pdf_response(content: bytes, filename: str, *, attachment: bool = False) -> HttpResponse:
    """An HTTP response carrying a PDF; shown in the browser unless `attachment`."""
    response = HttpResponse(content, content_type=PDF_CONTENT_TYPE)
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response
