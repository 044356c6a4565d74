"""Background jobs: a big export runs as a task, the person follows it on a page they may leave, then downloads."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from distributions.events.models import Invitation
from equipment.models import Item
from jobs.models import Job, JobStatus
from jobs.registry import RUNNERS
from jobs.tasks import job_enqueue
from tests.accounts.factories import UserFactory
from tests.distributions.events.helpers import invitation_with_pack
from tests.donations.factories import DonationFactory
from tests.equipment.factories import ItemFactory
from tests.pdftext import pdf_text

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def technician():
    return UserFactory(technician=True)


def _login(client, user):
    client.force_login(user)
    if user.is_staff:  # staff accounts pass the second factor first
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_static.models import StaticDevice

        device = StaticDevice.objects.create(user=user, name="test", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()


def test_an_export_job_writes_the_filtered_items_and_offers_the_file(client, technician):
    donation = DonationFactory()
    ItemFactory.create_batch(3, donation=donation, category="screen")
    ItemFactory.create_batch(2, donation=donation, desktop=True)
    job = job_enqueue(
        kind="equipment.items_export",
        title="Export CSV du matériel",
        by=technician,
        params={"query": "category=desktop"},
    )
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.progress_done == job.progress_total == 2
    assert job.result_summary == "2 matériels exportés."

    _login(client, technician)
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "Terminé" in page and "Télécharger materiel-" in page and 'http-equiv="refresh"' not in page
    download = client.get(reverse("jobs:download", args=[job.pk]))
    content = b"".join(download.streaming_content).decode("utf-8-sig")
    lines = content.strip().splitlines()
    assert lines[0].startswith("Étiquette;Catégorie;Marque") and len(lines) == 3
    assert all(";Unité centrale;" in line for line in lines[1:])
    assert Item.objects.count() == 5  # an export writes nothing but its file


def test_a_running_job_page_refreshes_itself_and_says_it_may_be_left(client, technician):
    job = Job.objects.create(kind="equipment.items_export", title="Export CSV du matériel", created_by=technician)
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, progress_done=40, progress_total=100)
    _login(client, technician)
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert 'http-equiv="refresh"' in page and "40 sur 100 (40 %)" in page
    assert "Vous pouvez la quitter" in page
    assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 404
    listing = client.get(reverse("jobs:list")).content.decode()
    assert "Export CSV du matériel" in listing and "En cours (40 %)" in listing


def test_someone_else_s_job_does_not_exist_for_you(client, technician):
    job = job_enqueue(kind="equipment.items_export", title="Export", by=technician)
    other = UserFactory(technician=True)
    _login(client, other)
    assert client.get(reverse("jobs:detail", args=[job.pk])).status_code == 404
    assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 404
    assert "Export" not in client.get(reverse("jobs:list")).content.decode().split("<h1>")[1].split("</table>")[0]


def test_a_failing_job_shows_a_french_message_not_a_trace(client, technician, monkeypatch):
    def boom(job):
        raise RuntimeError("disk full")

    monkeypatch.setattr(RUNNERS["equipment.items_export"], "runner", boom)
    job = job_enqueue(kind="equipment.items_export", title="Export", by=technician)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "Relancez-le" in job.error
    _login(client, technician)
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "Relancez-le" in page and "disk full" not in page


def test_event_handover_sheets_run_as_a_job(technician):
    from tests.distributions.events.helpers import invitation_with_pack

    invitation = invitation_with_pack(UserFactory(coordination=True))
    event = invitation.event
    job = job_enqueue(
        kind="distributions.handover_sheets", title="Fiches", by=technician, params={"event_id": event.pk}
    )
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.result_file.read(5) == b"%PDF-"
    assert job.result_summary == "1 fiche de remise"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_database_backend_queues_the_job_and_the_worker_runs_it(technician, settings):
    """The production set-up: the job waits in the database until `db_worker` (another process) takes it."""
    ItemFactory.create_batch(3)
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        job = job_enqueue(kind="equipment.items_export", title="Export", by=technician)
        assert Job.objects.get(pk=job.pk).status == JobStatus.QUEUED
        from django.db import connection

        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings_test",
            "DATABASE_URL": _url(connection.settings_dict),
            "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        }
        subprocess.run(
            [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay"],
            cwd=ROOT,
            env=env,
            check=True,
            timeout=120,
            capture_output=True,
        )
        call_command("prune_db_task_results", "--min-age-days", "0", verbosity=0)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.progress_done == 3
    assert job.result_file.read().decode("utf-8-sig").count("\r\n") == 4


def _url(db: dict) -> str:
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def test_a_long_list_offers_its_export_in_the_background(client, technician, monkeypatch):
    monkeypatch.setattr("equipment.views.DEFAULT_EXACT_LIMIT", 2)  # the list counts exactly up to 2 items
    ItemFactory.create_batch(3, category="screen")
    ItemFactory(desktop=True)
    _login(client, technician)
    page = client.get(reverse("equipment:list"), {"category": "screen"}).content.decode()
    assert "Préparer l'export CSV en arrière-plan" in page
    response = client.post(reverse("equipment:export_background"), {"query": "category=screen"})
    job = Job.objects.get(created_by=technician)
    assert response.url == job.get_absolute_url()
    assert job.status == JobStatus.DONE and job.progress_total == 3
    assert client.get(reverse("equipment:export_background")).status_code == 405


def test_an_event_s_handover_sheets_are_prepared_in_the_background_and_downloaded(client):
    coordinator = UserFactory(coordination=True)
    invitation = invitation_with_pack(coordinator)
    event = invitation.event
    _login(client, coordinator)

    response = client.post(reverse("distributions:sheets_background", args=[event.pk]))

    job = Job.objects.get(kind="distributions.handover_sheets", created_by=coordinator)
    assert response.url == job.get_absolute_url()
    assert job.status == JobStatus.DONE and job.params == {"event_id": event.pk}
    download = client.get(reverse("jobs:download", args=[job.pk]))
    text = pdf_text(b"".join(download.streaming_content))
    household = Invitation.objects.select_related("household").get(pk=invitation.pk).household
    assert household.last_name.upper() in text.upper()
    assert all(tag in text for tag in invitation.pack.items.values_list("asset_tag", flat=True))


@pytest.mark.parametrize("role", ["technician", "prescriber", "partner"])
def test_only_coordination_may_prepare_an_event_s_sheets(client, role):
    event = invitation_with_pack(UserFactory(coordination=True)).event
    _login(client, UserFactory(**{role: True}))

    response = client.post(reverse("distributions:sheets_background", args=[event.pk]))

    assert response.status_code in {403, 404}
    assert not Job.objects.exists()


def test_the_jobs_list_reads_the_same_queries_for_one_job_or_many(client, technician, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def make(count):
        for n in range(count):
            job = Job.objects.create(kind="equipment.items_export", title=f"Export {n}", created_by=technician)
            Job.objects.filter(pk=job.pk).update(status=JobStatus.DONE, result_filename=f"export-{n}.csv")

    make(1)
    _login(client, technician)
    client.get(reverse("jobs:list"))  # warm the session
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("jobs:list"))
    make(30)

    with django_assert_num_queries(len(one.captured_queries)):
        page = client.get(reverse("jobs:list")).content.decode()
    assert page.count("<tr>") == 32  # the header and 31 jobs
    assert len(one.captured_queries) <= 10
