"""POST /api/v1/snapshot/ as the Workbench calls it: answers, codes and French reasons, nothing written on refusal.

Through Django's test client (the whole middleware stack); tests/api/test_workbench_client.py speaks to a live
server exactly as workbench-script does."""

import datetime
import json
import logging
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from gunicorn.config import Config

from api import v1
from api.models import WorkbenchToken
from api.services import workbench_token_revoke
from config.gunicorn_logging import MaskingLogger
from equipment.enums import SnapshotChannel
from equipment.models import SnapshotImport
from tests.accounts.factories import UserFactory
from tests.api.factories import SNAPSHOT_URL, workbench_token
from tests.security.fuzz import row_counts

SNAPSHOTS = Path(__file__).resolve().parents[1] / "data" / "snapshots"
NAMES = sorted(path.name for path in SNAPSHOTS.glob("*.json"))
TABLES = (
    "equipment.Item",
    "equipment.HistoricalItem",
    "equipment.Drive",
    "equipment.ErasureRecord",
    "equipment.SnapshotImport",
    "equipment.StatusChange",
)


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


@pytest.fixture
def token():
    return workbench_token("Poste 3")


def _post(client, body: bytes, key: str | None, path: str = SNAPSHOT_URL, **headers):
    if key is not None:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    return client.generic("POST", path, body, content_type="application/json", **headers)


def _json(response) -> dict:
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    return json.loads(response.content.decode("utf-8"))


@pytest.mark.parametrize("name", NAMES)
def test_a_snapshot_is_imported_and_answered_as_the_workbench_expects(client, token, name):
    body = (SNAPSHOTS / name).read_bytes()

    response = _post(client, body, token[1])

    assert response.status_code == 200
    answer = _json(response)
    snapshot = SnapshotImport.objects.select_related("item").get()
    item = snapshot.item
    assert answer == {
        "status": "success",
        "dhid": item.asset_tag,
        "public_url": f"http://testserver/materiel/{item.asset_tag}/",
    }
    assert (snapshot.channel, snapshot.sender) == (SnapshotChannel.API, "Poste 3")
    with snapshot.file.open("rb") as stored:
        assert stored.read() == body
    # No session, no cookie: the endpoint is not a page.
    assert "sessionid" not in response.cookies and "csrftoken" not in response.cookies


def test_the_same_snapshot_again_gives_the_same_answer_and_writes_nothing(client, token):
    body = (SNAPSHOTS / "hp_probook_450.json").read_bytes()
    first = _json(_post(client, body, token[1]))
    before = row_counts(*TABLES)

    again = _post(client, body, token[1])

    assert again.status_code == 200 and _json(again) == first
    assert row_counts(*TABLES) == before


def test_the_path_without_its_final_slash_answers_itself(client, token):
    response = _post(client, (SNAPSHOTS / "snapshot01.json").read_bytes(), token[1], path="/api/v1/snapshot")

    assert response.status_code == 200 and _json(response)["status"] == "success"


def test_the_token_s_technician_is_the_erasures_technician_and_the_last_use_is_recorded(client):
    technician = UserFactory(technician=True)
    token, key = workbench_token("Clé de Karim", organisation=technician.organisation, technician=technician)

    response = _post(client, (SNAPSHOTS / "hp_probook_450.json").read_bytes(), key, REMOTE_ADDR="192.0.2.7")

    assert response.status_code == 200
    snapshot = SnapshotImport.objects.get()
    assert snapshot.imported_by == technician
    assert snapshot.item.drives.get().erasures.get().technician == technician
    token.refresh_from_db()
    assert token.last_used_address == "192.0.2.7" and token.last_used_at is not None


def _hostile_lshw() -> bytes:
    document = json.loads((SNAPSHOTS / "snapshot_workbench-script_legacy.json").read_bytes())
    document["data"]["dmidecode"] = ""  # the computer is then read from lshw
    document["data"]["lshw"] = '{"children": [' * 3000 + "{}" + "]}" * 3000
    return json.dumps(document).encode()


BAD = {
    "empty": (b"", 400, "JSON illisible", "vide"),
    "not JSON": (b"Ceci n'est pas un rapport", 400, "JSON illisible", "pas du JSON valide"),
    "not UTF-8": ("rapport é".encode("latin-1"), 400, "JSON illisible", "UTF-8"),
    "truncated": ((SNAPSHOTS / "hp_probook_450.json").read_bytes()[:30000], 400, "JSON illisible", "tronqué"),
    "a JSON list": (b"[1, 2]", 422, "Rapport refusé", "liste"),
    "JSON but not a snapshot": (b'{"nom": "Dupont"}', 422, "Rapport refusé", "n'est pas un rapport eReuse"),
    "another type": (b'{"type": "Device", "device": {}}', 422, "Rapport refusé", "Snapshot"),
    "no serial number": (
        b'{"type": "Snapshot", "device": {"type": "Laptop"}, "components": []}',
        422,
        "Rapport refusé",
        "numéro de série",
    ),
    "a 5,000-digit integer": (
        b'{"type": "Snapshot", "device": {"serialNumber": "X", "ram": ' + b"7" * 5000 + b"}}",
        422,
        "Rapport refusé",
        "milliers de chiffres",
    ),
    "nested 100,000 deep": (
        b'{"device": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
        422,
        "Rapport refusé",
        "imbriqué",
    ),
    "nested 3,000 deep in lshw": (_hostile_lshw(), 422, "Rapport refusé", "imbriqué"),
    "NUL character": (b'{"device": {"serialNumber": "X\\u0000Y"}, "components": []}', 422, "Rapport refusé", "nul"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_gets_its_code_and_a_french_reason_and_writes_nothing(client, token, case):
    body, status, error, reason = BAD[case]
    before = row_counts(*TABLES)

    response = _post(client, body, token[1])

    assert response.status_code == status
    answer = _json(response)
    assert set(answer) == {"error", "details"}
    assert answer["error"] == error and reason in answer["details"], answer
    assert row_counts(*TABLES) == before


@pytest.mark.parametrize(
    ("authorization", "reason"),
    [
        (None, "Authorization: Bearer"),
        ("Basic dXNlcjpwYXNz", "Bearer <jeton>"),
        ("Bearer ", "vide"),
        ("Bearer fwb_pas-le-bon-jeton", "pas reconnu"),
    ],
    ids=["missing", "basic", "empty", "unknown"],
)
def test_a_missing_or_unknown_token_is_a_401_in_french(client, token, authorization, reason):
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization else {}
    before = row_counts(*TABLES)

    response = _post(client, (SNAPSHOTS / "snapshot01.json").read_bytes(), None, **headers)

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    answer = _json(response)
    assert answer["error"] in {"Jeton manquant", "Jeton refusé"} and reason in answer["details"]
    assert row_counts(*TABLES) == before


def test_a_revoked_token_is_a_401_that_says_so(client, token):
    workbench_token_revoke(token=token[0])

    response = _post(client, (SNAPSHOTS / "snapshot01.json").read_bytes(), token[1])

    assert response.status_code == 401 and "révoqué" in _json(response)["details"]
    assert SnapshotImport.objects.count() == 0


def test_a_token_between_quotes_as_in_the_settings_ini_example_is_accepted(client, token):
    response = _post(client, (SNAPSHOTS / "snapshot01.json").read_bytes(), f"'{token[1]}'")

    assert response.status_code == 200


def test_a_token_of_a_deactivated_refurbisher_opens_nothing(client, token):
    organisation = token[0].organisation
    organisation.is_active = False
    organisation.save()

    response = _post(client, (SNAPSHOTS / "snapshot01.json").read_bytes(), token[1])

    assert response.status_code == 401 and "désactivé" in _json(response)["details"]


def test_a_body_over_the_upload_limit_is_a_413(client, token, settings):
    settings.FILE_UPLOAD_MAX_SIZE = 10_000

    response = _post(client, (SNAPSHOTS / "hp_probook_450.json").read_bytes(), token[1])

    assert response.status_code == 413
    assert _json(response)["error"] == "Rapport trop volumineux" and "9,8\xa0Kio" in _json(response)["details"]
    assert SnapshotImport.objects.count() == 0


def test_uploads_are_limited_per_token_in_the_shared_cache(client, token, settings):
    settings.FILIERE = {**settings.FILIERE, "WORKBENCH_UPLOADS_PER_HOUR": 2}
    other = workbench_token("Poste 4", organisation=token[0].organisation)
    body = (SNAPSHOTS / "snapshot01.json").read_bytes()

    assert _post(client, body, token[1]).status_code == 200
    assert _post(client, body, token[1]).status_code == 200
    refused = _post(client, body, token[1])

    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert _json(refused)["error"] == "Trop d'envois"
    assert _post(client, body, other[1]).status_code == 200  # another token counts on its own


def test_get_is_refused_in_json(client):
    response = client.get(SNAPSHOT_URL)

    assert response.status_code == 405 and response["Allow"] == "POST"
    assert "POST" in _json(response)["details"]


def test_a_token_opens_nothing_but_the_upload(client, token):
    for path in ("/materiel/", "/admin/", "/api/v1/", "/api/v1/openapi.json", "/foyers/"):
        response = client.get(path, HTTP_AUTHORIZATION=f"Bearer {token[1]}")
        assert response.status_code == 302 and "/login/" in response["Location"], path


def test_the_token_is_stored_hashed_only(token):
    stored = WorkbenchToken.objects.values().get()
    assert token[1] not in json.dumps(stored, default=str)
    assert stored["prefix"] == token[1][:10]


def test_an_upload_costs_a_bounded_number_of_queries(client, token):
    body = (SNAPSHOTS / "snapshot_workbench-script.json").read_bytes()
    _post(client, (SNAPSHOTS / "snapshot01.json").read_bytes(), token[1])  # the tag counter exists

    with CaptureQueriesContext(connection) as captured:
        assert _post(client, body, token[1]).status_code == 200

    assert len(captured.captured_queries) <= 30, [query["sql"][:80] for query in captured.captured_queries]


def test_the_token_is_never_written_to_a_log(client, token, caplog, monkeypatch):
    caplog.set_level(logging.DEBUG)
    body = (SNAPSHOTS / "snapshot01.json").read_bytes()
    _post(client, body, token[1] + "x")  # unknown
    _post(client, b"{", token[1])  # refused file

    def broken(**kwargs):
        raise RuntimeError("panne")

    monkeypatch.setattr(v1, "snapshot_ingest", broken)
    failed = _post(client, body, token[1])

    assert failed.status_code == 500 and _json(failed)["error"] == "Erreur du serveur"
    assert "RuntimeError" in caplog.text
    assert token[1][4:] not in caplog.text
    assert SnapshotImport.objects.count() == 0


def test_gunicorn_s_access_log_never_writes_a_workbench_token(token):
    """Even with a log format that names the Authorization header (the access log's logger masks it)."""
    environ = {
        "REQUEST_METHOD": "POST",
        "RAW_URI": "/api/v1/snapshot/",
        "PATH_INFO": "/api/v1/snapshot/",
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_AUTHORIZATION": f"Bearer {token[1]}",
        "REMOTE_ADDR": "192.0.2.7",
    }
    request = SimpleNamespace(headers=[("AUTHORIZATION", environ["HTTP_AUTHORIZATION"])])
    response = SimpleNamespace(status="200 OK", sent=120, headers=[("Content-Type", "application/json")])

    atoms = MaskingLogger(Config()).atoms(response, request, environ, datetime.timedelta(milliseconds=40))

    assert atoms["{authorization}i"] == "-" and atoms["{http_authorization}e"] == "-"
    assert token[1][4:] not in " ".join(str(value) for value in atoms.values())
    assert atoms["r"] == "POST /api/v1/snapshot/ HTTP/1.1"
