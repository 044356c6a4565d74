"""Server logs keep neither tokens nor query strings (core.logmask, config/gunicorn_logging.py)."""

import datetime
import logging
import secrets
import uuid
from types import SimpleNamespace

import pytest
from gunicorn.config import Config

from config.gunicorn_logging import MaskingLogger
from core.logmask import MaskPathsFilter, mask_path

TOKEN = secrets.token_urlsafe(32)


@pytest.mark.parametrize(
    ("seen", "logged"),
    [
        (f"/dons/suivi/{TOKEN}/", "/dons/suivi/…/"),
        (f"/dons/suivi/{TOKEN}/attestation.pdf?x=1", "/dons/suivi/…/attestation.pdf"),
        ("/dons/suivi/court/", "/dons/suivi/…/"),
        (f"https://filiere.example.org/dons/suivi/{TOKEN}/", "https://filiere.example.org/dons/suivi/…/"),
        ("/foyers/?q=Dupont&commune=12", "/foyers/"),
        (f"/taches/{uuid.uuid4()}/fichier/", "/taches/…/fichier/"),
        (f"/autre/{TOKEN}", "/autre/…"),
        ("/materiel/PH-000123/etiquette/", "/materiel/PH-000123/etiquette/"),
        ("/foyers/1234/modifier/", "/foyers/1234/modifier/"),
        ("/static/vendor/bootstrap/bootstrap.bundle.min.4d2f6a1b9c3e.js", None),
        ('GET /dons/suivi/abc/ HTTP/1.1" 302 "/foyers/?q=Martin"', 'GET /dons/suivi/…/ HTTP/1.1" 302 "/foyers/"'),
    ],
    # Names that do not hold the random tokens: parallel test processes must collect the same tests.
    ids=[
        "tracking",
        "tracking-file",
        "short-token",
        "absolute-url",
        "search",
        "job-file",
        "other-path",
        "asset-tag",
        "household-id",
        "static-file",
        "access-log-line",
    ],
)
def test_tokens_are_masked_and_query_strings_dropped(seen, logged):
    assert mask_path(seen) == (seen if logged is None else logged)


def test_the_gunicorn_access_log_masks_every_atom():
    logger = MaskingLogger(Config())
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/dons/suivi/{TOKEN}/?utm=mail",
        "PATH_INFO": f"/dons/suivi/{TOKEN}/",
        "QUERY_STRING": "utm=mail",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_REFERER": "https://filiere.example.org/foyers/?q=Dupont",
        "HTTP_COOKIE": "sessionid=abcdef0123456789",
        "REMOTE_ADDR": "203.0.113.5",
    }
    request = SimpleNamespace(headers=[("REFERER", environ["HTTP_REFERER"]), ("COOKIE", environ["HTTP_COOKIE"])])
    response = SimpleNamespace(status="302 Found", sent=0, headers=[("Location", f"/dons/suivi/{TOKEN}/")])
    atoms = logger.atoms(response, request, environ, datetime.timedelta(milliseconds=5))

    line = " ".join(str(value) for value in atoms.values())
    assert TOKEN not in line and "Dupont" not in line and "utm" not in line and "abcdef0123456789" not in line
    assert atoms["r"] == "GET /dons/suivi/…/ HTTP/1.1"
    assert atoms["f"] == "https://filiere.example.org/foyers/"
    assert atoms["{location}o"] == "/dons/suivi/…/" and atoms["{cookie}i"] == "-" and atoms["q"] == ""
    assert atoms["h"] == "203.0.113.5" and atoms["s"] == "302"


def test_djangos_own_log_lines_are_masked(caplog):
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "Not Found: %s", (f"/dons/suivi/{TOKEN}/?a=b",), None
    )
    MaskPathsFilter().filter(record)
    assert record.getMessage() == "Not Found: /dons/suivi/…/"
