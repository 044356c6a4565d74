import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from distributions.packs.enums import PackStatus
from distributions.packs.models import PackItem, PackTemplate
from distributions.packs.services import (
    pack_add_item,
    pack_create,
    pack_dissolve,
    pack_hand_over,
    pack_is_complete,
    pack_release_items,
    pack_remove_item,
    pack_reserve_items,
)
from equipment.enums import ItemCategory, ItemStatus
from equipment.models import StatusChange
from equipment.services import item_start_audit
from tests.accounts.factories import UserFactory
from tests.distributions.factories import PackFactory, PackTemplateFactory
from tests.equipment.factories import ItemFactory, legacy_refurbished_computer

OFFICE = [ItemCategory.SCREEN, ItemCategory.DESKTOP, ItemCategory.KEYBOARD, ItemCategory.MOUSE, ItemCategory.CABLE]


def _refurbished(category=ItemCategory.SCREEN, **kwargs):
    return ItemFactory(category=category, status=ItemStatus.REFURBISHED, **kwargs)


def _complete_pack(by=None):
    pack = pack_create(by=by)
    for category in OFFICE:
        pack_add_item(pack=pack, item=_refurbished(category), by=by)
    pack.refresh_from_db()
    return pack


def test_default_template_is_the_office_pack():
    template = PackTemplate.objects.default()

    assert template.name == "Pack bureautique"
    assert {line.category: line.quantity for line in template.lines.all()} == dict.fromkeys(OFFICE, 1)
    assert template.summary() == "1 écran, 1 unité centrale, 1 clavier, 1 souris, 1 connectique"


def test_pack_create_numbers_packs_and_uses_the_default_template():
    technician = UserFactory(technician=True)

    first, second = pack_create(by=technician), pack_create(by=technician)

    assert (first.reference, second.reference) == ("PACK-000001", "PACK-000002")
    assert first.template == PackTemplate.objects.default()
    assert (first.status, first.assembled_by) == (PackStatus.ASSEMBLING, technician)


def test_pack_create_refuses_a_template_without_lines():
    empty = PackTemplateFactory(name="Vide", lines={})

    with pytest.raises(ValidationError, match="« Vide » ne prévoit aucun matériel"):
        pack_create(template=empty)


def test_filling_every_line_of_the_template_completes_the_pack():
    technician = UserFactory(technician=True)
    pack = pack_create(by=technician)
    for category in OFFICE[:-1]:
        pack_add_item(pack=pack, item=_refurbished(category), by=technician)
    pack.refresh_from_db()
    assert pack.status == PackStatus.ASSEMBLING
    assert not pack_is_complete(pack)

    pack_item = pack_add_item(pack=pack, item=_refurbished(ItemCategory.CABLE), by=technician)

    pack.refresh_from_db()
    assert pack.status == PackStatus.COMPLETE
    assert pack.completed_at is not None
    assert pack_is_complete(pack)
    assert pack_item.added_by == technician
    assert pack.items.count() == 5
    # Adding to a pack does not touch the status machine: items stay refurbished until allocation.
    assert set(pack.items.values_list("status", flat=True)) == {ItemStatus.REFURBISHED}


def test_a_laptop_template_defined_by_coordination_works_the_same_way():
    laptop_pack = PackTemplateFactory(name="Pack portable", lines={ItemCategory.LAPTOP: 1, ItemCategory.MOUSE: 1})
    pack = pack_create(template=laptop_pack)

    pack_add_item(pack=pack, item=_refurbished(ItemCategory.LAPTOP))
    pack_add_item(pack=pack, item=_refurbished(ItemCategory.MOUSE))

    pack.refresh_from_db()
    assert pack.status == PackStatus.COMPLETE


@pytest.mark.parametrize(
    "status",
    [ItemStatus.RECEIVED, ItemStatus.IN_AUDIT, ItemStatus.RESERVED, ItemStatus.DISTRIBUTED, ItemStatus.RECYCLED],
)
def test_only_refurbished_items_go_in_a_pack(status):
    pack = pack_create()
    item = ItemFactory(status=status, asset_tag="PH-000042")

    with pytest.raises(ValidationError) as error:
        pack_add_item(pack=pack, item=item)

    assert error.value.messages == [
        f"PH-000042 est « {ItemStatus(status).label.lower()} » : seul un matériel reconditionné peut entrer "
        "dans un pack."
    ]
    assert not PackItem.objects.exists()


@pytest.mark.postgres
def test_a_computer_refurbished_before_its_storage_was_accounted_for_waits_for_its_audit():
    laptop_pack = PackTemplateFactory(name="Pack portable", lines={ItemCategory.LAPTOP: 1})
    pack = pack_create(template=laptop_pack)
    legacy = legacy_refurbished_computer(asset_tag="PH-000043")

    with pytest.raises(ValidationError, match="PH-000043 : ne peut pas entrer dans un pack sans preuve"):
        pack_add_item(pack=pack, item=legacy)

    assert not PackItem.objects.exists()
    exempt = ItemFactory(laptop=True, status=ItemStatus.REFURBISHED, erasure_exempt=True)  # the historical import's
    pack_add_item(pack=pack, item=exempt)


def test_a_category_the_template_does_not_want_is_refused():
    pack = pack_create()
    ups = _refurbished(ItemCategory.UPS, asset_tag="PH-000007")

    with pytest.raises(ValidationError) as error:
        pack_add_item(pack=pack, item=ups)

    assert error.value.messages == [
        "PH-000007 est un matériel « onduleur » : le modèle « Pack bureautique » n'en prévoit pas."
    ]


def test_a_full_category_is_refused():
    pack = pack_create()
    pack_add_item(pack=pack, item=_refurbished())
    second_screen = _refurbished(asset_tag="PH-000099")

    with pytest.raises(ValidationError) as error:
        pack_add_item(pack=pack, item=second_screen)

    assert error.value.messages == [f"PH-000099 : le pack {pack.reference} a déjà son compte de « écran » (1 sur 1)."]
    assert pack.pack_items.count() == 1


def test_an_item_in_a_live_pack_cannot_go_in_another_until_that_pack_is_dissolved():
    first, second = pack_create(), pack_create()
    item = _refurbished(asset_tag="PH-000123")
    pack_add_item(pack=first, item=item)

    with pytest.raises(ValidationError, match=f"PH-000123 est déjà dans le pack {first.reference}"):
        pack_add_item(pack=second, item=item)
    with pytest.raises(ValidationError, match="PH-000123 est déjà dans ce pack"):
        pack_add_item(pack=first, item=item)

    pack_dissolve(pack=first)
    pack_add_item(pack=second, item=item)
    assert list(item.pack_items.values_list("pack__reference", "is_live")) == [
        (first.reference, False),
        (second.reference, True),
    ]


def test_scanning_finds_the_item_by_its_tag_ignoring_spaces_and_case():
    pack = pack_create()
    item = _refurbished(asset_tag="PH-000321")

    pack_item = pack_add_item(pack=pack, asset_tag="  ph-000321\n")

    assert pack_item.item == item


@pytest.mark.parametrize(
    ("tag", "message"),
    [("PH-404", "Aucun matériel ne porte l'étiquette « PH-404 »."), ("  ", "Scannez ou saisissez l'étiquette")],
    ids=["unknown", "blank"],
)
def test_scanning_a_bad_tag_says_so(tag, message):
    pack = pack_create()

    with pytest.raises(ValidationError, match=message):
        pack_add_item(pack=pack, asset_tag=tag)


def test_removing_an_item_reopens_a_complete_pack_and_frees_the_item():
    pack = _complete_pack()
    mouse = pack.items.get(category=ItemCategory.MOUSE)

    pack_remove_item(pack=pack, item=mouse)

    pack.refresh_from_db()
    assert (pack.status, pack.completed_at) == (PackStatus.ASSEMBLING, None)
    assert not mouse.pack_items.exists()
    pack_add_item(pack=pack_create(), item=mouse)


def test_removing_an_item_that_is_not_in_the_pack_is_refused():
    pack = pack_create()
    _refurbished(asset_tag="PH-000555")

    with pytest.raises(ValidationError, match=f"PH-000555 n'est pas dans le pack {pack.reference}"):
        pack_remove_item(pack=pack, asset_tag="PH-000555")


def test_reserving_needs_a_complete_pack_and_logs_each_item():
    coordinator = UserFactory(coordination=True)
    pack = pack_create()
    pack_add_item(pack=pack, item=_refurbished())

    with pytest.raises(ValidationError, match="il manque 1 unité centrale, 1 clavier, 1 souris, 1 connectique"):
        pack_reserve_items(pack=pack, by=coordinator)

    pack = _complete_pack()
    pack_reserve_items(pack=pack, by=coordinator)

    pack.refresh_from_db()
    assert pack.status == PackStatus.ALLOCATED
    assert set(pack.items.values_list("status", flat=True)) == {ItemStatus.RESERVED}
    logs = StatusChange.objects.filter(item__in=pack.items.all(), to_status=ItemStatus.RESERVED)
    assert logs.count() == 5
    assert {(log.from_status, log.by, log.note) for log in logs} == {
        (ItemStatus.REFURBISHED, coordinator, f"Pack {pack.reference}")
    }
    with pytest.raises(ValidationError, match="« attribué » : son contenu ne peut plus changer"):
        pack_remove_item(pack=pack, item=pack.items.first())


def test_dissolving_returns_reserved_items_to_refurbished_and_logs_it():
    technician = UserFactory(technician=True)
    pack = _complete_pack()
    pack_reserve_items(pack=pack)

    pack_dissolve(pack=pack, by=technician)

    pack.refresh_from_db()
    assert pack.status == PackStatus.DISSOLVED
    assert set(pack.items.values_list("status", flat=True)) == {ItemStatus.REFURBISHED}
    assert not PackItem.objects.filter(is_live=True).exists()
    logs = StatusChange.objects.filter(from_status=ItemStatus.RESERVED, to_status=ItemStatus.REFURBISHED)
    assert logs.count() == 5
    assert {(log.by, log.note) for log in logs} == {(technician, f"Pack {pack.reference} défait")}
    assert pack.history.first().history_user == technician
    with pytest.raises(ValidationError, match="« défait » : il ne peut plus être défait"):
        pack_dissolve(pack=pack)


def test_dissolving_a_pack_being_assembled_leaves_item_statuses_alone():
    pack = pack_create()
    item = _refurbished()
    pack_add_item(pack=pack, item=item)

    pack_dissolve(pack=pack)

    item.refresh_from_db()
    assert item.status == ItemStatus.REFURBISHED
    assert not StatusChange.objects.filter(item=item).exists()
    with pytest.raises(ValidationError, match="« défait » : son contenu ne peut plus changer"):
        pack_add_item(pack=pack, item=_refurbished(ItemCategory.MOUSE))


def test_release_puts_an_allocated_pack_back_in_stock_whole():
    pack = _complete_pack()
    pack_reserve_items(pack=pack)

    pack_release_items(pack=pack)

    pack.refresh_from_db()
    assert pack.status == PackStatus.COMPLETE
    assert set(pack.items.values_list("status", flat=True)) == {ItemStatus.REFURBISHED}
    assert pack.pack_items.filter(is_live=True).count() == 5


def test_a_handed_over_pack_lets_a_returned_item_join_a_new_pack():
    pack = _complete_pack()
    with pytest.raises(ValidationError, match="seul un pack attribué peut être remis"):
        pack_hand_over(pack=pack)
    pack_reserve_items(pack=pack)

    pack_hand_over(pack=pack)

    pack.refresh_from_db()
    assert pack.status == PackStatus.HANDED_OVER
    assert set(pack.items.values_list("status", flat=True)) == {ItemStatus.DISTRIBUTED}
    screen = pack.items.get(category=ItemCategory.SCREEN)
    item_start_audit(item=screen, note="Rendu par le foyer")
    screen.refresh_from_db()
    screen.status = ItemStatus.REFURBISHED  # audited again (guards tested in equipment)
    screen.save()
    pack_add_item(pack=pack_create(), item=screen)


def test_the_database_refuses_one_item_in_two_live_packs():
    """Bypassing the services: the partial unique index alone refuses the second live row."""
    item = _refurbished()
    first, second, old = PackFactory(), PackFactory(), PackFactory(status=PackStatus.DISSOLVED)
    PackItem.objects.create(pack=old, item=item, is_live=False)
    PackItem.objects.create(pack=first, item=item)

    with pytest.raises(IntegrityError), transaction.atomic():
        PackItem.objects.create(pack=second, item=item)


@pytest.mark.postgres
def test_the_database_refuses_one_item_in_two_live_packs_on_postgresql():
    item = _refurbished()
    first, second = PackFactory(), PackFactory()
    PackItem.objects.create(pack=first, item=item)

    with pytest.raises(IntegrityError, match="packitem_item_in_one_live_pack"), transaction.atomic():
        PackItem.objects.bulk_create([PackItem(pack=second, item=item)])


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_technicians_racing_for_one_item_exactly_one_wins_each_round():
    template = PackTemplateFactory(name="Écran seul", lines={ItemCategory.SCREEN: 1})
    rounds = 20

    def attempt(barrier, pack, item):
        try:
            connection.ensure_connection()  # connect first, so both threads meet at the lock, not at the socket
            barrier.wait(timeout=10)
            pack_add_item(pack=pack, item=item)
            return "gagné"
        except ValidationError as error:
            return error.messages[0]
        finally:
            connection.close()

    for number in range(rounds):
        item = _refurbished(asset_tag=f"RACE-{number:03d}")
        packs = [pack_create(template=template), pack_create(template=template)]
        barrier = threading.Barrier(2)
        with ThreadPoolExecutor(max_workers=2) as pool:
            outcomes = list(pool.map(attempt, [barrier, barrier], packs, [item, item]))

        assert sorted(outcomes)[-1] == "gagné", outcomes
        loser = sorted(outcomes)[0]
        winner_pack = packs[outcomes.index("gagné")]
        assert loser == f"{item.asset_tag} est déjà dans le pack {winner_pack.reference}."
        assert PackItem.objects.filter(item=item, is_live=True).count() == 1
