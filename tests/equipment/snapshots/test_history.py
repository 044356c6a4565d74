"""Snapshots of one machine over time: the newest *taken* snapshot decides the specs and the drives, whatever the
order of import; older ones stay in the history and still record their erasures; drives follow the machine."""

import copy
import datetime
import itertools
import json
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from equipment.enums import ErasureResult, ItemStatus
from equipment.models import Drive, ErasureRecord, Item, SnapshotImport
from equipment.services import item_transition
from equipment.snapshots import SnapshotError
from equipment.snapshots.services import snapshot_import, snapshot_ingest

SNAPSHOTS = Path(__file__).resolve().parents[2] / "data" / "snapshots"
SCRIPT = json.loads((SNAPSHOTS / "snapshot_workbench-script.json").read_text())
WORKBENCH = json.loads((SNAPSHOTS / "hp_probook_450.json").read_text())
_uuids = itertools.count(1)


def script_snapshot(taken: str, drives: list[str], *, cpu: str = "i7-4600U", smartctl: bool = True) -> dict:
    """The real Dell Latitude E7240 snapshot, taken at `taken`, with these drive serial numbers and CPU."""
    document = copy.deepcopy(SCRIPT)
    document["uuid"] = f"00000000-0000-4000-8000-{next(_uuids):012d}"
    document["timestamp"] = taken
    entries = json.loads(document["data"]["smartctl"])
    document["data"]["smartctl"] = json.dumps([dict(entries[n % 2], serial_number=s) for n, s in enumerate(drives)])
    if not smartctl:
        del document["data"]["smartctl"]
    document["data"]["dmidecode"] = document["data"]["dmidecode"].replace("i7-4600U", cpu)
    return document


def workbench_snapshot(taken: str, *, drive: str = "S3P9A80F", ram_modules: int = 2) -> dict:
    """The real HP ProBook 450 G2 snapshot (Workbench 11), taken at `taken`, its hard drive (with its erasure)
    given this serial number, with this many memory modules."""
    document = copy.deepcopy(WORKBENCH)
    document["uuid"] = f"00000000-0000-4000-9000-{next(_uuids):012d}"
    document["endTime"] = taken
    rams = [c for c in document["components"] if c["type"] == "RamModule"]
    document["components"] = [c for c in document["components"] if c["type"] != "RamModule"] + rams[:ram_modules]
    for component in document["components"]:
        if component["type"] == "HardDrive":
            component["serialNumber"] = drive
    return document


def state(item: Item) -> dict:
    """What a technician reads on the item: specs, current drives, removed drives (and what last saw them)."""
    item.refresh_from_db()
    drives = Drive.objects.filter(item=item).select_related("last_seen_in").order_by("serial_number")
    return {
        "specs": (item.manufacturer, item.model, item.cpu, item.ram_mb),
        "current": [(d.serial_number, d.model, d.size_gb) for d in drives if d.removed_at is None],
        "removed": [(d.serial_number, d.last_seen_in.uuid) for d in drives if d.removed_at is not None],
        "erasures": sorted(
            ErasureRecord.objects.filter(drive__item=item).values_list("drive__serial_number", "result")
        ),
        "history": SnapshotImport.objects.filter(item=item).count(),
    }


ORDERS = {
    "newest-last": lambda snapshots: snapshots,
    "newest-first": lambda snapshots: list(reversed(snapshots)),
    "newest-in-the-middle": lambda snapshots: [snapshots[0], snapshots[2], snapshots[1]],
}


def machine_over_time() -> list[dict]:
    """Three snapshots of one laptop: a drive swapped between the first and the second, the CPU changed in the
    third (which, without smartctl data, says nothing of the drives)."""
    return [
        script_snapshot("2025-01-20 09:00:00", ["BAY1-A", "BAY2-B"]),
        script_snapshot("2025-01-21 09:00:00", ["BAY1-A", "BAY2-C"]),
        script_snapshot("2025-01-22 09:00:00", [], cpu="i5-4300U", smartctl=False),
    ]


@pytest.mark.parametrize("order", sorted(ORDERS))
def test_any_order_of_import_leaves_the_same_current_specs_and_drives(order):
    snapshots = machine_over_time()

    for document in ORDERS[order](snapshots):
        snapshot_import(data=copy.deepcopy(document))

    item = Item.objects.get()
    assert state(item) == {
        "specs": ("Dell Inc.", "Latitude E7240", "Intel Core i5-4300U CPU @ 2.10GHz", 16384),
        "current": [
            ("BAY1-A", "LMT-256M6M mSATA 256GB", item.drives.get(serial_number="BAY1-A").size_gb),
            ("BAY2-C", "SSD 850 EVO mSATA 500GB", item.drives.get(serial_number="BAY2-C").size_gb),
        ],
        "removed": [("BAY2-B", snapshots[0]["uuid"])],
        "erasures": [],
        "history": 3,
    }


@pytest.mark.parametrize("order", ["newest-last", "newest-first"])
def test_workbench_11_snapshots_in_any_order_give_the_same_item_and_keep_every_erasure(order):
    older = workbench_snapshot("2022-01-13T10:24:04+00:00", drive="OLD-HDD", ram_modules=1)
    newer = workbench_snapshot("2022-03-01T08:00:00+00:00", drive="NEW-HDD", ram_modules=2)

    for document in ORDERS[order]([older, newer]):
        snapshot_import(data=document)

    item = Item.objects.get()
    result = state(item)
    assert result["specs"][3] == 8192  # two modules: the newer snapshot's memory
    assert [serial for serial, *_ in result["current"]] == ["NEW-HDD"]
    assert result["removed"] == [("OLD-HDD", older["uuid"])]
    # The older snapshot's erasure steps are recorded even when it arrives last, on the drive it saw.
    assert result["erasures"] == [("NEW-HDD", ErasureResult.PASSED), ("OLD-HDD", ErasureResult.PASSED)]


def test_an_older_snapshot_imported_later_is_kept_and_changes_nothing_current():
    newer = script_snapshot("2025-02-01 10:00:00", ["BAY1-A", "BAY2-C"], cpu="i5-4300U")
    older = script_snapshot("2025-01-01 10:00:00", ["BAY1-A", "BAY2-B"])
    snapshot_import(data=newer)
    item = Item.objects.get()
    before = state(item)

    outcome = snapshot_ingest(data=older)

    assert not outcome.current and not outcome.created
    assert "Rapport plus ancien (pris le 01/01/2025 à 10:00)" in outcome.summary()
    after = state(item)
    assert after["specs"] == before["specs"] and after["current"] == before["current"]
    assert after["removed"] == [("BAY2-B", older["uuid"])]  # seen only by the older snapshot
    assert after["history"] == 2


def test_a_swapped_drive_is_marked_removed_not_listed_as_a_third_drive():
    snapshot_import(data=script_snapshot("2025-01-20 09:00:00", ["BAY1-A", "BAY2-B"]))

    outcome = snapshot_ingest(data=script_snapshot("2025-01-21 09:00:00", ["BAY1-A", "BAY2-C"]))

    assert (outcome.drives_added, outcome.drives_removed) == (1, 1)
    assert "1 support retiré" in outcome.summary()
    item = Item.objects.get()
    assert sorted(item.drives.current().values_list("serial_number", flat=True)) == ["BAY1-A", "BAY2-C"]
    removed = item.drives.get(serial_number="BAY2-B")
    assert removed.removed_at is not None
    assert removed.last_seen_in.taken_at == timezone.make_aware(datetime.datetime(2025, 1, 20, 9))


def test_a_drive_put_back_is_current_again_and_its_erasures_stay():
    first = workbench_snapshot("2022-01-13T10:24:04+00:00", drive="HDD-1")
    snapshot_import(data=first)
    snapshot_import(data=workbench_snapshot("2022-02-01T10:00:00+00:00", drive="HDD-2"))
    item = Item.objects.get()
    assert item.drives.get(serial_number="HDD-1").removed_at is not None

    snapshot_import(data=workbench_snapshot("2022-03-01T10:00:00+00:00", drive="HDD-1"))

    hdd1 = item.drives.get(serial_number="HDD-1")
    assert hdd1.removed_at is None and hdd1.erasures.count() == 1
    assert item.drives.get(serial_number="HDD-2").removed_at is not None


def test_a_snapshot_without_storage_data_removes_no_drive():
    snapshot_import(data=script_snapshot("2025-01-20 09:00:00", ["BAY1-A", "BAY2-B"]))

    outcome = snapshot_ingest(data=script_snapshot("2025-01-25 09:00:00", [], smartctl=False))

    assert outcome.current and outcome.drives_removed == 0
    assert Drive.objects.current().count() == 2


def test_a_snapshot_from_a_clock_in_the_future_is_dated_by_its_import():
    outcome = snapshot_ingest(data=script_snapshot("2099-01-01 00:00:00", ["BAY1-A"]))

    assert abs(outcome.snapshot.taken_at - timezone.now()) < datetime.timedelta(minutes=1)
    assert any("dans le futur" in warning for warning in outcome.warnings)


def test_the_fortieth_snapshot_of_a_machine_costs_the_queries_of_the_second():
    hours = (datetime.datetime(2025, 1, 1) + datetime.timedelta(hours=n) for n in itertools.count())

    def next_snapshot():
        return script_snapshot(f"{next(hours):%Y-%m-%d %H:%M:%S}", ["BAY1-A", "BAY2-B"])

    snapshot_import(data=next_snapshot())
    with CaptureQueriesContext(connection) as second:
        snapshot_import(data=next_snapshot())
    for _ in range(37):
        snapshot_import(data=next_snapshot())
    with CaptureQueriesContext(connection) as fortieth:
        snapshot_import(data=next_snapshot())

    assert SnapshotImport.objects.count() == 40
    assert len(fortieth.captured_queries) == len(second.captured_queries)


def test_past_the_audit_no_snapshot_adds_a_drive_not_even_an_older_one_and_says_so():
    item = snapshot_import(data=workbench_snapshot("2022-03-01T08:00:00+00:00", drive="HDD-1"))
    item_transition(item=item, to_status=ItemStatus.IN_AUDIT)
    item_transition(item=item, to_status=ItemStatus.REFURBISHED)
    before = state(item)

    with pytest.raises(SnapshotError, match="Repassez-le en audit"):
        snapshot_import(data=workbench_snapshot("2022-01-01T08:00:00+00:00", drive="HDD-OLD"))
    outcome = snapshot_ingest(data=workbench_snapshot("2022-04-01T08:00:00+00:00", drive="HDD-1"))

    assert outcome.current and outcome.drives_added == 0
    after = state(item)
    assert after["current"] == before["current"] and after["history"] == 2
