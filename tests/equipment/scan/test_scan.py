import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from equipment.enums import DriveFate, ItemStatus
from equipment.models import Item, StatusChange
from equipment.scan.batch import MAX_BATCH, SESSION_KEY, tag_from_scan
from tests.accounts.factories import UserFactory
from tests.equipment.factories import DriveFactory, ItemFactory

URL = reverse("equipment:scan")


@pytest.fixture
def technician(client):
    user = UserFactory(technician=True)
    client.force_login(user)
    return user


def _scan(client, tag, mode="batch", **headers):
    return client.post(URL, {"action": "scan", "mode": mode, "tag": tag}, headers=headers)


def _batch_tags(client):
    page = client.get(URL)
    return [item.asset_tag for item in page.context["items"]], page


@pytest.mark.parametrize(
    ("typed", "tag"),
    [
        ("PH-000001", "PH-000001"),
        ("  PH-000001\t", "PH-000001"),
        ("https://filiere.example.org/materiel/PH-000001/", "PH-000001"),
        ("http://127.0.0.1:8000/materiel/PH%2D000001/?from=label", "PH-000001"),
        ("", ""),
    ],
    ids=["bare", "spaces", "label-url", "encoded-url-with-query", "empty"],
)
def test_a_scan_is_read_as_a_bare_tag_or_as_the_label_url(typed, tag):
    assert tag_from_scan(typed) == tag


def test_open_mode_opens_the_item_whatever_the_case_or_the_label_url(client, technician):
    item = ItemFactory(asset_tag="PH-000001")

    assert _scan(client, "ph-000001", mode="open")["Location"] == item.get_absolute_url()
    assert _scan(client, "https://x.example/materiel/PH-000001/", mode="open")["Location"] == item.get_absolute_url()


def test_open_mode_flags_an_unknown_tag(client, technician):
    response = _scan(client, "PH-404404", mode="open")

    assert response["Location"] == URL
    page = client.get(URL)
    assert "Étiquette inconnue : « PH-404404 »" in page.content.decode()


def test_batch_mode_adds_each_item_once_and_flags_duplicates_and_unknown_tags(client, technician):
    first, second = ItemFactory(asset_tag="PH-000001"), ItemFactory(asset_tag="PH-000002")

    _scan(client, "PH-000001")
    _scan(client, "PH-000002")
    duplicate = _scan(client, "ph-000001", **{"X-Filiere-Partial": "scan-batch"})
    unknown = _scan(client, "PH-999999", **{"X-Filiere-Partial": "scan-batch"})

    assert "Doublon : PH-000001 est déjà dans le lot (scanné 2 fois)" in duplicate.content.decode()
    assert "Étiquette inconnue : « PH-999999 »" in unknown.content.decode()
    assert "<html" not in unknown.content.decode()  # only the fragment that the page redraws
    tags, page = _batch_tags(client)
    assert tags == [first.asset_tag, second.asset_tag]
    html = page.content.decode()
    assert "Doublon : scanné 2 fois" in html
    assert "Étiquettes inconnues, non ajoutées" in html and "PH-999999" in html


def test_feedback_is_shown_once(client, technician):
    ItemFactory(asset_tag="PH-000001")
    _scan(client, "PH-000001")

    assert "PH-000001 ajouté au lot" in client.get(URL).content.decode()
    assert "PH-000001 ajouté au lot" not in client.get(URL).content.decode()


def test_remove_and_clear_the_batch(client, technician):
    first, _ = ItemFactory(asset_tag="PH-000001"), ItemFactory(asset_tag="PH-000002")
    _scan(client, "PH-000001")
    _scan(client, "PH-000002")

    client.post(URL, {"action": "remove", "item": first.pk})
    assert _batch_tags(client)[0] == ["PH-000002"]
    client.post(URL, {"action": "clear"})
    assert _batch_tags(client)[0] == []


def test_batch_is_capped(client, technician):
    items = ItemFactory.create_batch(2)
    session = client.session
    session[SESSION_KEY] = {"mode": "batch", "ids": list(range(10_000, 10_000 + MAX_BATCH)), "counts": {}}
    session.save()

    response = _scan(client, items[0].asset_tag, **{"X-Filiere-Partial": "scan-batch"})

    assert "Le lot est plein" in response.content.decode()


def test_applying_a_transition_reports_each_item_and_empties_the_batch(client, technician):
    received = ItemFactory(asset_tag="PH-000001")
    also_received = ItemFactory(asset_tag="PH-000002")
    already_in_audit = ItemFactory(asset_tag="PH-000003", in_audit=True)
    for tag in ("PH-000001", "PH-000003", "PH-000002"):
        _scan(client, tag)

    response = client.post(URL, {"action": "apply", "to_status": ItemStatus.IN_AUDIT, "note": "Chariot 4"})

    assert response.status_code == 302
    page = client.get(URL)
    report = page.context["report"]
    assert [(row["tag"], row["done"]) for row in report] == [
        ("PH-000001", True),
        ("PH-000003", False),
        ("PH-000002", True),
    ]
    assert "déjà « en audit »" in report[1]["message"]
    html = page.content.decode()
    assert "Résultat du changement : 2 faits sur 3" in html and "Refusé" in html
    for item in (received, also_received):
        item.refresh_from_db()
        assert item.status == ItemStatus.IN_AUDIT
        log = StatusChange.objects.get(item=item)
        assert (log.by, log.note) == (technician, "Chariot 4")
    assert not StatusChange.objects.filter(item=already_in_audit).exists()
    assert page.context["items"] == []


def test_refurbishing_a_batch_refuses_the_computer_whose_drive_is_not_erased(client, technician):
    screen = ItemFactory(asset_tag="PH-000001", in_audit=True)
    DriveFactory(item=ItemFactory(asset_tag="PH-000002", in_audit=True, desktop=True), serial_number="WD-PENDING")
    _scan(client, "PH-000001")
    _scan(client, "PH-000002")

    client.post(URL, {"action": "apply", "to_status": ItemStatus.REFURBISHED})

    report = client.get(URL).context["report"]
    assert report[0]["done"] and not report[1]["done"]
    assert "WD-PENDING" in report[1]["message"]
    screen.refresh_from_db()
    assert screen.status == ItemStatus.REFURBISHED


def test_recycling_a_batch_needs_a_reason_and_changes_nothing_without_one(client, technician):
    item = ItemFactory(asset_tag="PH-000001")
    _scan(client, "PH-000001")

    refused = client.post(URL, {"action": "apply", "to_status": ItemStatus.RECYCLED, "reason": " "})

    assert refused.status_code == 400
    assert "Indiquez le motif du recyclage" in refused.content.decode()
    item.refresh_from_db()
    assert item.status == ItemStatus.RECEIVED
    assert _batch_tags(client)[0] == ["PH-000001"]

    client.post(URL, {"action": "apply", "to_status": ItemStatus.RECYCLED, "reason": "Dalle fêlée"})
    item.refresh_from_db()
    assert (item.status, item.recycling_reason) == (ItemStatus.RECYCLED, "Dalle fêlée")


def test_refurbishing_a_batch_refuses_a_laptop_without_any_storage_record(client, technician):
    ItemFactory(asset_tag="PH-000003", in_audit=True, laptop=True)
    _scan(client, "PH-000003")

    client.post(URL, {"action": "apply", "to_status": ItemStatus.REFURBISHED})

    [row] = client.get(URL).context["report"]
    assert not row["done"] and "aucun support de stockage n'est enregistré" in row["message"]
    assert Item.objects.get(asset_tag="PH-000003").status == ItemStatus.IN_AUDIT


def test_recycling_a_batch_with_computers_asks_what_became_of_each_drive_first(client, technician):
    screen = ItemFactory(asset_tag="PH-000001")
    desktop = ItemFactory(asset_tag="PH-000002", desktop=True, in_audit=True)
    drive = DriveFactory(item=desktop, serial_number="WD-123")
    laptop = ItemFactory(asset_tag="PH-000003", laptop=True)
    for tag in ("PH-000001", "PH-000002", "PH-000003"):
        _scan(client, tag)
    apply = {"action": "apply", "to_status": ItemStatus.RECYCLED, "reason": "Lot HS"}

    step = client.post(URL, apply)

    assert step.status_code == 200
    html = step.content.decode()
    assert "Supports de stockage des ordinateurs à recycler" in html and "WD-123" in html
    assert "dites ce que sont devenus les supports de stockage de 2 ordinateurs du lot" in html
    assert set(Item.objects.values_list("status", flat=True)) == {ItemStatus.RECEIVED, ItemStatus.IN_AUDIT}

    unanswered = client.post(URL, {**apply, "fates_step": "1"})
    assert unanswered.status_code == 400
    assert "PH-000002 : dites ce qu&#x27;est devenu ce support." in unanswered.content.decode()

    client.post(URL, {**apply, "fates_step": "1", f"fate_{drive.pk}": "destroyed", f"no_storage_{laptop.pk}": "on"})

    report = client.get(URL).context["report"]
    assert [row["done"] for row in report] == [True, True, True]
    assert {item.status for item in Item.objects.filter(pk__in=[screen.pk, desktop.pk, laptop.pk])} == {
        ItemStatus.RECYCLED
    }
    drive.refresh_from_db()
    assert (drive.fate, drive.fate_recorded_by) == (DriveFate.DESTROYED, technician)


def test_applying_to_an_empty_batch_is_refused(client, technician):
    response = client.post(URL, {"action": "apply", "to_status": ItemStatus.IN_AUDIT})

    assert response.status_code == 400
    assert "Le lot est vide" in response.content.decode()


@pytest.mark.parametrize("role", ["prescriber", "partner"])
def test_people_outside_the_workshop_cannot_scan(client, role):
    item = ItemFactory()
    client.force_login(UserFactory(**{role: True}))

    assert client.get(URL).status_code == 403
    assert _scan(client, item.asset_tag, mode="open").status_code == 403
    assert client.post(URL, {"action": "apply", "to_status": ItemStatus.IN_AUDIT}).status_code == 403


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_coordination_may_scan_too(client):
    client.force_login(UserFactory(coordination=True))
    assert client.get(URL).status_code == 200


def test_scan_page_queries_do_not_grow_with_the_batch(client, technician, django_assert_num_queries):
    items = ItemFactory.create_batch(20)
    _scan(client, items[0].asset_tag)
    client.get(URL)  # the feedback is shown once; from now on the page is the same
    with CaptureQueriesContext(connection) as one:
        client.get(URL)
    queries_for_one = len(one)

    for item in items[1:]:
        _scan(client, item.asset_tag)
    client.get(URL)
    with django_assert_num_queries(queries_for_one):
        page = client.get(URL)
    assert len(page.context["items"]) == 20
