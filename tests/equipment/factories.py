"""factory_boy factories for equipment's models (with Traits), used by every app's tests."""

import datetime
from decimal import Decimal

import factory

from equipment.enums import ErasureMethod, ErasureResult, ItemCategory, ItemStatus
from equipment.models import Drive, ErasureRecord, Item, WeeeShipment
from tests.donations.factories import DonationFactory


class ItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Item

    asset_tag = factory.Sequence(lambda n: f"T-{n:06d}")
    category = ItemCategory.SCREEN
    donation = factory.SubFactory(DonationFactory)
    received_on = factory.SelfAttribute("donation.received_on")
    manufacturer = "Dell"
    model = "P2217H"
    serial_number = factory.Sequence(lambda n: f"SN{n:08d}")
    weight_kg = Decimal("4.2")
    recycling_reason = factory.LazyAttribute(lambda o: "Hors d'usage" if o.status == ItemStatus.RECYCLED else "")
    weee_category = factory.LazyAttribute(lambda o: "2" if o.status == ItemStatus.RECYCLED else "")

    class Params:
        desktop = factory.Trait(category=ItemCategory.DESKTOP, manufacturer="HP", model="ProDesk 400 G4")
        in_audit = factory.Trait(status=ItemStatus.IN_AUDIT)
        refurbished = factory.Trait(status=ItemStatus.REFURBISHED)
        reserved = factory.Trait(status=ItemStatus.RESERVED)
        recycled = factory.Trait(status=ItemStatus.RECYCLED)


class DriveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Drive

    item = factory.SubFactory(ItemFactory, desktop=True)
    kind = "ssd"
    serial_number = factory.Sequence(lambda n: f"DRV{n:08d}")
    size_gb = Decimal("256")


class ErasureRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ErasureRecord

    drive = factory.SubFactory(DriveFactory)
    method = ErasureMethod.PURGE
    tool = "eReuse Workbench"
    result = ErasureResult.PASSED


class WeeeShipmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WeeeShipment

    recycler = "Envie 2E Nord"
    shipped_on = datetime.date(2025, 5, 20)
    slip_number = factory.Sequence(lambda n: f"BSD-{n:05d}")
