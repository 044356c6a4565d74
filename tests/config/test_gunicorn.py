"""Served as in production: gunicorn with 5 workers (config/gunicorn.conf.py), over HTTP on the loopback.

Limits hold across workers (the rate-limit counters live in Redis, shared by every worker; login failures in
PostgreSQL), even for requests sent at the same moment; the access log keeps neither tokens nor query strings.
"""

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.db import connection

from donations.models import DonationOffer
from tests.accounts.factories import UserFactory
from tests.donations.offers.helpers import valid_post

ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
WORKERS = 5

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One visitor: its cookies (CSRF, session), each request on a new connection (any worker may take it)."""

    def __init__(self, base: str, address_header: str = ""):
        self.base = base
        self.address_header = address_header
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect
        )

    def request(self, path: str, data: dict | None = None) -> tuple[int, str, dict]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body)  # noqa: S310 — loopback URL built here
        if self.address_header:
            request.add_header("X-Test-Client", self.address_header)
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read().decode(), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), dict(error.headers)

    def form(self, path: str, data: dict) -> tuple[int, str, dict]:
        """GET the page for its CSRF token, then POST the form with it."""
        status, html, _ = self.request(path)
        assert status == 200, (status, html[:500])
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        return self.request(path, {**data, "csrfmiddlewaretoken": token})


@pytest.fixture(scope="module")
def gunicorn(django_db_setup, tmp_path_factory):
    """gunicorn as `make serve` runs it, 5 workers, DEBUG off, on the test database and Redis; stopped by its pid.
    Started once for the module (each test uses addresses of its own); the tests commit what it must read.

    The rate-limit keys get a prefix of their own, so that other test runs sharing the Redis count apart."""
    port = _free_port()
    logs = tmp_path_factory.mktemp("gunicorn")
    access_log, error_log = logs / "access.log", logs / "error.log"
    settings_dict = connection.settings_dict
    database_url = (
        f"postgres://{settings_dict['USER']}:{settings_dict['PASSWORD'] or ''}@{settings_dict['HOST']}:"
        f"{settings_dict['PORT'] or 5432}/{settings_dict['NAME']}"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings_test",  # production settings, static files without a manifest
        "DEBUG": "0",
        "DATABASE_URL": database_url,
        "CACHE_KEY_PREFIX": f"filiere-gunicorn-test-{uuid.uuid4().hex[:12]}",
        "ALLOWED_HOSTS": HOST,
        "WEB_CONCURRENCY": str(WORKERS),
        "GUNICORN_BIND": f"{HOST}:{port}",
        "GUNICORN_ACCESS_LOG": str(access_log),
        # The worker's pid in each line: which worker served which request.
        "GUNICORN_CMD_ARGS": '--access-logformat "%(p)s %(s)s \\"%(r)s\\" \\"%(f)s\\" \\"%({location}o)s\\""',
        "GUNICORN_LOG_LEVEL": "warning",
        # Each test visitor names its address in a header of its own (no proxy here).
        "FILIERE_CLIENT_IP_HEADER": "HTTP_X_TEST_CLIENT",
        "CONN_MAX_AGE": "0",
    }
    with open(error_log, "wb") as errors:
        server = subprocess.Popen(  # noqa: S603 — our own gunicorn, arguments fixed here
            [str(ROOT / ".venv" / "bin" / "gunicorn"), "-c", "config/gunicorn.conf.py", "config.wsgi"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=errors,
        )
    base = f"http://{HOST}:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{base}/dons/proposer/", timeout=5):  # noqa: S310 — loopback
                    break
            except OSError as error:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"gunicorn n'a pas démarré : {error_log.read_text()[-2000:]}") from error
                time.sleep(0.3)
        yield base, access_log
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)


def _log_once_written(access_log: Path, *needles: str) -> str:
    """The access log once these lines are in it: a worker writes its line after sending the response."""
    deadline = time.monotonic() + 15
    while True:
        log = access_log.read_text()
        if all(needle in log for needle in needles) or time.monotonic() > deadline:
            return log
        time.sleep(0.2)


def _workers(access_log: Path, method_and_path: str, count: int) -> set[str]:
    """The pids of the workers that served these `count` requests."""
    deadline = time.monotonic() + 15
    while True:
        lines = [line for line in access_log.read_text().splitlines() if f'"{method_and_path} ' in line]
        if len(lines) >= count or time.monotonic() > deadline:
            return {line.split()[0] for line in lines}
        time.sleep(0.2)


def test_five_offers_an_hour_from_one_address_across_five_workers_even_at_once(gunicorn):
    base, access_log = gunicorn

    def offer(index: int) -> int:
        status, _, _ = Browser(base, "203.0.113.5").form("/dons/proposer/", valid_post(contact_name=f"Claire {index}"))
        return status

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        statuses = list(pool.map(offer, range(15)))

    assert sorted(statuses) == [302] * 5 + [429] * 10, statuses
    assert DonationOffer.objects.count() == 5
    assert len(_workers(access_log, "POST /dons/proposer/", 15)) >= 2  # several workers took the posts
    # Another address is not held back by the first one's limit.
    status, _, _ = Browser(base, "198.51.100.7").form("/dons/proposer/", valid_post())
    assert status == 302


def test_five_wrong_passwords_lock_the_account_across_five_workers_even_at_once(gunicorn):
    base, access_log = gunicorn
    UserFactory(username="smartin", prescriber=True)

    def wrong(index: int) -> str:
        _, html, _ = Browser(base, f"192.0.2.{index}").form(
            "/accounts/login/", {"username": "smartin", "password": f"pas-le-bon-{index}"}
        )
        return html

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        pages = list(pool.map(wrong, range(12)))

    locked = [page for page in pages if "il est bloqué jusqu" in page]
    assert len(pages) - len(locked) <= 5  # at most five passwords were tried
    assert len(_workers(access_log, "POST /accounts/login/", 12)) >= 2
    status, html, _ = Browser(base, "203.0.113.9").form(
        "/accounts/login/", {"username": "smartin", "password": "motdepasse-solide-2026"}
    )
    assert status == 200 and "il est bloqué jusqu" in html


def test_the_access_log_keeps_no_token_and_no_query_string(gunicorn):
    base, access_log = gunicorn
    visitor = Browser(base, "203.0.113.20")
    status, _, headers = visitor.form("/dons/proposer/", valid_post())
    assert status == 302
    tracking = headers["Location"]
    token = tracking.rstrip("/").rsplit("/", 1)[1]
    assert len(token) >= 20
    assert visitor.request(tracking)[0] == 200
    visitor.request(f"/dons/suivi/{token}/attestation.pdf?download=1")
    visitor.request("/foyers/?q=Dupont&commune=12")

    log = _log_once_written(access_log, '"GET /foyers/ HTTP/1.1"', "attestation.pdf")
    assert token not in log
    assert "Dupont" not in log and "q=" not in log and "commune=12" not in log
    assert '"GET /dons/suivi/…/ HTTP/1.1"' in log
    assert '"POST /dons/proposer/ HTTP/1.1"' in log and '"/dons/suivi/…/"' in log  # the redirect's Location
    assert '"GET /foyers/ HTTP/1.1"' in log and '"GET /dons/suivi/…/attestation.pdf HTTP/1.1"' in log
