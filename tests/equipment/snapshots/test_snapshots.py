"""Hardware snapshots (eReuse Workbench): parsing the real files, importing them, refusing bad ones."""

import copy
import datetime
import json
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from equipment import snapshots
from equipment.enums import (
    DriveKind,
    ErasureMethod,
    ErasureResult,
    FormFactor,
    ItemCategory,
    ItemStatus,
    SnapshotChannel,
    StatusChangeSource,
)
from equipment.models import AssetTagCounter, Drive, ErasureRecord, Item, SnapshotImport, StatusChange
from equipment.services import TransitionError, item_transition
from equipment.snapshots import SnapshotError
from equipment.snapshots.services import snapshot_import, snapshot_ingest
from tests.accounts.factories import UserFactory
from tests.equipment.factories import DriveFactory, ItemFactory

SNAPSHOTS = Path(__file__).resolve().parents[2] / "data" / "snapshots"

# What a technician reads on each real snapshot (checked by hand against the JSON files).
EXPECTED = {
    "hp_probook_450.json": {
        "software": "Workbench 11.0b11",
        "category": ItemCategory.LAPTOP,
        "form_factor": "",
        "manufacturer": "Hewlett-Packard",
        "model": "HP ProBook 450 G2",
        "serial_number": "CND4286ZJ2",
        "cpu": "Intel Core i5-4210U CPU @ 1.70GHz",
        "ram_mb": 8192,  # 2 × Micron 4096 MB SODIMM
        "drives": [(DriveKind.HDD, "Seagate", "ST500LT012-1DG14", "S3P9A80F", Decimal("500.1"))],
        "erasures": 1,
    },
    "snapshot-workbench11.json": {
        "software": "Workbench 12.0b0",
        "category": ItemCategory.LAPTOP,
        "form_factor": "",
        "manufacturer": "Hewlett-Packard",
        "model": "Hp Probook 650 G1",
        "serial_number": "CNU406CLGR",
        "cpu": "Intel Core I5-4200m Cpu @ 2.50ghz",
        "ram_mb": 4096,
        "drives": [(DriveKind.SSD, "Emtec", "X150 120gb", "LDS645R002202", Decimal("120.0"))],
        "erasures": 0,
    },
    "snapshot01.json": {
        "software": "Workbench 11.0b11",
        "category": ItemCategory.DESKTOP,
        "form_factor": FormFactor.TOWER,
        "manufacturer": "LENOVO",
        "model": "ThinkCentre M92P (3227A2G)",
        "serial_number": "AAAAAAAA",
        "cpu": "Intel Core i5-3470 CPU @ 3.20GHz",
        "ram_mb": 4096,
        "drives": [(DriveKind.HDD, "Seagate", "ST3500418AS", "AAAAAAAA", Decimal("500.0"))],
        "erasures": 1,
    },
    "snapshot_workbench-script.json": {
        "software": "workbench-script 0.0.1",
        "category": ItemCategory.LAPTOP,
        "form_factor": "",
        "manufacturer": "Dell Inc.",
        "model": "Latitude E7240",
        "serial_number": "5CQ6VY1",
        "cpu": "Intel Core i7-4600U CPU @ 2.10GHz",
        "ram_mb": 16384,  # 2 × Kingston 8 GB
        "drives": [
            (DriveKind.SSD, "Lite-On", "LMT-256M6M mSATA 256GB", "TW0XXM305508539G1361", Decimal("256.1")),
            (DriveKind.SSD, "Samsung", "SSD 850 EVO mSATA 500GB", "S33HNX0J203755R", Decimal("500.1")),
        ],
        "erasures": 0,  # its "erase" list is empty
    },
    "snapshot_workbench-script_legacy.json": {
        "software": "workbench-script dev",
        "category": ItemCategory.LAPTOP,
        "form_factor": "",
        "manufacturer": "Dell Inc.",
        "model": "Latitude E7240",
        "serial_number": "5CQ6VY1",
        "cpu": "Intel Core i7-4600U CPU @ 2.10GHz",
        "ram_mb": 16384,
        "drives": [
            (DriveKind.SSD, "Lite-On", "LMT-256M6M mSATA 256GB", "TW0XXM305508539G1361", Decimal("256.1")),
            (DriveKind.SSD, "Samsung", "SSD 850 EVO mSATA 500GB", "S33HNX0J203755R", Decimal("500.1")),
        ],
        "erasures": 0,
    },
}
NAMES = sorted(EXPECTED)


def _bytes(name: str) -> bytes:
    return (SNAPSHOTS / name).read_bytes()


def _document(name: str) -> dict:
    return json.loads(_bytes(name))


def _counts() -> dict:
    models = (Item, Drive, ErasureRecord, SnapshotImport, StatusChange, Item.history.model, AssetTagCounter)
    return {model.__name__: model.objects.count() for model in models}


def _drives(item) -> list:
    return [
        (drive.kind, drive.manufacturer, drive.model, drive.serial_number, drive.size_gb)
        for drive in item.drives.order_by("serial_number")
    ]


def test_every_shared_snapshot_is_covered():
    assert sorted(path.name for path in SNAPSHOTS.glob("*.json")) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_snapshot_parses_to_what_the_file_says(name):
    expected = EXPECTED[name]

    parsed = snapshots.parse(snapshots.load(_bytes(name)))

    assert parsed.uuid == _document(name)["uuid"]
    for field in ("software", "category", "form_factor", "manufacturer", "model", "serial_number", "cpu", "ram_mb"):
        assert getattr(parsed, field) == expected[field], field
    drives = sorted((d.kind, d.manufacturer, d.model, d.serial_number, d.size_gb) for d in parsed.drives)
    assert drives == sorted(expected["drives"])
    assert sum(len(drive.erasures) for drive in parsed.drives) == expected["erasures"]
    assert parsed.warnings == ()


def test_workbench_script_without_dmidecode_reads_the_computer_from_inxi():
    document = _document("snapshot_workbench-script.json")
    del document["data"]["dmidecode"]

    parsed = snapshots.parse(document)

    assert (parsed.manufacturer, parsed.model, parsed.serial_number) == ("Dell", "Latitude E7240", "5CQ6VY1")
    assert (parsed.category, parsed.cpu, parsed.ram_mb) == (ItemCategory.LAPTOP, "Intel Core i7-4600U", 16384)


def test_legacy_workbench_script_without_dmidecode_reads_the_computer_from_lshw():
    document = _document("snapshot_workbench-script_legacy.json")
    del document["data"]["dmidecode"]

    parsed = snapshots.parse(document)

    assert (parsed.manufacturer, parsed.model) == ("Dell Inc.", "Latitude E7240 (05CA)")
    assert (parsed.serial_number, parsed.category, parsed.ram_mb) == ("5CQ6VY1", ItemCategory.LAPTOP, 16384)
    assert parsed.cpu == "Intel Core i7-4600U CPU @ 2.10GHz"
    assert len(parsed.drives) == 2


def test_workbench_script_erase_traces_are_reported_not_recorded():
    document = _document("snapshot_workbench-script.json")
    document["erase"] = [["", ""]]  # what the published script writes: command output, no disk, no result

    outcome = snapshot_ingest(data=document)

    assert outcome.erasures_added == 0 and ErasureRecord.objects.count() == 0
    assert any("saisissez les effacements à la main" in warning for warning in outcome.warnings)


@pytest.mark.parametrize("name", NAMES)
def test_snapshot_import_creates_the_item_with_its_specs_and_drives(name):
    expected = EXPECTED[name]
    technician = UserFactory(technician=True)

    outcome = snapshot_ingest(data=_bytes(name), by=technician)

    item = Item.objects.get()
    assert outcome.item == item and outcome.created
    assert item.asset_tag.startswith("PH-")
    assert (item.status, item.received_on) == (ItemStatus.RECEIVED, timezone.localdate())
    for field in ("category", "form_factor", "manufacturer", "model", "serial_number", "cpu", "ram_mb"):
        assert getattr(item, field) == expected[field], field
    assert _drives(item) == sorted(expected["drives"], key=lambda drive: drive[3])
    assert ErasureRecord.objects.filter(drive__item=item, from_snapshot=True).count() == expected["erasures"]
    log = StatusChange.objects.get(item=item)
    assert (log.from_status, log.to_status, log.source, log.by) == (
        "",
        ItemStatus.RECEIVED,
        StatusChangeSource.SNAPSHOT,
        technician,
    )
    snapshot = SnapshotImport.objects.get()
    assert (snapshot.item, snapshot.uuid, snapshot.software, snapshot.imported_by) == (
        item,
        _document(name)["uuid"],
        expected["software"],
        technician,
    )
    # The evidence: the file exactly as received, in the default storage, and when the computer took it.
    with snapshot.file.open("rb") as stored:
        assert stored.read() == _bytes(name)
    assert snapshot.raw is None
    assert snapshot.taken_at == snapshots.parse(_document(name)).taken_at
    assert (snapshot.channel, snapshot.sender) == (SnapshotChannel.COMMAND, "")


def test_erasure_steps_become_a_passed_clear_record_that_lets_the_laptop_be_refurbished():
    technician = UserFactory(technician=True)

    item = snapshot_import(data=_bytes("hp_probook_450.json"), by=technician)

    record = ErasureRecord.objects.get(drive__item=item)
    assert record.drive.serial_number == "S3P9A80F"
    assert (record.method, record.result, record.passes) == (ErasureMethod.CLEAR, ErasureResult.PASSED, 2)
    assert record.tool == "Workbench 11.0b11"
    assert record.started_at == datetime.datetime(2022, 1, 13, 9, 34, 39, 26634, tzinfo=datetime.UTC)
    assert record.finished_at == datetime.datetime(2022, 1, 13, 14, 13, 9, 338771, tzinfo=datetime.UTC)
    assert "EraseSectors" in record.notes and "zéros, aléatoire" in record.notes
    assert (record.from_snapshot, record.technician) == (True, technician)
    item_transition(item=item, to_status=ItemStatus.IN_AUDIT, by=technician)
    item_transition(item=item, to_status=ItemStatus.REFURBISHED, by=technician)
    item.refresh_from_db()
    assert item.status == ItemStatus.REFURBISHED


def test_a_snapshot_without_erasure_leaves_the_drives_blocking_refurbishment():
    item = snapshot_import(data=_bytes("snapshot_workbench-script.json"))
    item_transition(item=item, to_status=ItemStatus.IN_AUDIT)

    with pytest.raises(TransitionError, match="TW0XXM305508539G1361"):
        item_transition(item=item, to_status=ItemStatus.REFURBISHED)


def test_a_failed_erasure_step_is_recorded_as_failed():
    document = _document("snapshot01.json")
    drive = next(c for c in document["components"] if c["type"] == "HardDrive")
    drive["actions"][0]["steps"][1]["severity"] = "Error"

    item = snapshot_import(data=document)

    record = ErasureRecord.objects.get(drive__item=item)
    assert record.result == ErasureResult.FAILED
    assert "erreur" in record.notes


@pytest.mark.parametrize("name", NAMES)
def test_importing_the_same_snapshot_twice_changes_nothing(name):
    snapshot_import(data=_bytes(name))
    before = _counts()
    item_before = Item.objects.values().get()

    outcome = snapshot_ingest(data=_bytes(name))

    assert outcome.already_imported
    assert "Rapport déjà importé" in outcome.summary()
    assert _counts() == before
    assert Item.objects.values().get() == item_before


def test_the_same_erasure_in_another_snapshot_is_not_recorded_twice():
    snapshot_import(data=_bytes("hp_probook_450.json"))
    again = _document("hp_probook_450.json")
    again["uuid"] = "0f0f0f0f-0000-4000-8000-000000000001"

    outcome = snapshot_ingest(data=again)

    assert (outcome.created, outcome.drives_added, outcome.erasures_added) == (False, 0, 0)
    assert "déjà à jour" in outcome.summary()
    assert (Item.objects.count(), Drive.objects.count(), ErasureRecord.objects.count()) == (1, 1, 1)
    assert SnapshotImport.objects.count() == 2


def test_a_snapshot_without_uuid_is_recognised_when_imported_again():
    document = _document("snapshot01.json")
    del document["uuid"]
    snapshot_import(data=document)
    before = _counts()

    outcome = snapshot_ingest(data=copy.deepcopy(document))

    assert outcome.already_imported
    assert _counts() == before


def test_an_existing_item_is_matched_by_serial_number_and_updated():
    item = ItemFactory(
        category=ItemCategory.LAPTOP,
        status=ItemStatus.IN_AUDIT,
        asset_tag="PH-000042",
        serial_number="cnd4286zj2",  # typed by hand in lower case
        manufacturer="HP",
        model="ProBook",
    )
    DriveFactory(item=item, serial_number="S3P9A80F", kind=DriveKind.SSD, size_gb=None)

    outcome = snapshot_ingest(data=_bytes("hp_probook_450.json"))

    assert outcome.item.pk == item.pk and not outcome.created
    item.refresh_from_db()
    assert (item.asset_tag, item.status, item.category) == ("PH-000042", ItemStatus.IN_AUDIT, ItemCategory.LAPTOP)
    assert (item.manufacturer, item.model, item.ram_mb) == ("Hewlett-Packard", "HP ProBook 450 G2", 8192)
    assert item.cpu == "Intel Core i5-4210U CPU @ 1.70GHz"
    assert _drives(item) == [(DriveKind.HDD, "Seagate", "ST500LT012-1DG14", "S3P9A80F", Decimal("500.1"))]
    assert (outcome.drives_added, outcome.drives_updated, outcome.erasures_added) == (0, 1, 1)
    assert not StatusChange.objects.filter(item=item).exists()  # the status did not move


def test_a_screen_sharing_the_serial_number_is_not_taken_for_the_computer():
    screen = ItemFactory(category=ItemCategory.SCREEN, serial_number="CND4286ZJ2")

    item = snapshot_import(data=_bytes("hp_probook_450.json"))

    assert item.pk != screen.pk and item.category == ItemCategory.LAPTOP


def test_both_workbench_script_variants_describe_one_laptop():
    first = snapshot_import(data=_bytes("snapshot_workbench-script.json"))
    outcome = snapshot_ingest(data=_bytes("snapshot_workbench-script_legacy.json"))

    assert outcome.item.pk == first.pk
    assert (outcome.created, outcome.drives_added, outcome.drives_updated) == (False, 0, 0)
    assert (Item.objects.count(), Drive.objects.count(), SnapshotImport.objects.count()) == (1, 2, 2)


def test_a_refurbished_item_cannot_gain_a_drive_without_erasure():
    ItemFactory(category=ItemCategory.LAPTOP, status=ItemStatus.REFURBISHED, serial_number="5CQ6VY1")
    before = _counts()

    with pytest.raises(SnapshotError, match="Repassez-le en audit"):
        snapshot_import(data=_bytes("snapshot_workbench-script.json"))

    assert _counts() == before


def test_import_queries_do_not_grow_with_the_number_of_drives():
    def script_with(drive_count: int, uuid: str) -> dict:
        document = _document("snapshot_workbench-script.json")
        entries = json.loads(document["data"]["smartctl"])
        drive = entries[0]
        document["data"]["smartctl"] = json.dumps(
            [dict(drive, serial_number=f"{uuid}-{n}") for n in range(drive_count)]
        )
        document["uuid"] = uuid
        document["data"]["dmidecode"] = document["data"]["dmidecode"].replace("5CQ6VY1", uuid)
        return document

    snapshot_import(data=_bytes("snapshot01.json"))  # the first import ever also creates the tag counter
    with CaptureQueriesContext(connection) as one:
        snapshot_import(data=script_with(1, "ONE"))
    with CaptureQueriesContext(connection) as six:
        snapshot_import(data=script_with(6, "SIX"))

    assert Drive.objects.count() == 1 + 1 + 6
    assert len(six.captured_queries) == len(one.captured_queries)


def _without_serial():
    document = _document("snapshot01.json")
    del document["device"]["serialNumber"]
    return document


def _placeholder_serial():
    document = _document("snapshot_workbench-script.json")
    document["data"]["dmidecode"] = document["data"]["dmidecode"].replace("5CQ6VY1", "To be filled by O.E.M.")
    document["data"]["inxi"] = ""
    return document


def _unreadable_smartctl():
    document = _document("snapshot_workbench-script.json")
    document["data"]["smartctl"] = '[{"model_name": "Samsung'
    return document


def _lshw_nested_3000_deep():
    document = _document("snapshot_workbench-script_legacy.json")
    document["data"]["dmidecode"] = ""  # the computer is then read from lshw
    document["data"]["lshw"] = '{"children": [' * 3000 + "{}" + "]}" * 3000
    return json.dumps(document).encode()


MALFORMED = {
    "5,000-digit integer": (
        lambda: b'{"type": "Snapshot", "device": {"serialNumber": ' + b"5" * 5000 + b'}, "components": []}',
        "milliers de chiffres",
    ),
    "lshw nested 3,000 deep": (_lshw_nested_3000_deep, "imbriqué trop profondément"),
    "empty file": (lambda: b"", "vide"),
    "blank file": (lambda: b"  \n", "vide"),
    "not JSON": (lambda: b"Ceci n'est pas un rapport", "pas du JSON valide"),
    "not UTF-8": (lambda: "rapport é".encode("latin-1"), "UTF-8"),
    "truncated JSON": (lambda: _bytes("hp_probook_450.json")[:40000], "tronqué"),
    "JSON list": (lambda: b'[{"device": {}}]', "liste"),
    "JSON string": (lambda: b'"Snapshot"', "texte"),
    "object that is no snapshot": (lambda: {"nom": "Dupont"}, "n'est pas un rapport eReuse"),
    "another type": (lambda: {"type": "Device", "device": {"serialNumber": "X"}}, "Snapshot"),
    "missing device": (lambda: {"type": "Snapshot", "components": [], "uuid": "u-1"}, "« device »"),
    "device not an object": (lambda: {"type": "Snapshot", "device": "PC", "components": []}, "« device »"),
    "components not a list": (
        lambda: {"type": "Snapshot", "device": {"serialNumber": "X1"}, "components": "cpu"},
        "components",
    ),
    "missing serial": (_without_serial, "numéro de série"),
    "placeholder serial": (_placeholder_serial, "numéro de série"),
    "workbench-script without data": (lambda: {"type": "Snapshot", "software": "workbench-script"}, "« data »"),
    "unreadable smartctl": (_unreadable_smartctl, "smartctl"),
    "uuid too long": (lambda: dict(_document("snapshot01.json"), uuid="x" * 65), "uuid"),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_snapshot_is_refused_with_a_french_message_and_writes_nothing(case):
    make, message = MALFORMED[case]
    ItemFactory()  # an unrelated item already there
    before = _counts()

    with pytest.raises(SnapshotError, match=message):
        snapshot_import(data=make())

    assert _counts() == before


def _call(*paths) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("import_snapshot", *map(str, paths), stdout=out, stderr=err)
    finally:
        _call.out, _call.err = out.getvalue(), err.getvalue()
    return out.getvalue(), err.getvalue()


def test_command_imports_each_file_and_reports_in_french():
    out, err = _call(SNAPSHOTS / "hp_probook_450.json", SNAPSHOTS / "snapshot01.json")

    assert "hp_probook_450.json : PH-000001 (Hewlett-Packard HP ProBook 450 G2, n° de série CND4286ZJ2) créé" in out
    assert "créé, 1 support ajouté, 1 effacement enregistré." in out
    assert "2 rapports traités." in out
    assert err == ""
    assert Item.objects.count() == 2


def test_command_run_twice_reports_already_imported():
    _call(SNAPSHOTS / "snapshot01.json")
    before = _counts()

    out, _err = _call(SNAPSHOTS / "snapshot01.json")

    assert "Rapport déjà importé pour PH-000001" in out
    assert _counts() == before


def test_command_refuses_hostile_files_in_french(tmp_path):
    huge = tmp_path / "entier.json"
    huge.write_bytes(MALFORMED["5,000-digit integer"][0]())
    deep = tmp_path / "lshw.json"
    deep.write_bytes(_lshw_nested_3000_deep())

    with pytest.raises(CommandError, match=r"2 fichiers sur 2 refusés"):
        _call(huge, deep)

    assert f"{huge} : refusé — Le rapport contient un nombre entier de plusieurs milliers de chiffres" in _call.err
    assert f"{deep} : refusé — Le fichier JSON est imbriqué trop profondément" in _call.err
    assert _counts()["SnapshotImport"] == 0


def test_command_reports_bad_files_imports_the_others_and_exits_non_zero(tmp_path):
    broken = tmp_path / "casse.json"
    broken.write_bytes(_bytes("snapshot01.json")[:500])
    missing = tmp_path / "absent.json"

    with pytest.raises(CommandError, match=r"2 fichiers sur 3 refusés"):
        _call(broken, SNAPSHOTS / "hp_probook_450.json", missing)

    assert f"{broken} : refusé — Le fichier JSON est tronqué" in _call.err
    assert f"{missing} : fichier introuvable — rien n'a été importé." in _call.err
    assert "hp_probook_450.json : PH-000001" in _call.out
    assert Item.objects.get().serial_number == "CND4286ZJ2"
    assert SnapshotImport.objects.count() == 1


# --- Admin upload -------------------------------------------------------------------------------------------------

ADD_URL = "/admin/equipment/snapshotimport/add/"


@pytest.fixture
def technician_client(client):
    technician = UserFactory(technician=True)
    client.force_login(technician)
    client.user = technician
    return client


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def test_admin_upload_page_shows_a_file_form(technician_client):
    response = technician_client.get(ADD_URL)

    assert response.status_code == 200
    assert 'type="file"' in response.text and "Importer le rapport" in response.text


def test_admin_upload_imports_and_opens_the_item(technician_client):
    # The content decides, not the name: a .txt holding a snapshot is accepted.
    response = technician_client.post(ADD_URL, {"file": _upload("rapport.txt", _bytes("hp_probook_450.json"))})

    item = Item.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:equipment_item_change", args=[item.pk])
    snapshot = SnapshotImport.objects.get()
    assert (snapshot.item, snapshot.imported_by) == (item, technician_client.user)
    assert ErasureRecord.objects.get().technician == technician_client.user
    messages = [str(message) for message in response.wsgi_request._messages]
    assert messages == [
        f"Rapport importé : {item.asset_tag} (Hewlett-Packard HP ProBook 450 G2, n° de série "
        "CND4286ZJ2) créé, 1 support ajouté, 1 effacement enregistré."
    ]


def test_admin_upload_of_an_already_imported_file_says_nothing_changed(technician_client):
    snapshot_import(data=_bytes("snapshot01.json"))
    before = _counts()

    response = technician_client.post(ADD_URL, {"file": _upload("snapshot01.json", _bytes("snapshot01.json"))})

    assert response.status_code == 302
    assert [str(m) for m in response.wsgi_request._messages] == [
        "Rapport déjà importé pour PH-000001 (LENOVO ThinkCentre M92P (3227A2G), n° de série AAAAAAAA) : "
        "rien n'a changé."
    ]
    assert _counts() == before


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("rapport.json", b'{"device": {"serialNumber": ', "tronqué"),
        ("rapport.json", b"\x89PNG\r\n\x1a\n\xff\xd8\xff", "UTF-8"),
        ("rapport.json", b"PK\x03\x04 pas du json", "pas du JSON valide"),
        ("rapport.json", b"[]", "liste"),
        ("rapport.json", b'{"type": "Snapshot", "components": []}', "« device »"),
    ],
    ids=["truncated", "binary", "zip", "list", "no-device"],
)
def test_admin_upload_refuses_a_bad_file_and_writes_nothing(technician_client, name, content, message):
    response = technician_client.post(ADD_URL, {"file": _upload(name, content)})

    assert response.status_code == 200
    assert "Le rapport n'a pas été importé" in response.text and message in response.text
    assert (Item.objects.count(), SnapshotImport.objects.count()) == (0, 0)


def test_admin_upload_refuses_a_file_over_the_size_limit(technician_client, settings):
    settings.FILE_UPLOAD_MAX_SIZE = 1000

    response = technician_client.post(ADD_URL, {"file": _upload("a.json", _bytes("snapshot01.json"))})

    assert response.status_code == 200
    assert "la taille maximale est" in response.text
    assert SnapshotImport.objects.count() == 0


def test_admin_snapshot_list_is_read_only_and_its_queries_do_not_grow(technician_client):
    def add_snapshot(n):
        SnapshotImport.objects.create(item=ItemFactory(), uuid=f"uuid-{n}", software="Workbench 11.0b11", raw={})

    add_snapshot(0)
    url = reverse("admin:equipment_snapshotimport_changelist")
    snapshot_import(data=_bytes("snapshot01.json"))  # the first import ever also creates the tag counter
    with CaptureQueriesContext(connection) as one:
        response = technician_client.get(url)
    assert response.status_code == 200 and "uuid-0" in response.text
    for n in range(1, 8):
        add_snapshot(n)

    with CaptureQueriesContext(connection) as many:
        response = technician_client.get(url)

    assert "uuid-7" in response.text
    assert len(many.captured_queries) == len(one.captured_queries)
    detail = technician_client.get(
        reverse("admin:equipment_snapshotimport_change", args=[SnapshotImport.objects.first().pk])
    )
    assert detail.status_code == 200 and 'name="_save"' not in detail.text


def test_admin_upload_is_closed_to_non_staff(client):
    client.force_login(UserFactory(prescriber=True))

    response = client.get(ADD_URL)

    assert response.status_code == 302 and "/admin/login/" in response["Location"]
