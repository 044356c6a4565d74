"""Workbench uploads measured for `make bench` (bench/cases.py): an upload over HTTP against the in-process import of
the same snapshot, and the import of the 40th snapshot of one machine against the first ones.

HTTP: gunicorn as in production (config/gunicorn.conf.py, DEBUG off, the bench database), a client speaking as
workbench-script does (urllib, `Authorization: Bearer`, `Content-Type: application/json`, a new connection per
upload). Both series import the same file, each time as a new snapshot of a new machine (new uuid and serial
number), committed: HTTP adds the request, the token check, the rate limit and the JSON answer to the same import.
"""

import datetime
import json
import os
import statistics
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

from django.test import override_settings

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOTS = ROOT / "tests" / "data" / "snapshots"
SERIALS = {  # the device serial number as it appears in each file
    "hp_probook_450.json": b"CND4286ZJ2",
    "snapshot-workbench11.json": b"CNU406CLGR",
    "snapshot01.json": b"AAAAAAAA",
    "snapshot_workbench-script.json": b"5CQ6VY1",
    "snapshot_workbench-script_legacy.json": b"5CQ6VY1",
}
ROUNDS = int(os.environ.get("BENCH_SNAPSHOT_ROUNDS", "15"))


def variants(name: str, prefix: str, count: int) -> list[bytes]:
    """`count` copies of a real snapshot, each a new snapshot (uuid) of a new machine (serial number)."""
    from equipment.snapshots import load

    content = (SNAPSHOTS / name).read_bytes()
    serial = SERIALS[name]
    old_uuid = load(content)["uuid"].encode()
    return [
        content.replace(old_uuid, str(uuid.uuid4()).encode()).replace(
            serial, f"{prefix}{n:04d}{uuid.uuid4().hex[:6]}".encode()
        )
        for n in range(count)
    ]


def upload(url: str, key: str, body: bytes) -> dict:
    request = urllib.request.Request(  # noqa: S310 — the loopback URL built here
        url, data=body, headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 — the loopback URL built here
        answer = json.loads(response.read())
    if answer.get("status") != "success":
        raise AssertionError(f"envoi refusé : {answer}")
    return answer


def http_against_in_process() -> list[dict]:
    """Per sample file: median time of an upload over HTTP and of the in-process import, and their ratio."""
    from accounts.enums import OrganisationKind
    from accounts.models import Organisation
    from api.services import workbench_token_create
    from bench import loadtest
    from equipment.enums import SnapshotChannel
    from equipment.snapshots.services import snapshot_ingest

    organisation, _ = Organisation.objects.get_or_create(
        name="Atelier du banc d'essai", defaults={"kind": OrganisationKind.REFURBISHER}
    )
    token, key = workbench_token_create(name=f"Banc {uuid.uuid4().hex[:8]}", organisation=organisation)
    media_folder = tempfile.TemporaryDirectory(prefix="filiere-bench-media-")  # the snapshots' files, removed after
    media = media_folder.name
    env = {
        **loadtest.server_env(),
        "WEB_CONCURRENCY": "2",
        "MEDIA_ROOT": media,
        "FILIERE_WORKBENCH_UPLOADS_PER_HOUR": "1000000",
    }
    (port,) = loadtest.free_ports(1)
    url = f"http://{loadtest.HOST}:{port}/api/v1/snapshot/"
    rows = []
    with media_folder, loadtest.gunicorn(env, port), override_settings(MEDIA_ROOT=media):
        for name in SERIALS:
            over_http, in_process = [], []
            # Alternated, so that a burst of someone else's work on the machine lands on both series.
            for body_http, body_local in zip(
                variants(name, "HTTP", ROUNDS + 2), variants(name, "PROC", ROUNDS + 2), strict=True
            ):
                start = time.perf_counter()
                upload(url, key, body_http)
                over_http.append((time.perf_counter() - start) * 1000)
                start = time.perf_counter()
                snapshot_ingest(data=body_local, channel=SnapshotChannel.API, sender=token.name)
                in_process.append((time.perf_counter() - start) * 1000)
            over_http, in_process = over_http[2:], in_process[2:]  # the first two warm caches and connections
            rows.append((name, over_http, in_process))
    return rows


def pileup(count: int = 40) -> dict:
    """Import `count` snapshots of one machine (taken an hour apart, each with its drives): time and queries of
    each import, in order."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from equipment.snapshots.services import snapshot_ingest

    document = json.loads((SNAPSHOTS / "snapshot_workbench-script.json").read_text())
    serial = f"PILE{uuid.uuid4().hex[:8].upper()}"
    document["data"]["dmidecode"] = document["data"]["dmidecode"].replace("5CQ6VY1", serial)
    taken = datetime.datetime(2025, 1, 1, 8)
    timings, queries = [], []
    with tempfile.TemporaryDirectory(prefix="filiere-bench-media-") as media, override_settings(MEDIA_ROOT=media):
        for n in range(count):
            document["uuid"] = str(uuid.uuid4())
            document["timestamp"] = str(taken + datetime.timedelta(hours=n))
            body = json.dumps(document).encode()
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                snapshot_ingest(data=body)
                timings.append((time.perf_counter() - start) * 1000)
            queries.append(len(captured.captured_queries))
    return {"timings": timings, "queries": queries}


def median(values) -> float:
    return statistics.median(values)
