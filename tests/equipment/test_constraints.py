"""What must never happen, refused by the database itself (bypassing services, forms and model validation)."""

import datetime
from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from equipment.enums import ItemCategory, ItemStatus
from equipment.models import Audit, Drive, ErasureRecord, Item, SnapshotImport, StatusChange, WeeeShipment
from equipment.services import weee_shipment_add_items
from tests.equipment.factories import DriveFactory, ItemFactory, WeeeShipmentFactory

pytestmark = pytest.mark.postgres


def _fields(tag, **extra):
    """A valid item's fields: only what a test overrides breaks a rule."""
    return {"asset_tag": tag, "category": ItemCategory.SCREEN, "received_on": datetime.date(2025, 3, 14), **extra}


def _item(**fields):
    return Item(**_fields(fields.pop("asset_tag", "PH-900001"), **fields))


@contextmanager
def _refused():
    """The database raises IntegrityError; the savepoint keeps the connection usable afterwards."""
    with pytest.raises(IntegrityError), transaction.atomic():
        yield


# --- items ---


def test_two_items_cannot_share_an_asset_tag():
    ItemFactory(asset_tag="PH-000001")
    with _refused():
        Item.objects.create(**_fields("PH-000001"))


def test_asset_tags_differing_only_in_case_are_one_tag():
    ItemFactory(asset_tag="PH-000002")
    with _refused():
        Item.objects.create(**_fields("ph-000002"))


def test_an_item_needs_an_asset_tag():
    with _refused():
        Item.objects.create(**_fields(""))


def test_a_serial_number_cannot_appear_twice_in_one_category():
    with _refused():
        Item.objects.bulk_create(
            [_item(asset_tag="PH-1", serial_number="CN123"), _item(asset_tag="PH-2", serial_number="CN123")]
        )


def test_same_serial_in_two_categories_and_blank_serials_are_allowed():
    Item.objects.bulk_create(
        [
            _item(asset_tag="PH-1", serial_number="CN123"),
            _item(asset_tag="PH-2", serial_number="CN123", category=ItemCategory.KEYBOARD),
            _item(asset_tag="PH-3"),
            _item(asset_tag="PH-4"),
        ]
    )
    assert Item.objects.count() == 4


def test_weight_cannot_be_negative():
    item = ItemFactory()
    with _refused():
        Item.objects.filter(pk=item.pk).update(weight_kg=Decimal("-0.5"))


@pytest.mark.parametrize(
    "missing",
    [{"recycling_reason": ""}, {"weee_category": ""}, {"weight_kg": None}],
    ids=["no-reason", "no-weee-category", "no-weight"],
)
def test_a_recycled_item_carries_its_weee_data(missing):
    item = ItemFactory(weight_kg=Decimal("4.2"))
    complete = {"recycling_reason": "Hors d'usage", "weee_category": "2", "weight_kg": Decimal("4.2")}
    with _refused():
        Item.objects.filter(pk=item.pk).update(status=ItemStatus.RECYCLED, **(complete | missing))


def test_only_a_recycled_item_leaves_in_a_weee_shipment():
    item = ItemFactory(refurbished=True)
    shipment = WeeeShipmentFactory()
    with _refused():
        Item.objects.filter(pk=item.pk).update(weee_shipment=shipment)


def test_an_item_is_in_one_weee_shipment_at_most():
    # One nullable foreign key: the schema has no room for a second shipment.
    field = Item._meta.get_field("weee_shipment")
    assert field.many_to_one and not field.many_to_many
    first, second = WeeeShipmentFactory(), WeeeShipmentFactory()
    item = ItemFactory(recycled=True, weee_shipment=first)
    # And the service refuses to move it from one shipment to another.
    with pytest.raises(ValidationError, match=first.slip_number):
        weee_shipment_add_items(shipment=second, items=[item])
    item.refresh_from_db()
    assert item.weee_shipment == first


@pytest.mark.parametrize(
    "update",
    [{"status": "lost"}, {"category": "fridge"}, {"form_factor": "cube"}, {"weee_category": "9"}],
    ids=["status", "category", "form-factor", "weee-category"],
)
def test_unknown_codes_are_refused(update):
    item = ItemFactory()
    with _refused():
        Item.objects.filter(pk=item.pk).update(**update)


# --- status log ---


def test_a_log_row_records_a_move():
    item = ItemFactory()
    with _refused():
        StatusChange.objects.create(
            item=item, from_status=ItemStatus.RECEIVED, to_status=ItemStatus.RECEIVED, at=timezone.now()
        )


def test_a_log_row_names_known_statuses():
    item = ItemFactory()
    with _refused():
        StatusChange.objects.create(item=item, from_status="", to_status="lost", at=timezone.now())


# --- drives, erasures, audits ---


def test_a_drive_serial_appears_once_per_item():
    drive = DriveFactory(serial_number="WD-1")
    with _refused():
        Drive.objects.create(item=drive.item, serial_number="WD-1")


def test_a_drive_size_cannot_be_negative():
    drive = DriveFactory()
    with _refused():
        Drive.objects.filter(pk=drive.pk).update(size_gb=Decimal("-1"))


def test_an_erasure_cannot_finish_before_it_starts():
    start = timezone.now()
    with _refused():
        ErasureRecord.objects.create(
            drive=DriveFactory(),
            method="purge",
            result="passed",
            started_at=start,
            finished_at=start - datetime.timedelta(minutes=5),
        )


def test_an_erasure_names_a_known_method_and_result():
    with _refused():
        ErasureRecord.objects.create(drive=DriveFactory(), method="magnet", result="passed")


def test_an_audit_grade_is_a_b_or_c():
    with _refused():
        Audit.objects.create(item=ItemFactory(), audited_on=datetime.date(2025, 4, 1), grade="Z")


# --- shipments and snapshots ---


def test_two_shipments_cannot_share_a_slip_number():
    WeeeShipmentFactory(slip_number="BSD-1")
    with _refused():
        WeeeShipment.objects.create(recycler="Envie 2E", shipped_on=datetime.date(2025, 5, 1), slip_number="BSD-1")


def test_a_shipment_has_a_slip_number_and_a_recycler():
    with _refused():
        WeeeShipment.objects.create(recycler="", shipped_on=datetime.date(2025, 5, 1), slip_number="BSD-2")


def test_a_snapshot_is_imported_once():
    item = ItemFactory()
    SnapshotImport.objects.create(item=item, uuid="b6b3b0f4", raw={})
    with _refused():
        SnapshotImport.objects.create(item=item, uuid="b6b3b0f4", raw={})
