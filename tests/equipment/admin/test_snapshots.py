"""The workshop's snapshot pages: the upload (optionally into a donation), every file downloadable with who sent
it and when, the item's page listing its snapshots and the drives a newer snapshot no longer lists."""

import copy
import datetime
import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from equipment.enums import SnapshotChannel
from equipment.models import Item, SnapshotImport
from equipment.snapshots.services import snapshot_import
from tests.accounts.factories import UserFactory
from tests.donations.factories import DonationFactory
from tests.equipment.factories import ItemFactory

SNAPSHOTS = Path(__file__).resolve().parents[2] / "data" / "snapshots"
ADD_URL = "/admin/equipment/snapshotimport/add/"


@pytest.fixture
def technician(client):
    user = UserFactory(technician=True, first_name="Karim", last_name="Benali")
    client.force_login(user)
    return user


def _upload(content: bytes, **data):
    return {"file": SimpleUploadedFile("rapport.json", content, content_type="application/json"), **data}


def test_a_new_item_from_an_uploaded_snapshot_joins_the_chosen_donation(client, technician):
    donation = DonationFactory(received_on=datetime.date(2026, 11, 2))

    response = client.post(ADD_URL, _upload((SNAPSHOTS / "hp_probook_450.json").read_bytes(), donation=donation.pk))

    item = Item.objects.get()
    assert response.status_code == 302
    assert (item.donation, item.received_on) == (donation, donation.received_on)
    snapshot = SnapshotImport.objects.get()
    assert (snapshot.channel, snapshot.imported_by) == (SnapshotChannel.UPLOAD, technician)


def test_the_upload_form_offers_the_donation_search(client, technician):
    page = client.get(ADD_URL).text

    assert 'name="donation"' in page and "admin-autocomplete" in page
    assert "/admin/autocomplete/" in page


def test_an_existing_item_without_donation_joins_it_one_with_another_donation_keeps_its_own(client, technician):
    loose = ItemFactory(
        category="laptop", serial_number="CND4286ZJ2", donation=None, received_on=datetime.date(2026, 1, 5)
    )
    kept = ItemFactory(category="desktop", serial_number="AAAAAAAA")
    donation = DonationFactory()

    client.post(ADD_URL, _upload((SNAPSHOTS / "hp_probook_450.json").read_bytes(), donation=donation.pk))
    response = client.post(
        ADD_URL, _upload((SNAPSHOTS / "snapshot01.json").read_bytes(), donation=donation.pk), follow=True
    )

    loose.refresh_from_db()
    kept_donation = kept.donation_id
    kept.refresh_from_db()
    assert loose.donation == donation and loose.received_on == datetime.date(2026, 1, 5)
    assert kept.donation_id == kept_donation
    assert "appartient déjà à un autre don" in response.text


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"device": {"serialNumber": ' + b"4" * 5000 + b'}, "components": []}', "milliers de chiffres"),
        (b"[" * 50_000 + b"]" * 50_000, "imbriqué"),
    ],
    ids=["huge-integer", "deep-nesting"],
)
def test_a_hostile_file_is_refused_in_french_and_writes_nothing(client, technician, content, message):
    response = client.post(ADD_URL, _upload(content))

    assert response.status_code == 200 and message in response.text
    assert SnapshotImport.objects.count() == 0 and Item.objects.count() == 0


def test_the_file_downloads_as_it_was_received(client, technician):
    content = (SNAPSHOTS / "snapshot01.json").read_bytes()
    snapshot_import(data=content)
    snapshot = SnapshotImport.objects.get()

    response = client.get(reverse("admin:equipment_snapshotimport_download", args=[snapshot.pk]))

    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="rapport-{snapshot.uuid}.json"'
    assert b"".join(response.streaming_content) == content


def test_a_snapshot_imported_before_files_were_kept_downloads_from_its_stored_json(client, technician):
    snapshot = SnapshotImport.objects.create(item=ItemFactory(), uuid="ancien", raw={"uuid": "ancien", "é": 1})

    response = client.get(reverse("admin:equipment_snapshotimport_download", args=[snapshot.pk]))

    assert json.loads(response.content) == {"uuid": "ancien", "é": 1}


def test_the_item_page_lists_its_snapshots_newest_taken_first_and_the_removed_drive_apart(client, technician):
    document = json.loads((SNAPSHOTS / "hp_probook_450.json").read_text())
    newer = copy.deepcopy(document)
    newer["uuid"], newer["endTime"] = "11111111-2222-4333-8444-555555555555", "2022-06-01T10:00:00+00:00"
    for component in newer["components"]:
        if component["type"] == "HardDrive":
            component["serialNumber"] = "NOUVEAU-DISQUE"
    snapshot_import(data=newer, by=technician, channel=SnapshotChannel.UPLOAD)
    snapshot_import(data=document, channel=SnapshotChannel.API, sender="Poste 3")  # older, imported later
    item = Item.objects.get()

    page = client.get(reverse("admin:equipment_item_change", args=[item.pk])).text

    summary = page.partition("<th>Pris le</th>")[2]
    assert summary.index("01/06/2022 12:00 (le plus récent)") < summary.index("13/01/2022 11:24")
    assert "Karim Benali" in summary and "Workbench « Poste 3 »" in summary
    assert summary.count("Télécharger") == 2
    # The old drive is not among the drives in the computer, but its erasure is still shown, marked removed.
    inline = page.partition("supports de stockage (dans l")[2].partition("</fieldset>")[0]
    assert "NOUVEAU-DISQUE" in page and 'value="S3P9A80F"' not in inline
    assert "S3P9A80F" in page and "(retiré le" in page
