"""/taches/: « Relancer » a failed job; coordination sees whether a task worker is alive; a job page says when no
worker will take its job, or when its worker went silent."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from equipment.imports.jobs import IMPORT_KIND
from jobs.models import Job, JobStatus, TaskWorker
from tests.accounts.factories import UserFactory
from tests.equipment.factories import ItemFactory


@pytest.fixture(autouse=True)
def _media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path


def _failed(user, kind="equipment.items_export", **params) -> Job:
    job = Job.objects.create(kind=kind, title="Export CSV du matériel", params=params, created_by=user)
    Job.objects.filter(pk=job.pk).update(status=JobStatus.FAILED, attempts=1, error="Le travail a été interrompu.")
    job.refresh_from_db()
    return job


def test_a_failed_job_is_relaunched_as_a_new_job_with_the_same_request(client):
    technician = UserFactory(technician=True)
    ItemFactory.create_batch(2, category="screen")
    failed = _failed(technician, query="category=screen")
    client.force_login(technician)

    page = client.get(failed.get_absolute_url()).content.decode()
    response = client.post(reverse("jobs:relaunch", args=[failed.pk]))

    assert "Le travail a été interrompu." in page and ">Relancer</button>" in page
    again = Job.objects.exclude(pk=failed.pk).get()
    assert response.status_code == 302 and response.url == again.get_absolute_url()
    assert (again.kind, again.params, again.created_by) == (failed.kind, failed.params, technician)
    assert again.status == JobStatus.DONE and again.result_summary == "2 matériels exportés."
    assert Job.objects.get(pk=failed.pk).status == JobStatus.FAILED  # the failure and its reason stay


def test_only_the_person_who_asked_may_relaunch_and_only_by_post(client):
    failed = _failed(UserFactory(technician=True))
    client.force_login(UserFactory(technician=True))

    assert client.post(reverse("jobs:relaunch", args=[failed.pk])).status_code == 404
    client.force_login(failed.created_by)
    assert client.get(reverse("jobs:relaunch", args=[failed.pk])).status_code == 405
    assert Job.objects.count() == 1


def test_someone_who_may_no_longer_ask_for_the_work_cannot_relaunch_it(client):
    technician = UserFactory(technician=True)
    failed = _failed(technician)
    technician.organisation = UserFactory(prescriber=True).organisation  # moved to a social structure
    technician.save(update_fields=["organisation"])
    client.force_login(technician)

    response = client.post(reverse("jobs:relaunch", args=[failed.pk]))

    assert response.status_code == 403 and "ne peut plus demander ce travail" in response.content.decode()
    assert Job.objects.count() == 1


def test_an_import_is_started_again_from_the_upload_not_relaunched(client):
    """Its file is removed when it fails: the page leads back to the upload."""
    technician = UserFactory(technician=True)
    failed = _failed(technician, kind=IMPORT_KIND)
    client.force_login(technician)

    page = client.get(failed.get_absolute_url()).content.decode()
    refused = client.post(reverse("jobs:relaunch", args=[failed.pk]), follow=True).content.decode()

    assert "Relancer" not in page and f'href="{reverse("equipment:import")}">Recommencer' in page
    assert "Ce travail ne se relance pas d&#x27;ici" in refused and Job.objects.count() == 1


def test_coordination_sees_when_no_worker_is_alive_and_others_do_not_see_workers(client):
    coordinator = UserFactory(coordination=True)
    Job.objects.create(kind="equipment.items_export", title="Export", created_by=coordinator)
    client.force_login(coordinator)

    page = client.get(reverse("jobs:list")).content.decode()

    assert "Aucun serveur de tâches n'est en marche : les travaux demandés attendent (1 en attente)" in page
    client.force_login(UserFactory(technician=True))
    assert "Serveurs de tâches" not in client.get(reverse("jobs:list")).content.decode()


def test_coordination_sees_each_worker_and_its_last_heartbeat(client):
    now = timezone.now()
    TaskWorker.objects.create(id="atelier:41:aa", hostname="atelier", pid=41, started_at=now, beat_at=now, busy=True)
    silent = now - datetime.timedelta(hours=1)
    TaskWorker.objects.create(id="vieux:7:bb", hostname="vieux", pid=7, started_at=silent, beat_at=silent)
    client.force_login(UserFactory(coordination=True))

    page = client.get(reverse("jobs:list")).content.decode()

    assert "Aucun serveur de tâches" not in page and "Travaux en attente : 0 ; en cours : 0." in page
    assert "<td>atelier (41)</td>" in page and "en marche, occupé" in page
    assert "<td>vieux (7)</td>" in page and "silencieux" in page
    assert page.index("atelier (41)") < page.index("vieux (7)")
    assert f"{timezone.localtime(now):%d/%m/%Y à %H:%M:%S}" in page


def test_a_waiting_job_says_when_no_worker_will_take_it(client):
    technician = UserFactory(technician=True)
    job = Job.objects.create(kind="equipment.items_export", title="Export", created_by=technician)
    client.force_login(technician)

    alone = client.get(job.get_absolute_url()).content.decode()
    now = timezone.now()
    TaskWorker.objects.create(id="atelier:41:aa", hostname="atelier", pid=41, started_at=now, beat_at=now)
    served = client.get(job.get_absolute_url()).content.decode()

    assert "Aucun serveur de tâches n'est en marche pour l'instant" in alone
    assert "Aucun serveur de tâches" not in served and "Le travail attend son tour." in served


def test_a_running_job_whose_worker_went_silent_says_it_will_be_taken_back(client):
    technician = UserFactory(technician=True)
    job = Job.objects.create(kind="equipment.items_export", title="Export", created_by=technician)
    silent = timezone.now() - datetime.timedelta(minutes=5)
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, attempts=1, started_at=silent, heartbeat_at=silent, stage="Écriture"
    )
    client.force_login(technician)

    page = client.get(job.get_absolute_url()).content.decode()

    assert "Étape : Écriture." in page
    assert "ne donne plus signe de vie depuis le" in page and "le travail sera repris" in page
