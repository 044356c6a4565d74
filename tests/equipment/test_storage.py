"""The storage rule: a computer leaves the workshop (refurbished, in a pack, handed over, recycled) only with its
storage accounted for — in the services, and in the database whatever writes the rows."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from equipment.enums import DriveFate, ErasureMethod, ErasureResult, ItemCategory, ItemStatus
from equipment.models import Drive, ErasureRecord, Item, StatusChange
from equipment.services import (
    TransitionError,
    item_confirm_no_storage,
    item_recycle,
    item_refurbish,
    item_reserve,
    item_start_audit,
    item_transition,
)
from tests.accounts.factories import UserFactory
from tests.equipment.factories import DriveFactory, ErasureRecordFactory, ItemFactory, legacy_refurbished_computer


def _laptop(**kwargs) -> Item:
    return ItemFactory(laptop=True, in_audit=True, **kwargs)


def _db_refuses(write):
    with pytest.raises(IntegrityError), transaction.atomic():
        write()


# --- Services ----------------------------------------------------------------------------------------------------


def test_a_laptop_without_any_drive_recorded_is_not_refurbished_in_two_clicks():
    laptop = _laptop(asset_tag="PH-000101")

    with pytest.raises(TransitionError, match="aucun support de stockage n'est enregistré") as error:
        item_refurbish(item=laptop)

    assert error.value.messages[0].startswith("PH-000101 : ne peut pas devenir « reconditionné »")
    laptop.refresh_from_db()
    assert laptop.status == ItemStatus.IN_AUDIT
    assert not StatusChange.objects.filter(item=laptop).exists()


def test_no_storage_confirmed_says_who_and_when_and_lets_the_laptop_be_refurbished():
    technician = UserFactory(technician=True, first_name="Inès", last_name="Carlier")
    laptop = _laptop()
    before = timezone.now()

    item_confirm_no_storage(item=laptop, by=technician)
    item_refurbish(item=laptop, by=technician)

    laptop.refresh_from_db()
    assert laptop.status == ItemStatus.REFURBISHED
    assert laptop.no_storage_confirmed_by == technician
    assert before <= laptop.no_storage_confirmed_at <= timezone.now()


def test_no_storage_cannot_be_confirmed_over_drives_recorded_nor_for_a_screen():
    laptop = _laptop()
    DriveFactory(item=laptop)

    with pytest.raises(ValidationError, match="1 support de stockage est enregistré"):
        item_confirm_no_storage(item=laptop)
    with pytest.raises(ValidationError, match="ne concerne que les ordinateurs"):
        item_confirm_no_storage(item=ItemFactory(in_audit=True))

    laptop.refresh_from_db()
    assert laptop.no_storage_confirmed_at is None


def test_no_storage_is_withdrawn_only_while_in_audit():
    laptop = _laptop()
    item_confirm_no_storage(item=laptop)
    item_confirm_no_storage(item=laptop, confirmed=False)
    laptop.refresh_from_db()
    assert laptop.no_storage_confirmed_at is None

    item_confirm_no_storage(item=laptop)
    item_refurbish(item=laptop)
    with pytest.raises(ValidationError, match="ne se retire qu'en audit"):
        item_confirm_no_storage(item=laptop, confirmed=False)


def test_one_wiped_drive_and_one_destroyed_account_for_the_storage():
    desktop = ItemFactory(desktop=True, in_audit=True)
    ErasureRecordFactory(drive=DriveFactory(item=desktop))
    broken = DriveFactory(item=desktop, serial_number="WD-CASSE")
    ErasureRecordFactory(drive=broken, result=ErasureResult.FAILED)

    with pytest.raises(TransitionError, match="en attente : WD-CASSE"):
        item_refurbish(item=desktop)
    ErasureRecordFactory(drive=broken, method=ErasureMethod.DESTROY, result=ErasureResult.FAILED)
    item_refurbish(item=desktop)


def test_screens_keyboards_and_mice_need_no_storage_record():
    for category in (ItemCategory.SCREEN, ItemCategory.KEYBOARD, ItemCategory.MOUSE):
        item = ItemFactory(category=category, in_audit=True)
        assert item_refurbish(item=item).status == ItemStatus.REFURBISHED


# --- Historical import: exempt, until the item comes back to the audit ----------------------------------------


def test_an_imported_refurbished_laptop_is_exempt_until_it_comes_back_to_the_audit():
    laptop = ItemFactory(laptop=True, status=ItemStatus.REFURBISHED, erasure_exempt=True)

    item_reserve(item=laptop)
    item_transition(item=laptop, to_status=ItemStatus.DISTRIBUTED)
    item_transition(item=laptop, to_status=ItemStatus.IN_AUDIT, note="Retour d'un foyer")

    laptop.refresh_from_db()
    assert not laptop.erasure_exempt
    with pytest.raises(TransitionError, match="aucun support de stockage n'est enregistré"):
        item_refurbish(item=laptop)


# --- Legacy: refurbished before the rule, never through the pack nor the handover ----------------------------


@pytest.fixture
def legacy_laptop():
    if connection.vendor != "postgresql":
        pytest.skip("simulated with session_replication_role (PostgreSQL)")
    return legacy_refurbished_computer(asset_tag="PH-LEGACY")


@pytest.mark.postgres
def test_a_legacy_laptop_is_not_reserved_until_audited_again(legacy_laptop):
    with pytest.raises(TransitionError, match="PH-LEGACY : ne peut pas devenir « réservé »"):
        item_reserve(item=legacy_laptop)

    item_transition(item=legacy_laptop, to_status=ItemStatus.IN_AUDIT)
    item_confirm_no_storage(item=legacy_laptop)
    item_refurbish(item=legacy_laptop)
    assert item_reserve(item=legacy_laptop).status == ItemStatus.RESERVED


# --- Recycling: what became of each drive -------------------------------------------------------------------


def _recycle(item, **kwargs):
    return item_recycle(item=item, reason="Carte mère HS", weight_kg=Decimal("2.1"), **kwargs)


def test_recycling_a_computer_asks_what_became_of_each_drive_and_writes_nothing_otherwise():
    desktop = ItemFactory(desktop=True, in_audit=True, asset_tag="PH-000201")
    wiped = DriveFactory(item=desktop, serial_number="S-WIPED")
    ErasureRecordFactory(drive=wiped)
    unwiped = DriveFactory(item=desktop, serial_number="S-UNWIPED")

    with pytest.raises(TransitionError, match="sans réponse : S-UNWIPED"):
        _recycle(desktop, drive_fates={wiped.pk: DriveFate.ERASED})
    with pytest.raises(TransitionError, match="« effacé » demande un effacement réussi enregistré.*S-UNWIPED"):
        _recycle(desktop, drive_fates={wiped.pk: DriveFate.ERASED, unwiped.pk: DriveFate.ERASED})

    desktop.refresh_from_db()
    assert desktop.status == ItemStatus.IN_AUDIT
    assert set(Drive.objects.values_list("fate", flat=True)) == {""}  # nothing half-written


def test_each_fate_is_recorded_with_who_and_when_and_a_destroyed_drive_gets_its_destroy_record():
    technician = UserFactory(technician=True)
    desktop = ItemFactory(desktop=True, in_audit=True)
    wiped, broken, kept = (DriveFactory(item=desktop) for _ in range(3))
    ErasureRecordFactory(drive=wiped)

    _recycle(
        desktop,
        by=technician,
        drive_fates={wiped.pk: DriveFate.ERASED, broken.pk: DriveFate.DESTROYED, kept.pk: DriveFate.REMOVED_KEPT},
    )

    desktop.refresh_from_db()
    assert desktop.status == ItemStatus.RECYCLED
    fates = {drive.pk: (drive.fate, drive.fate_recorded_by) for drive in Drive.objects.all()}
    assert fates == {
        wiped.pk: (DriveFate.ERASED, technician),
        broken.pk: (DriveFate.DESTROYED, technician),
        kept.pk: (DriveFate.REMOVED_KEPT, technician),
    }
    destroy = ErasureRecord.objects.get(drive=broken)
    assert (destroy.method, destroy.result, destroy.technician) == (
        ErasureMethod.DESTROY,
        ErasureResult.PASSED,
        technician,
    )


def test_a_computer_without_drive_recorded_is_recycled_only_once_checked_without_storage():
    laptop = ItemFactory(laptop=True, asset_tag="PH-000301")

    with pytest.raises(TransitionError, match="PH-000301 : aucun support de stockage n'est enregistré"):
        _recycle(laptop)
    _recycle(laptop, no_storage=True)

    laptop.refresh_from_db()
    assert laptop.status == ItemStatus.RECYCLED and laptop.no_storage_confirmed_at is not None


# --- The database: same rule whatever writes the rows ---------------------------------------------------------


def test_database_refuses_a_computer_moved_to_refurbished_without_its_storage_accounted_for():
    laptop = _laptop()

    _db_refuses(lambda: Item.objects.filter(pk=laptop.pk).update(status=ItemStatus.REFURBISHED))

    Item.objects.filter(pk=laptop.pk).update(no_storage_confirmed_at=timezone.now())
    Item.objects.filter(pk=laptop.pk).update(status=ItemStatus.REFURBISHED)
    # « no storage » is part of why it left: not withdrawn behind the service's back
    _db_refuses(lambda: Item.objects.filter(pk=laptop.pk).update(no_storage_confirmed_at=None))


def test_database_refuses_a_computer_with_an_unwiped_drive_moved_to_reserved_or_distributed():
    desktop = ItemFactory(desktop=True, in_audit=True)
    ErasureRecordFactory(drive=DriveFactory(item=desktop), result=ErasureResult.FAILED)

    for status in (ItemStatus.REFURBISHED, ItemStatus.RESERVED, ItemStatus.DISTRIBUTED):
        _db_refuses(lambda status=status: Item.objects.filter(pk=desktop.pk).update(status=status))


def test_database_refuses_a_computer_inserted_past_the_audit_unless_the_import_brings_it():
    def insert(status, **extra):
        recycled = {"weight_kg": 2, "recycling_reason": "HS", "weee_category": "6"} if status == "recycled" else {}
        return Item.objects.create(
            asset_tag=f"PH-{status}-{len(extra)}",
            category=ItemCategory.DESKTOP,
            status=status,
            received_on=timezone.localdate(),
            **recycled,
            **extra,
        )

    for status in (ItemStatus.REFURBISHED, ItemStatus.RESERVED, ItemStatus.DISTRIBUTED, ItemStatus.RECYCLED):
        _db_refuses(lambda status=status: insert(status))
        assert insert(status, erasure_exempt=True).pk


def test_database_grants_the_exemption_only_at_insert_and_ends_it_at_the_audit():
    laptop = _laptop()
    _db_refuses(lambda: Item.objects.filter(pk=laptop.pk).update(erasure_exempt=True))

    imported = ItemFactory(laptop=True, status=ItemStatus.REFURBISHED, erasure_exempt=True)
    _db_refuses(lambda: Item.objects.filter(pk=imported.pk).update(status=ItemStatus.IN_AUDIT))
    Item.objects.filter(pk=imported.pk).update(status=ItemStatus.IN_AUDIT, erasure_exempt=False)


def test_database_refuses_a_drive_added_to_a_refurbished_computer():
    laptop = _laptop()
    item_confirm_no_storage(item=laptop)
    item_refurbish(item=laptop)

    _db_refuses(lambda: Drive.objects.create(item=laptop, serial_number="AJOUT"))
    other = DriveFactory(item=ItemFactory(desktop=True, in_audit=True))
    _db_refuses(lambda: Drive.objects.filter(pk=other.pk).update(item=laptop))


def test_database_refuses_a_computer_recycled_without_each_drive_fate():
    desktop = ItemFactory(desktop=True, in_audit=True, weight_kg=Decimal("6"))
    drive = DriveFactory(item=desktop)
    recycled = {
        "status": ItemStatus.RECYCLED,
        "recycling_reason": "HS",
        "weee_category": "6",
    }

    _db_refuses(lambda: Item.objects.filter(pk=desktop.pk).update(**recycled))
    Drive.objects.filter(pk=drive.pk).update(fate=DriveFate.ERASED, fate_recorded_at=timezone.now())
    _db_refuses(lambda: Item.objects.filter(pk=desktop.pk).update(**recycled))  # « erased » without an erasure
    Drive.objects.filter(pk=drive.pk).update(fate=DriveFate.REMOVED_KEPT)
    Item.objects.filter(pk=desktop.pk).update(**recycled)

    _db_refuses(lambda: Drive.objects.filter(pk=drive.pk).update(fate="", fate_recorded_at=None))
    _db_refuses(lambda: Drive.objects.create(item=desktop, serial_number="OUBLIE"))
    Drive.objects.create(
        item=desktop, serial_number="RETROUVE", fate=DriveFate.REMOVED_KEPT, fate_recorded_at=timezone.now()
    )


def test_the_service_refuses_before_the_database_would():
    """The same computer, through the service: a French message naming it, nothing written (no IntegrityError)."""
    laptop = ItemFactory(laptop=True, asset_tag="PH-000401")
    item_start_audit(item=laptop)

    with pytest.raises(TransitionError, match="PH-000401"):
        item_refurbish(item=laptop)
