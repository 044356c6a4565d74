"""core.pdf: WeasyPrint warmed when a server process starts (warm, called by config.wsgi), documents laid out with
the garbage collector paused."""

import gc
import logging

import pytest

from core import pdf


def test_warming_parses_every_pdf_stylesheet_once_for_the_documents_to_come(settings):
    settings.DEBUG = False
    pdf._stylesheet_cached.cache_clear()

    pdf.warm()

    assert pdf._stylesheet_cached.cache_info().currsize == len(pdf.WARM_STYLESHEETS)
    assert pdf.stylesheet("pdf/distributions.css") is pdf.stylesheet("pdf/distributions.css")


def test_a_failed_warm_up_is_logged_and_the_server_still_starts(settings, monkeypatch, caplog):
    settings.DEBUG = False
    monkeypatch.setattr(pdf, "WARM_STYLESHEETS", ("pdf/absente.css",))

    with caplog.at_level(logging.WARNING, logger="core.pdf"):
        pdf.warm()

    assert "Préchauffage de WeasyPrint impossible" in caplog.text


def test_the_garbage_collector_runs_again_after_a_document_even_a_failed_one():
    assert pdf.render_pdf("pdf/base.html", {}).startswith(b"%PDF-")
    assert gc.isenabled()

    with pytest.raises(FileNotFoundError):
        pdf.render_pdf("pdf/base.html", {}, stylesheets=("pdf/absente.css",))
    assert gc.isenabled()
