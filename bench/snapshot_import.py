"""Time snapshot imports: median and 95th percentile per file, start-up and database creation excluded.

    .venv/bin/python bench/snapshot_import.py [--rounds 40]                 # SQLite (throwaway test database)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/filiere_bench .venv/bin/python bench/snapshot_import.py

Each timed import is a real one (new uuid and serial number each round: an item and its drives created);
a second series times re-imports of an already imported file (recognised, nothing written).
"""

import argparse
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOTS = ROOT / "tests" / "data" / "snapshots"
SERIALS = {  # the device serial number as it appears in each file
    "hp_probook_450.json": b"CND4286ZJ2",
    "snapshot-workbench11.json": b"CNU406CLGR",
    "snapshot01.json": b"AAAAAAAA",
    "snapshot_workbench-script.json": b"5CQ6VY1",
    "snapshot_workbench-script_legacy.json": b"5CQ6VY1",
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40)
    rounds = parser.parse_args().rounds

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    from equipment.snapshots import load
    from equipment.snapshots.services import snapshot_import, snapshot_ingest

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        print(f"base : {connection.vendor}, {rounds} imports par fichier")
        print(f"{'fichier':40} {'médiane':>9} {'p95':>9} {'réimport':>9}")
        medians = []
        for name, serial in SERIALS.items():
            content = (SNAPSHOTS / name).read_bytes()
            old_uuid = load(content)["uuid"].encode()
            variants = []
            for n in range(rounds):
                new_serial = f"BENCH{n:04d}{serial.decode()[:4]}".encode()
                variants.append(content.replace(old_uuid, str(uuid.uuid4()).encode()).replace(serial, new_serial))
            timings = []
            for variant in variants:
                start = time.perf_counter()
                snapshot_import(data=variant)
                timings.append((time.perf_counter() - start) * 1000)
            again = []
            for variant in variants[:10]:
                start = time.perf_counter()
                assert snapshot_ingest(data=variant).already_imported
                again.append((time.perf_counter() - start) * 1000)
            median = statistics.median(timings)
            medians.append(median)
            p95 = statistics.quantiles(timings, n=20)[-1]
            print(f"{name:40} {median:7.1f}ms {p95:7.1f}ms {statistics.median(again):7.1f}ms")
        print(f"pire médiane : {max(medians):.1f} ms (objectif : ≤ 50 ms)")
        return 0 if max(medians) <= 50 else 1
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    sys.exit(main())
