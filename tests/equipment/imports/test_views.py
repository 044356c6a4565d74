import os
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from equipment.imports.csv_rows import HEADER
from equipment.imports.jobs import CHECK_KIND, IMPORT_KIND
from equipment.models import Item, StatusChange
from jobs.models import Job, JobStatus
from tests.accounts.factories import UserFactory
from tests.equipment.factories import ItemFactory

UPLOAD_URL = reverse("equipment:import")
CONFIRM_URL = reverse("equipment:import_confirm")
HEADER_LINE = ",".join(HEADER)
ROWS = [
    "ATIS-24-0001,screen,Dell,P2217H,CN0001,received,2024-03-15,Médiathèque de Denain,4.2,",
    ",desktop,HP,ProDesk 400 G4 MT,CZC0002,in_audit,2024-03-15,Médiathèque de Denain,,",
    ",keyboard,Logitech,K120,,recycled,2024-04-02,Mairie de Raismes,0.55,",
]


def csv_file(*rows: str, name: str = "lot.csv", content: bytes | None = None) -> SimpleUploadedFile:
    if content is None:
        content = ("\n".join([HEADER_LINE, *rows]) + "\n").encode()
    return SimpleUploadedFile(name, content, content_type="text/csv")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def pending_files(tmp_path) -> list:
    folder = tmp_path / "imports"
    return sorted(folder.iterdir()) if folder.exists() else []


@pytest.fixture
def technician_client(client):
    client.force_login(UserFactory(technician=True))
    return client


def upload(client, *rows, **kwargs):
    """The upload, then the page it leads to (the check runs as a job: at once in tests)."""
    return client.post(UPLOAD_URL, {"file": csv_file(*rows, **kwargs)}, follow=True)


def confirm_digest(response) -> str:
    return response.context["digest"]


@pytest.mark.parametrize("role", ["coordination", "technician"])
def test_staff_see_the_upload_form_with_a_labelled_file_field(client, role):
    client.force_login(UserFactory(**{role: True}))

    response = client.get(UPLOAD_URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'for="id_file"' in html and "Fichier CSV" in html
    assert HEADER_LINE in html


def test_item_list_links_to_the_import(technician_client):
    response = technician_client.get(reverse("equipment:list"))

    assert UPLOAD_URL in response.content.decode()


@pytest.mark.parametrize("url", [UPLOAD_URL, CONFIRM_URL, reverse("equipment:import_example")])
@pytest.mark.parametrize("role", ["prescriber", "partner"])
def test_other_roles_are_refused(client, role, url):
    client.force_login(UserFactory(**{role: True}))

    assert client.get(url).status_code == 403
    assert client.post(url, {"file": csv_file(*ROWS)}).status_code == 403
    assert Item.objects.count() == 0


def test_anonymous_user_is_sent_to_the_login_page(client):
    response = client.get(UPLOAD_URL)

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_upload_preview_then_confirm_writes_the_items(technician_client, tmp_path):
    response = technician_client.post(UPLOAD_URL, {"file": csv_file(*ROWS)})

    assert response.status_code == 302 and response.url == CONFIRM_URL
    assert Item.objects.count() == 0  # nothing written before confirmation
    assert len(pending_files(tmp_path)) == 1
    check = Job.objects.get(kind=CHECK_KIND)
    assert check.status == JobStatus.DONE and check.progress_done == check.progress_total == 3

    preview = technician_client.get(CONFIRM_URL)
    html = preview.content.decode()
    assert "3 matériels à créer" in html
    assert "Confirmer l'import" in html
    assert "Écran" in html and "Unité centrale" in html and "Clavier" in html
    assert "ATIS-24-0001" in html and "(créée à l'import)" in html and "15/03/2024" in html
    assert Item.objects.count() == 0

    done = technician_client.post(CONFIRM_URL, {"confirm": "", "digest": confirm_digest(preview)}, follow=True)

    job = Job.objects.get(kind=IMPORT_KIND)
    assert done.redirect_chain[-1][0] == job.get_absolute_url()
    page = done.content.decode()
    assert "Import de « lot.csv » terminé : 3 matériels créés, 0 déjà enregistré à l&#x27;identique." in page
    assert f'href="{reverse("equipment:list")}">Voir le matériel' in page
    assert job.status == JobStatus.DONE and job.attempts == 1
    assert Item.objects.count() == 3
    assert StatusChange.objects.filter(by=done.wsgi_request.user).count() == 3
    assert pending_files(tmp_path) == []  # the file goes once the import is done


def test_the_preview_says_which_computers_come_in_exempt_from_the_erasure_proof(technician_client, tmp_path):
    upload(technician_client, "PH-900001,laptop,Lenovo,T480,PF1,refurbished,2024-03-15,,1.6,", *ROWS)

    html = technician_client.get(CONFIRM_URL).content.decode()

    assert "1 ordinateur arrive déjà reconditionné, réservé, distribué ou recyclé" in html
    assert "dispensés de preuve d'effacement" in html


def test_bad_file_shows_every_error_line_and_keeps_nothing(technician_client, tmp_path):
    response = upload(technician_client, ROWS[0], ",tablette,,,,,2024-03-15,,,", ",screen,,,,,15.03.2024,,-2,")

    assert response.status_code == 200 and response.redirect_chain[-1][0] == CONFIRM_URL
    html = response.content.decode()
    assert "n'a pas été importé : 3 erreurs" in html
    assert "ligne 3 : catégorie « tablette » inconnue" in html
    assert "ligne 4 : date de réception « 15.03.2024 » invalide" in html
    assert "ligne 4 : poids négatif (-2)" in html
    assert Item.objects.count() == 0
    assert pending_files(tmp_path) == []


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("\n".join([HEADER_LINE, ",screen,,,,,2024-03-15,Médiathèque,,"]).encode("latin-1"), "CSV UTF-8"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "pas un fichier texte CSV"),
        (b"PK\x03\x04\x14\x00\x06\x00\x08\x00", "classeur"),
        (b"nom,prenom\nDupont,Jean\n", "en-tête incorrect"),
    ],
    ids=["latin-1", "image named .csv", "spreadsheet named .csv", "other csv"],
)
def test_file_that_is_not_our_utf8_csv_is_refused_from_its_content(technician_client, tmp_path, content, expected):
    response = technician_client.post(
        UPLOAD_URL, {"file": csv_file(content=content, name="materiel.csv")}, follow=True
    )

    assert response.status_code == 200
    assert expected in response.content.decode()
    assert pending_files(tmp_path) == []


def test_empty_and_oversized_files_are_refused_by_the_form(technician_client, settings):
    settings.FILE_UPLOAD_MAX_SIZE = 100

    empty = technician_client.post(UPLOAD_URL, {"file": csv_file(content=b"")})
    big = upload(technician_client, *ROWS)

    assert not Job.objects.exists()  # refused by the form: no check to run
    assert "Ce fichier est vide : vérifiez que vous avez choisi le bon." in empty.content.decode()
    assert "la limite est de 100" in big.content.decode()
    assert Item.objects.count() == 0


def test_cancel_discards_the_pending_file(technician_client, tmp_path):
    upload(technician_client, *ROWS)
    digest = confirm_digest(technician_client.get(CONFIRM_URL))

    response = technician_client.post(CONFIRM_URL, {"cancel": "", "digest": digest}, follow=True)

    assert "Import annulé" in response.content.decode()
    assert pending_files(tmp_path) == []
    assert Item.objects.count() == 0


def test_confirm_without_pending_file_goes_back_to_the_upload(technician_client):
    response = technician_client.post(CONFIRM_URL, {"confirm": "", "digest": "x"})

    assert response.status_code == 302 and response.url == UPLOAD_URL
    assert Item.objects.count() == 0


def test_another_users_session_cannot_confirm_my_file(technician_client):
    upload(technician_client, *ROWS)
    digest = confirm_digest(technician_client.get(CONFIRM_URL))
    other = Client()
    other.force_login(UserFactory(coordination=True))

    response = other.post(CONFIRM_URL, {"confirm": "", "digest": digest})

    assert response.status_code == 302 and response.url == UPLOAD_URL
    assert Item.objects.count() == 0


def test_confirm_of_a_replaced_file_shows_the_new_preview_instead_of_writing(technician_client):
    upload(technician_client, *ROWS)
    old_digest = confirm_digest(technician_client.get(CONFIRM_URL))
    upload(technician_client, ROWS[0])  # another tab, another file

    response = technician_client.post(CONFIRM_URL, {"confirm": "", "digest": old_digest}, follow=True)

    assert "a changé depuis l&#x27;aperçu" in response.content.decode()
    assert "1 matériel à créer" in response.content.decode()
    assert Item.objects.count() == 0


def test_items_recorded_meanwhile_are_reported_at_confirmation_and_nothing_is_written(technician_client, tmp_path):
    upload(technician_client, *ROWS)
    digest = confirm_digest(technician_client.get(CONFIRM_URL))
    ItemFactory(asset_tag="ATIS-24-0001", status="in_audit", serial_number="CN0001")

    response = technician_client.post(CONFIRM_URL, {"confirm": "", "digest": digest}, follow=True)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Import refusé : 1 erreur dans « lot.csv » ; rien n&#x27;a été enregistré." in page
    assert "ligne 2 : le matériel ATIS-24-0001 existe déjà avec d&#x27;autres données" in page
    assert f'href="{UPLOAD_URL}">Recommencer' in page and "Relancer" not in page  # its file is gone
    assert Item.objects.count() == 1
    assert Job.objects.get(kind=IMPORT_KIND).status == JobStatus.FAILED
    assert pending_files(tmp_path) == []


def test_reimporting_the_same_file_offers_nothing_to_write(technician_client):
    upload(technician_client, *ROWS)
    technician_client.post(CONFIRM_URL, {"confirm": "", "digest": confirm_digest(technician_client.get(CONFIRM_URL))})

    upload(technician_client, *ROWS)
    html = technician_client.get(CONFIRM_URL).content.decode()

    assert "Rien à importer" in html
    assert "Confirmer l'import" not in html
    assert Item.objects.count() == 3


def test_example_file_downloads_and_is_a_valid_import(technician_client):
    response = technician_client.get(reverse("equipment:import_example"))

    assert response["Content-Type"].startswith("text/csv")
    upload_response = technician_client.post(UPLOAD_URL, {"file": csv_file(content=response.content)})
    assert upload_response.status_code == 302


@pytest.mark.parametrize("count", [1, 60])
def test_check_and_preview_query_counts_do_not_grow_with_rows(technician_client, count):
    rows = [f"ATIS-{n},screen,Dell,P2217H,SN{n},,2024-03-15,Médiathèque de Denain,4.2," for n in range(count)]
    rows += [",mouse,Logitech,B100,,,2024-03-15,,,"] * count

    # The check (a job, run at once here) looks up recorded items three times (by tag, by serial number, rows with
    # neither), whatever the rows.
    with CaptureQueriesContext(connection) as check:
        technician_client.post(UPLOAD_URL, {"file": csv_file(*rows)})
    # The preview reads the check's report, never the items; the rest is what every signed-in page pays.
    with CaptureQueriesContext(connection) as preview:
        response = technician_client.get(CONFIRM_URL)

    assert sum('"equipment_item"' in query["sql"] for query in check.captured_queries) == 3
    assert not any('"equipment_item"' in query["sql"] for query in preview.captured_queries)
    assert len(preview.captured_queries) <= 10
    assert response.status_code == 200 and f"{count * 2} matériels à créer" in response.content.decode()


# --- the check and the import run as background jobs ---


@pytest.fixture
def queued_jobs():
    """The production set-up: jobs wait in the database for a worker (none runs in these tests)."""
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        yield


def test_while_the_check_runs_the_page_follows_it_and_writes_nothing(technician_client, queued_jobs):
    upload(technician_client, *ROWS)
    check = Job.objects.get(kind=CHECK_KIND)

    waiting = technician_client.get(CONFIRM_URL).content.decode()
    Job.objects.filter(pk=check.pk).update(status=JobStatus.RUNNING, progress_done=40, progress_total=100)
    running = technician_client.get(CONFIRM_URL).content.decode()

    assert "<h1>Vérification de « lot.csv »</h1>" in waiting and "La vérification attend son tour" in waiting
    assert "Aucun serveur de tâches n'est en marche pour l'instant" in waiting  # none runs in this test
    assert '<meta http-equiv="refresh" content="2">' in waiting
    assert "Lignes vérifiées : 40 sur 100 (40 %)" in running
    assert "Confirmer l'import" not in running and Item.objects.count() == 0


def test_cancelling_while_the_check_runs_removes_the_file(technician_client, tmp_path, queued_jobs):
    upload(technician_client, *ROWS)

    response = technician_client.post(CONFIRM_URL, {"cancel": ""}, follow=True)

    assert "Import annulé" in response.content.decode()
    assert pending_files(tmp_path) == []


def test_an_import_whose_file_is_gone_fails_with_a_french_reason(technician_client, tmp_path):
    upload(technician_client, *ROWS)
    digest = confirm_digest(technician_client.get(CONFIRM_URL))
    for stale in pending_files(tmp_path):  # the day's limit passed, or another tab cancelled
        stale.unlink()

    response = technician_client.post(CONFIRM_URL, {"confirm": "", "digest": digest}, follow=True)

    assert "Le fichier envoyé n&#x27;est plus disponible" in response.content.decode()
    assert Job.objects.get(kind=IMPORT_KIND).status == JobStatus.FAILED and Item.objects.count() == 0


def test_files_left_for_more_than_a_day_are_removed_at_the_next_upload(technician_client, tmp_path):
    upload(technician_client, *ROWS)
    old = pending_files(tmp_path)[0]
    day_before = time.time() - 25 * 3600
    os.utime(old, (day_before, day_before))
    other = Client()
    other.force_login(UserFactory(coordination=True))

    upload(other, ROWS[0])

    assert old not in pending_files(tmp_path) and len(pending_files(tmp_path)) == 1


def test_a_file_with_thousands_of_errors_shows_their_count_and_the_first_thousand(technician_client, tmp_path):
    response = upload(technician_client, *[",tablette,,,,,2024-03-15,,,"] * 1005)

    page = response.content.decode()
    assert "n'a pas été importé : 1005 erreurs" in page
    assert "Le fichier a 1005 erreurs en tout : les 1000 premières sont listées ici." in page
    assert page.count("catégorie « tablette » inconnue") == 1000
    assert pending_files(tmp_path) == []
