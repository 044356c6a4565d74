"""A crash in the middle of an import or a handover (an exception injected where the work is half done) leaves the
database exactly as before: counts, statuses and values compared.

Transactional tests: the service's own transaction is the real, outermost one, as in production.
"""

import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps

from beneficiaries.models import Household
from distributions.events.models import Invitation
from distributions.events.services import invitation_check_in, invitation_hand_over
from distributions.packs import services as pack_services
from distributions.packs.models import Pack
from equipment.imports import items_csv
from equipment.imports.csv_rows import HEADER
from equipment.models import AssetTagCounter, Item
from equipment.snapshots import services as snapshot_services
from tests.accounts.factories import UserFactory
from tests.distributions.events.helpers import invitation_with_pack
from tests.equipment.factories import ItemFactory

pytestmark = pytest.mark.django_db(transaction=True)

SNAPSHOT = Path(__file__).resolve().parent.parent / "data" / "snapshots" / "hp_probook_450.json"
TABLES = [
    "equipment.Item",
    "equipment.HistoricalItem",
    "equipment.StatusChange",
    "equipment.Drive",
    "equipment.ErasureRecord",
    "equipment.SnapshotImport",
    "donations.Donor",
    "donations.Donation",
    "distributions.Pack",
    "distributions.HistoricalPack",
    "distributions.PackItem",
    "distributions.Invitation",
    "beneficiaries.PeriodOverride",
]


class InjectedCrash(Exception):
    """The power cut, killed worker or bug the test stands for."""


def _database() -> dict:
    """Every row count that matters, and the values a crash could leave half-changed."""
    return {
        "counts": {label: apps.get_model(label).objects.count() for label in TABLES},
        "counters": list(AssetTagCounter.objects.order_by("prefix").values_list("prefix", "last_number")),
        "items": list(Item.objects.order_by("pk").values()),
        "packs": list(Pack.objects.order_by("pk").values_list("pk", "status", "status_changed_at")),
        "invitations": list(Invitation.objects.order_by("pk").values()),
        "households": list(Household.objects.order_by("pk").values()),
    }


def _crash_on_call(monkeypatch, target, name: str, *, after: int):
    """Replace `target.name` so that its first `after` calls work and the next one crashes."""
    real = getattr(target, name)
    calls = []

    def crashing(*args, **kwargs):
        calls.append(name)
        if len(calls) > after:
            raise InjectedCrash(f"panne simulée pendant {name}")
        return real(*args, **kwargs)

    monkeypatch.setattr(target, name, crashing)
    return calls


def test_a_crash_in_the_middle_of_a_csv_import_writes_nothing(monkeypatch):
    ItemFactory(asset_tag="PH-000001")
    rows = [
        "PH-000050,screen,Dell,P2217H,CN0CRASH1,received,2024-03-15,Médiathèque de Denain,4.2,",
        ",desktop,HP,ProDesk 400 G4,CZCCRASH2,in_audit,2024-03-15,Donateur tout neuf,,",
        ",keyboard,Logitech,K120,,recycled,2024-04-02,Mairie de Raismes,0.55,hors d'usage",
    ]
    content = "\n".join([",".join(HEADER), *rows]).encode()
    before = _database()
    # Items are inserted, then the crash hits while their history and status-log rows are written.
    calls = _crash_on_call(monkeypatch, items_csv, "_history_and_log_write", after=0)

    with pytest.raises(InjectedCrash):
        items_csv.items_import_csv(content=content, filename="crash.csv")

    assert calls == ["_history_and_log_write"]
    assert _database() == before
    # And once the cause is gone, the same file imports whole.
    monkeypatch.undo()
    report = items_csv.items_import_csv(content=content, filename="crash.csv")
    assert report.is_valid and len(report.created) == 3


def test_a_crash_in_the_middle_of_a_snapshot_import_writes_nothing(monkeypatch):
    ItemFactory()
    data = json.loads(SNAPSHOT.read_text())
    before = _database()
    # The item and its drives are written, then the crash hits while the erasure records are.
    calls = _crash_on_call(monkeypatch, snapshot_services, "_erasures_add", after=0)

    with pytest.raises(InjectedCrash):
        snapshot_services.snapshot_import(data=data)

    assert calls == ["_erasures_add"]
    assert _database() == before


def test_a_crash_while_a_snapshot_updates_a_recorded_item_leaves_it_as_it_was(monkeypatch):
    data = json.loads(SNAPSHOT.read_text())
    serial = snapshot_services.snapshots.parse(data).serial_number
    ItemFactory(desktop=True, in_audit=True, serial_number=serial, manufacturer="", model="", cpu="", ram_mb=None)
    before = _database()
    calls = _crash_on_call(monkeypatch, snapshot_services, "_erasures_add", after=0)

    with pytest.raises(InjectedCrash):
        snapshot_services.snapshot_import(data=data)

    assert calls == ["_erasures_add"]  # specs and drives were written when the crash hit
    assert _database() == before


@pytest.mark.parametrize(
    ("target", "name", "after"),
    [
        (pack_services, "item_distribute", 2),  # two items of five distributed, then the crash
        (pack_services, "_set_status", 0),  # every item distributed, the pack not yet marked handed over
    ],
    ids=["au-milieu-des-matériels", "avant-le-pack"],
)
def test_a_crash_in_the_middle_of_a_handover_leaves_everything_as_before(monkeypatch, target, name, after):
    coordinator = UserFactory(coordination=True)
    invitation = invitation_with_pack(coordinator)
    invitation_check_in(invitation=invitation, status="present", by=coordinator)
    before = _database()
    calls = _crash_on_call(monkeypatch, target, name, after=after)

    with pytest.raises(InjectedCrash):
        invitation_hand_over(
            invitation=invitation, by=coordinator, payment_means="cash", price_amount=Decimal("10"), sheet_signed=True
        )

    assert len(calls) == after + 1
    assert _database() == before
    household = Household.objects.get(pk=invitation.household_id)
    assert household.equipped_on is None  # marked equipped first in the handover: undone too
    # The same handover, once the cause is gone, goes through.
    monkeypatch.undo()
    outcome = invitation_hand_over(invitation=invitation, by=coordinator, payment_means="free")
    assert not outcome.already_recorded
    assert set(invitation.pack.items.values_list("status", flat=True)) == {"distributed"}
