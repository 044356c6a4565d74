"""Uploads and downloads: size limit, type checked from the content (never the name), files stored under generated
names and never served back, downloads sent as attachments. (Each importer's own tests cover its messages in
detail: tests/equipment/test_import_views.py, tests/equipment/test_snapshots.py.)"""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import Resolver404, resolve, reverse

from equipment.imports.csv_rows import HEADER
from equipment.models import Item, SnapshotImport
from tests.accounts.factories import UserFactory
from tests.equipment.factories import WeeeShipmentFactory

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
VALID_CSV = (",".join(HEADER) + "\n,screen,Dell,P2217H,CN0001,received,2024-03-15,Mairie,4.2,\n").encode()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def staff(client):
    client.force_login(UserFactory(technician=True))
    return client


def stored(tmp_path) -> list[str]:
    return sorted(path.name for path in tmp_path.rglob("*") if path.is_file())


@pytest.mark.parametrize(
    ("name", "content"),
    [("materiel.csv", PNG), ("materiel.csv", b"%PDF-1.7\n" + bytes(range(256))), ("photo.png", PNG)],
    ids=["image-named-csv", "pdf-named-csv", "image"],
)
def test_a_file_that_is_not_a_csv_is_refused_whatever_its_name(staff, tmp_path, name, content):
    upload = {"file": SimpleUploadedFile(name, content, "text/csv")}
    # Checked in the background (at once in tests): the page it leads to lists the refusal, the file is gone.
    response = staff.post(reverse("equipment:import"), upload, follow=True)
    assert response.status_code == 200
    assert "Rien n'a été enregistré" in response.content.decode() or "UTF-8" in response.content.decode()
    assert stored(tmp_path) == [] and not Item.objects.exists()


def test_a_csv_over_the_size_limit_is_refused(staff, tmp_path, settings):
    settings.FILE_UPLOAD_MAX_SIZE = 100
    response = staff.post(reverse("equipment:import"), {"file": SimpleUploadedFile("lot.csv", VALID_CSV * 3)})
    assert "la limite est de 100" in response.content.decode()
    assert stored(tmp_path) == []


def test_an_uploaded_csv_waits_under_a_generated_name_never_the_users(staff, tmp_path):
    upload = SimpleUploadedFile("../../../etc/passwd.csv", VALID_CSV, "text/csv")
    assert staff.post(reverse("equipment:import"), {"file": upload}).status_code == 302
    names = stored(tmp_path)
    assert len(names) == 1 and re.fullmatch(r"[0-9a-f]{32}\.csv", names[0])
    assert "passwd" not in str(list(tmp_path.rglob("*")))


def test_a_snapshot_that_is_not_json_is_refused_whatever_its_name(staff, settings):
    for content in (PNG, b"<html>pas un rapport</html>", b"[1, 2, 3]"):
        upload = SimpleUploadedFile("rapport.json", content, "application/json")
        response = staff.post(reverse("admin:equipment_snapshotimport_add"), {"file": upload})
        assert response.status_code == 200
        assert 'class="errorlist' in response.content.decode()
    settings.FILE_UPLOAD_MAX_SIZE = 10
    response = staff.post(
        reverse("admin:equipment_snapshotimport_add"), {"file": SimpleUploadedFile("r.json", b"{}" * 10)}
    )
    assert "la taille maximale est" in response.content.decode()
    assert not SnapshotImport.objects.exists()


def test_uploaded_files_are_never_served_back():
    for path in ("/media/imports/0123456789abcdef0123456789abcdef.csv", "/imports/x.csv"):
        with pytest.raises(Resolver404):
            resolve(path)


def test_downloads_are_attachments_or_named_documents(staff):
    example = staff.get(reverse("equipment:import_example"))
    assert example.headers["Content-Disposition"] == 'attachment; filename="modele-import-materiel.csv"'
    register = staff.get(reverse("equipment:weee_register"))
    assert register.headers["Content-Disposition"].startswith('attachment; filename="registre-deee')
    slip = staff.get(reverse("equipment:weee_slip", args=[WeeeShipmentFactory().pk]))
    assert slip.headers["Content-Type"] == "application/pdf"
    assert re.fullmatch(r'inline; filename="bordereau-deee-[\w-]+\.pdf"', slip.headers["Content-Disposition"])
    for response in (example, register, slip):
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "no-store" in response.headers["Cache-Control"]
