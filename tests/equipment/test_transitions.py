from decimal import Decimal

import pytest

from equipment.enums import ALLOWED_TRANSITIONS, ErasureMethod, ErasureResult, ItemStatus
from equipment.models import StatusChange
from equipment.services import TransitionError, item_recycle, item_transition
from tests.accounts.factories import UserFactory
from tests.equipment.factories import DriveFactory, ErasureRecordFactory, ItemFactory

ALLOWED = [(src, dst) for src, dsts in ALLOWED_TRANSITIONS.items() for dst in sorted(dsts)]
FORBIDDEN = [
    (src, dst) for src in ItemStatus.values for dst in ItemStatus.values if dst not in ALLOWED_TRANSITIONS[src]
]


def _move(item, to_status, by):
    if to_status == ItemStatus.RECYCLED:
        return item_recycle(item=item, reason="Hors d'usage", weight_kg=Decimal("3.5"), by=by)
    return item_transition(item=item, to_status=to_status, by=by, note="test")


@pytest.mark.parametrize(("from_status", "to_status"), ALLOWED, ids=[f"{a}->{b}" for a, b in ALLOWED])
def test_allowed_transition_moves_and_logs(from_status, to_status):
    technician = UserFactory(technician=True)
    item = ItemFactory(status=from_status)

    moved = _move(item, to_status, technician)

    moved.refresh_from_db()
    assert moved.status == to_status
    log = StatusChange.objects.get(item=item)
    assert (log.from_status, log.to_status, log.by) == (from_status, to_status, technician)
    assert log.at is not None


@pytest.mark.parametrize(("from_status", "to_status"), FORBIDDEN, ids=[f"{a}->{b}" for a, b in FORBIDDEN])
def test_forbidden_transition_is_refused_and_changes_nothing(from_status, to_status):
    item = ItemFactory(status=from_status)

    with pytest.raises(TransitionError) as error:
        _move(item, to_status, None)

    assert item.asset_tag in error.value.messages[0]
    item.refresh_from_db()
    assert item.status == from_status
    assert not StatusChange.objects.filter(item=item).exists()


def test_refurbish_refused_until_every_drive_is_cleared():
    item = ItemFactory(desktop=True, in_audit=True)
    wiped = DriveFactory(item=item)
    pending = DriveFactory(item=item, serial_number="PENDING-1")
    ErasureRecordFactory(drive=wiped)
    ErasureRecordFactory(drive=pending, result=ErasureResult.FAILED)

    with pytest.raises(TransitionError, match="PENDING-1"):
        item_transition(item=item, to_status=ItemStatus.REFURBISHED)
    item.refresh_from_db()
    assert item.status == ItemStatus.IN_AUDIT

    ErasureRecordFactory(drive=pending, method=ErasureMethod.DESTROY, result=ErasureResult.FAILED)
    item_transition(item=item, to_status=ItemStatus.REFURBISHED)
    item.refresh_from_db()
    assert item.status == ItemStatus.REFURBISHED


def test_recycle_requires_reason_and_weight():
    item = ItemFactory(weight_kg=None)

    with pytest.raises(TransitionError, match="motif.*poids"):
        item_recycle(item=item, reason="  ")
    item.refresh_from_db()
    assert item.status == ItemStatus.RECEIVED

    item_recycle(item=item, reason="Dalle cassée", weight_kg=Decimal("4.1"))
    item.refresh_from_db()
    assert (item.status, item.weee_category, item.weight_kg) == (ItemStatus.RECYCLED, "2", Decimal("4.10"))
