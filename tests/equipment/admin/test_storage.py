"""The storage rule in the workshop: the item page's buttons and « aucun support de stockage », the bulk actions,
and the recycling form that asks what became of each drive."""

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from equipment.enums import DriveFate, ErasureMethod, ItemStatus
from equipment.models import Drive, ErasureRecord, Item
from equipment.services import item_confirm_no_storage, item_refurbish
from tests.accounts.factories import UserFactory
from tests.equipment.admin.test_items import _change_form_data
from tests.equipment.factories import DriveFactory, ErasureRecordFactory, ItemFactory

CHANGELIST = "/admin/equipment/item/"


@pytest.fixture
def technician():
    return UserFactory(technician=True, first_name="Inès", last_name="Carlier")


@pytest.fixture
def tech_client(client, technician):
    client.force_login(technician)
    return client


def _messages(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def _button(item, to_status):
    return reverse("admin:equipment_item_transition", args=[item.pk, to_status])


def _change_url(item):
    return reverse("admin:equipment_item_change", args=[item.pk])


def test_refurbish_button_refuses_a_laptop_without_storage_record_and_says_what_to_do(tech_client):
    laptop = ItemFactory(laptop=True, in_audit=True, asset_tag="PH-000501")

    page = tech_client.get(_change_url(laptop)).content.decode()
    assert "Pas encore reconditionnable" in page and "Aucun support de stockage" in page
    response = tech_client.post(_button(laptop, ItemStatus.REFURBISHED))

    texts = _messages(response)
    assert any(text.startswith("Refusé — PH-000501 : ne peut pas devenir « reconditionné »") for text in texts)
    assert any("confirmez sur sa fiche « aucun support de stockage »" in text for text in texts)
    assert Item.objects.get(pk=laptop.pk).status == ItemStatus.IN_AUDIT


def test_the_no_storage_box_records_who_and_when_then_the_button_works(tech_client, technician):
    laptop = ItemFactory(laptop=True, in_audit=True)
    url = _change_url(laptop)
    data = {**_change_form_data(tech_client, url), "no_storage": "on"}

    response = tech_client.post(url, data)

    assert response.status_code == 302
    laptop.refresh_from_db()
    assert laptop.no_storage_confirmed_by == technician and laptop.no_storage_confirmed_at is not None
    page = tech_client.get(url).content.decode()
    assert "Aucun support de stockage — vérifié par Inès Carlier le" in page
    assert "Stockage justifié : il peut être marqué reconditionné." in page
    tech_client.post(_button(laptop, ItemStatus.REFURBISHED))
    assert Item.objects.get(pk=laptop.pk).status == ItemStatus.REFURBISHED
    # past the audit the box is shown, but cannot be unticked
    assert (
        'name="no_storage"' in (page := tech_client.get(url).content.decode())
        and "disabled" in page.split('name="no_storage"', 1)[1].split(">", 1)[0]
    )


def test_the_no_storage_box_is_refused_when_drives_are_recorded(tech_client):
    laptop = ItemFactory(laptop=True, in_audit=True)
    DriveFactory(item=laptop)
    url = _change_url(laptop)

    response = tech_client.post(url, {**_change_form_data(tech_client, url), "no_storage": "on"})

    assert response.status_code == 200
    assert "1 support de stockage est enregistré sur cette fiche" in response.content.decode()
    laptop.refresh_from_db()
    assert laptop.no_storage_confirmed_at is None


def test_a_screen_page_has_no_storage_box(tech_client):
    assert 'name="no_storage"' not in tech_client.get(_change_url(ItemFactory(in_audit=True))).content.decode()


def test_bulk_refurbish_moves_the_accounted_computers_and_names_each_refused_one(tech_client):
    confirmed = ItemFactory(laptop=True, in_audit=True)
    item_confirm_no_storage(item=confirmed)
    unaccounted = ItemFactory(laptop=True, in_audit=True, asset_tag="PH-000502")

    response = tech_client.post(
        CHANGELIST, {"action": "action_refurbish", "_selected_action": [confirmed.pk, unaccounted.pk], "index": 0}
    )

    texts = _messages(response)
    assert any(confirmed.asset_tag in text and not text.startswith("Refusé") for text in texts)
    assert any(text.startswith("Refusé — PH-000502") and "aucun support" in text for text in texts)
    assert Item.objects.get(pk=confirmed.pk).status == ItemStatus.REFURBISHED
    assert Item.objects.get(pk=unaccounted.pk).status == ItemStatus.IN_AUDIT


def test_past_the_audit_drives_and_erasures_are_no_longer_added_or_deleted(tech_client):
    desktop = ItemFactory(desktop=True, in_audit=True)
    record = ErasureRecordFactory(drive=DriveFactory(item=desktop))
    item_refurbish(item=desktop)

    page = tech_client.get(_change_url(desktop))
    drives = next(inline for inline in page.context["inline_admin_formsets"] if inline.formset.model is Drive)
    assert not drives.has_add_permission and not drives.has_delete_permission
    assert 'name="drives-0-DELETE"' not in page.content.decode()
    erasure_url = reverse("admin:equipment_erasurerecord_delete", args=[record.pk])
    assert tech_client.post(erasure_url, {"post": "yes"}).status_code == 403
    assert ErasureRecord.objects.filter(pk=record.pk).exists()


# --- recycling: what became of each drive ---


def _recycle_post(client, items, **fields):
    data = {"action": "action_recycle", "_selected_action": [item.pk for item in items], "confirm": "1"}
    return client.post(CHANGELIST, {**data, "reason": "Carte mère HS", "weee_category": "", **fields})


def test_the_recycle_form_asks_what_became_of_each_drive_of_each_computer(tech_client):
    desktop = ItemFactory(desktop=True, in_audit=True, asset_tag="PH-000601")
    wiped = DriveFactory(item=desktop, serial_number="S-WIPED")
    ErasureRecordFactory(drive=wiped)
    unwiped = DriveFactory(item=desktop, serial_number="S-UNWIPED")
    laptop = ItemFactory(laptop=True, in_audit=True, asset_tag="PH-000602")
    screen = ItemFactory(in_audit=True)

    page = tech_client.post(
        CHANGELIST, {"action": "action_recycle", "_selected_action": [desktop.pk, laptop.pk, screen.pk], "index": 0}
    ).content.decode()

    assert "Supports de stockage de PH-000601" in page and "Supports de stockage de PH-000602" in page
    assert f'name="fate_{wiped.pk}"' in page and f'name="fate_{unwiped.pk}"' in page
    unwiped_select = page.split(f'name="fate_{unwiped.pk}"', 1)[1].split("</select>", 1)[0]
    assert 'value="erased"' not in unwiped_select  # « effacé » only where an erasure passed
    assert "PH-000602 : j&#x27;ai vérifié, cet ordinateur n&#x27;a aucun support de stockage" in page

    response = _recycle_post(tech_client, [desktop, laptop, screen])  # nothing answered

    assert response.status_code == 200
    html = response.content.decode()
    assert "PH-000601 : dites ce qu&#x27;est devenu ce support." in html
    assert "PH-000602 : aucun support n&#x27;est enregistré." in html
    assert set(Item.objects.values_list("status", flat=True)) == {ItemStatus.IN_AUDIT}


def test_the_recycle_form_records_each_fate_and_recycles(tech_client, technician):
    desktop = ItemFactory(desktop=True, in_audit=True)
    wiped, broken = DriveFactory(item=desktop), DriveFactory(item=desktop)
    ErasureRecordFactory(drive=wiped)
    laptop = ItemFactory(laptop=True, in_audit=True)

    response = _recycle_post(
        tech_client,
        [desktop, laptop],
        **{f"fate_{wiped.pk}": "erased", f"fate_{broken.pk}": "destroyed", f"no_storage_{laptop.pk}": "on"},
    )

    assert response.status_code == 302
    assert {item.status for item in Item.objects.all()} == {ItemStatus.RECYCLED}
    assert dict(Drive.objects.values_list("pk", "fate")) == {
        wiped.pk: DriveFate.ERASED,
        broken.pk: DriveFate.DESTROYED,
    }
    assert ErasureRecord.objects.filter(drive=broken, method=ErasureMethod.DESTROY, technician=technician).exists()
    laptop.refresh_from_db()
    assert laptop.no_storage_confirmed_by == technician


def test_the_item_page_recycle_button_asks_too(tech_client):
    desktop = ItemFactory(desktop=True, in_audit=True, weight_kg=Decimal("6.1"))
    drive = DriveFactory(item=desktop)
    url = reverse("admin:equipment_item_transition", args=[desktop.pk, ItemStatus.RECYCLED])

    refused = tech_client.post(url, {"confirm": "1", "reason": "HS", "weee_category": ""})
    assert refused.status_code == 200 and "dites ce qu&#x27;est devenu ce support" in refused.content.decode()
    done = tech_client.post(
        url, {"confirm": "1", "reason": "HS", "weee_category": "", f"fate_{drive.pk}": "removed_kept"}
    )

    assert done.url == _change_url(desktop)
    desktop.refresh_from_db()
    assert desktop.status == ItemStatus.RECYCLED
    assert "Retiré et conservé (noté le" in tech_client.get(_change_url(desktop)).content.decode()
