"""Error pages: French, in the site's layout, with a way back; the 500 page drawn without the database."""

import json
import os
import subprocess
import sys
from pathlib import Path

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import OperationalError
from django.test import Client, RequestFactory
from django.urls import reverse

from bench.loadtest import free_ports
from config.errors import permission_denied, server_error
from tests.accounts.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
LAYOUT = 'class="navbar-brand fw-bold"'


def _page(response) -> str:
    page = response.content.decode()
    assert LAYOUT in page and '<html lang="fr">' in page  # the site's layout
    return page


def test_a_missing_page_says_so_in_french_with_a_way_back(client):
    client.force_login(UserFactory(prescriber=True))

    response = client.get("/materiel-qui-n-existe-pas/")

    assert response.status_code == 404
    page = _page(response)
    assert "<h1>Page introuvable</h1>" in page and "pas visible avec votre compte" in page
    assert f'href="{reverse("accounts:landing")}">Revenir à mon espace' in page
    assert "Not Found" not in page


def test_a_public_missing_page_offers_the_home_page_and_the_login(client):
    response = client.get(reverse("donations:offer_tracking", args=["jeton-inconnu"]))

    assert response.status_code == 404
    page = _page(response)
    assert "<h1>Page introuvable</h1>" in page
    assert f'href="{reverse("home")}">Page d\'accueil du programme' in page
    assert f'href="{reverse("accounts:login")}">Espace professionnel' in page


def test_a_refusal_gives_its_reason_and_a_way_back(client):
    client.force_login(UserFactory(prescriber=True))

    response = client.get(reverse("structures:list"))

    assert response.status_code == 403
    page = _page(response)
    assert "<h1>Accès refusé</h1>" in page and "Réservé à la coordination du programme." in page
    assert "Revenir à mon espace" in page and "403 Forbidden" not in page


def test_a_refusal_without_a_reason_says_it_in_general_terms():
    request = RequestFactory().get("/")
    request.user = AnonymousUser()

    response = permission_denied(request, PermissionDenied())

    assert response.status_code == 403
    assert "Votre compte n&#x27;a pas accès à cette page." in _page(response)


def test_a_malformed_request_gets_a_french_400(client):
    response = Client(raise_request_exception=False).get("/", HTTP_HOST="pirate.example")

    assert response.status_code == 400
    page = _page(response)
    assert "<h1>Demande incorrecte</h1>" in page and "Rien n'a été enregistré" in page


def test_a_form_sent_without_its_csrf_token_gets_a_french_page(client):
    browser = Client(enforce_csrf_checks=True)
    browser.get(reverse("accounts:login"))  # the CSRF cookie is set, the token then left out

    response = browser.post(reverse("accounts:login"), {"username": "x", "password": "y"})

    assert response.status_code == 403
    page = _page(response)
    assert "<h1>Formulaire expiré</h1>" in page and "rien n'a été enregistré" in page
    assert "CSRF verification failed" not in page


def test_a_form_sent_without_cookies_says_to_allow_them():
    response = Client(enforce_csrf_checks=True).post(reverse("accounts:login"), {"username": "x"})

    assert response.status_code == 403
    assert "Autorisez les cookies pour ce site" in _page(response)


def test_the_500_page_is_drawn_without_any_query(django_assert_num_queries):
    request = RequestFactory().get("/")
    with django_assert_num_queries(0):
        try:
            raise RuntimeError("boom")
        except RuntimeError:
            response = server_error(request)

    assert response.status_code == 500
    page = _page(response)
    assert "<h1>Le service a rencontré une erreur</h1>" in page and "boom" not in page
    assert f'href="{reverse("home")}"' in page


def test_a_lost_database_is_a_503_that_says_so(django_assert_num_queries):
    with django_assert_num_queries(0):
        try:
            raise OperationalError("connection refused")
        except OperationalError:
            response = server_error(RequestFactory().get("/"))

    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert "La base de données ne répond pas" in _page(response)


OUTAGE_SCRIPT = """
import json, django
django.setup()
from django.test.utils import setup_test_environment
setup_test_environment()
from django.test import Client
anonymous, signed_in = Client(raise_request_exception=False), Client(raise_request_exception=False)
signed_in.cookies["sessionid"] = "a" * 32
seen = {}
for name, client, path in [("home", anonymous, "/"), ("households", signed_in, "/foyers/"),
                           ("missing", signed_in, "/nulle-part/")]:
    response = client.get(path)
    seen[name] = [response.status_code, response.content.decode()]
print(json.dumps(seen))
"""


def test_with_the_database_down_every_page_is_a_french_503_not_a_server_error():
    """The database is down (nothing listens on its port): the public home, a signed-in page and a missing page."""
    port = free_ports(1)[0]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{port}/filiere",
        "DEBUG": "0",
    }
    output = subprocess.run(
        [sys.executable, "-c", OUTAGE_SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert output.returncode == 0, output.stderr[-2000:]
    seen = json.loads(output.stdout.strip().splitlines()[-1])
    for name, (status, page) in seen.items():
        assert status == 503, (name, status)
        assert "Service momentanément indisponible" in page and LAYOUT in page, name
        assert "Server Error" not in page and "Traceback" not in page
