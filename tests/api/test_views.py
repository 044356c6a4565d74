"""/evidence/<uuid> (the QR code the Workbench prints) and the API's documentation, for signed-in staff only."""

import re
from pathlib import Path

import pytest
from django.core.cache import cache

from equipment.snapshots.services import snapshot_import
from tests.accounts.factories import UserFactory

SNAPSHOTS = Path(__file__).resolve().parents[1] / "data" / "snapshots"
UUID = "e7de22e2-f8a7-4051-b133-0a7a0e27608f"  # hp_probook_450.json


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


@pytest.mark.parametrize("role", ["technician", "coordination"])
def test_evidence_opens_the_item_page_for_staff(client, role):
    item = snapshot_import(data=(SNAPSHOTS / "hp_probook_450.json").read_bytes())
    client.force_login(UserFactory(**{role: True}))

    response = client.get(f"/evidence/{UUID}")

    assert response.status_code == 302 and response["Location"] == f"/materiel/{item.asset_tag}/"
    assert client.get(response["Location"]).status_code == 200


def test_evidence_sends_anonymous_visitors_to_the_login_page_and_refuses_other_roles(client):
    snapshot_import(data=(SNAPSHOTS / "hp_probook_450.json").read_bytes())

    anonymous = client.get(f"/evidence/{UUID}")
    client.force_login(UserFactory(prescriber=True))
    prescriber = client.get(f"/evidence/{UUID}")

    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    assert prescriber.status_code == 403


def test_an_unknown_evidence_is_a_404(client):
    client.force_login(UserFactory(technician=True))

    assert client.get("/evidence/00000000-0000-4000-8000-000000000000").status_code == 404


def test_the_documentation_runs_no_inline_script_and_loads_nothing_from_elsewhere(client):
    client.force_login(UserFactory(technician=True))

    response = client.get("/api/v1/")

    assert response.status_code == 200
    html = response.text
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, flags=re.S)
    executable = [(attrs, body) for attrs, body in scripts if 'type="application/json"' not in attrs]
    assert executable and all(body.strip() == "" and 'src="/static/' in attrs for attrs, body in executable)
    assert "http://" not in html.replace("http://testserver", "") and "https://" not in html
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "unsafe-inline" not in response["Content-Security-Policy"].split("script-src")[1].split(";")[0]


def test_the_schema_documents_the_upload_for_staff(client):
    client.force_login(UserFactory(coordination=True))

    schema = client.get("/api/v1/openapi.json").json()

    operation = schema["paths"]["/api/v1/snapshot/"]["post"]
    assert {"200", "400", "401", "413", "422", "429"} <= set(operation["responses"])
    assert operation["security"] and "requestBody" in operation
    assert "get" not in schema["paths"]["/api/v1/snapshot/"]


@pytest.mark.parametrize("path", ["/api/v1/", "/api/v1/openapi.json"])
def test_the_documentation_is_closed_to_anonymous_visitors_and_other_roles(client, path):
    anonymous = client.get(path)
    client.force_login(UserFactory(partner=True))
    partner = client.get(path)

    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    assert partner.status_code == 403
