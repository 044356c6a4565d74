"""The Workbench's own way of sending, against a live server: every real snapshot, retries, redirects, twenty
copies of one upload at once, and the order of snapshots of one machine.

The client (tests/api/workbench_client.py) does what workbench-script does: urllib.request, the two headers, the
body POSTed again on a redirect, a retry on any other answer."""

import json
import threading
from pathlib import Path

import pytest
from django.core.cache import cache

from api.services import workbench_token_revoke
from equipment.models import Drive, ErasureRecord, Item, SnapshotImport
from tests.api.factories import workbench_token
from tests.api.workbench_client import send_snapshot

SNAPSHOTS = Path(__file__).resolve().parents[1] / "data" / "snapshots"
NAMES = sorted(path.name for path in SNAPSHOTS.glob("*.json"))


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


@pytest.fixture
def token():
    return workbench_token("Poste 1")


@pytest.fixture
def upload_url(live_server):
    return f"{live_server.url}/api/v1/snapshot/"


@pytest.mark.parametrize("name", NAMES)
def test_every_real_snapshot_goes_through_as_workbench_script_sends_it(live_server, upload_url, token, name):
    text = (SNAPSHOTS / name).read_text()

    sent = send_snapshot(text, token[1], upload_url)

    assert sent.statuses == [200] and sent.redirects == []
    item = Item.objects.get()
    assert sent.answer == {
        "status": "success",
        "dhid": item.asset_tag,
        "public_url": f"{live_server.url}/materiel/{item.asset_tag}/",
    }
    snapshot = SnapshotImport.objects.get()
    assert snapshot.uuid == json.loads(text)["uuid"] and snapshot.sender == "Poste 1"


def test_a_retry_after_a_lost_answer_gives_the_same_item(upload_url, token):
    text = (SNAPSHOTS / "hp_probook_450.json").read_text()
    first = send_snapshot(text, token[1], upload_url)

    again = send_snapshot(text, token[1], upload_url)

    assert again.statuses == [200] and again.answer == first.answer
    assert (Item.objects.count(), SnapshotImport.objects.count(), ErasureRecord.objects.count()) == (1, 1, 1)


def test_an_address_without_the_final_slash_is_answered_without_a_redirect(live_server, token):
    sent = send_snapshot((SNAPSHOTS / "snapshot01.json").read_text(), token[1], f"{live_server.url}/api/v1/snapshot")

    assert sent.statuses == [200] and sent.redirects == []


def test_a_revoked_token_is_retried_five_times_each_answer_saying_why_and_nothing_is_written(upload_url, token):
    workbench_token_revoke(token=token[0])

    sent = send_snapshot((SNAPSHOTS / "snapshot01.json").read_text(), token[1], upload_url)

    assert sent.statuses == [401] * 5 and not sent.succeeded
    assert all("révoqué" in line for line in sent.log if line.startswith("HTTPError"))
    assert SnapshotImport.objects.count() == 0 and Item.objects.count() == 0


def test_a_too_large_body_reads_a_413_not_a_broken_connection(upload_url, token, settings):
    settings.FILE_UPLOAD_MAX_SIZE = 50_000

    sent = send_snapshot(
        (SNAPSHOTS / "snapshot_workbench-script.json").read_text(), token[1], upload_url, max_retries=1
    )

    assert sent.statuses == [413]
    assert "taille maximale" in sent.log[0]


@pytest.mark.parametrize(
    ("body", "status", "reason"),
    [
        ("pas du json", 400, "pas du JSON valide"),
        ('{"nom": "Dupont"}', 422, "n'est pas un rapport eReuse"),
        ((SNAPSHOTS / "snapshot01.json").read_text()[:1000], 400, "tronqué"),
        ('{"device": {"serialNumber": ' + "9" * 5000 + "}}", 422, "milliers de chiffres"),
        ('{"device": ' + "[" * 5000 + "]" * 5000 + "}", 422, "imbriqué"),
    ],
    ids=["not-json", "not-a-snapshot", "truncated", "huge-integer", "deep-nesting"],
)
def test_bad_files_are_refused_with_the_reason_in_the_workbench_log(upload_url, token, body, status, reason):
    sent = send_snapshot(body, token[1], upload_url, max_retries=1)

    assert sent.statuses == [status]
    assert reason in sent.log[0]
    assert SnapshotImport.objects.count() == 0


@pytest.mark.postgres
def test_twenty_uploads_of_one_snapshot_at_once_make_one_import(upload_url, token):
    text = (SNAPSHOTS / "snapshot_workbench-script.json").read_text()
    results = [None] * 20
    start = threading.Barrier(20)

    def upload(index):
        start.wait()
        results[index] = send_snapshot(text, token[1], upload_url, max_retries=1)

    threads = [threading.Thread(target=upload, args=(index,)) for index in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert [sent.statuses for sent in results] == [[200]] * 20
    assert len({sent.answer["dhid"] for sent in results}) == 1
    assert (Item.objects.count(), SnapshotImport.objects.count(), Drive.objects.count()) == (1, 1, 2)
