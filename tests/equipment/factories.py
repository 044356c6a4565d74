"""factory_boy factories for equipment's models (with Traits), used by every app's tests."""

import datetime
from decimal import Decimal

import factory
from django.db import connection
from django.utils import timezone

from equipment.enums import COMPUTER_CATEGORIES, DriveFate, ErasureMethod, ErasureResult, ItemCategory, ItemStatus
from equipment.models import Drive, ErasureRecord, Item, WeeeShipment
from tests.donations.factories import DonationFactory

PRE_AUDIT = (ItemStatus.RECEIVED, ItemStatus.IN_AUDIT)


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
        laptop = factory.Trait(category=ItemCategory.LAPTOP, manufacturer="Lenovo", model="ThinkPad T480")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        """A computer past the audit is saved in audit first, checked « aucun support de stockage », then moved:
        the database refuses a computer inserted straight as refurbished (only the historical import may)."""
        status = kwargs.get("status", ItemStatus.RECEIVED)
        category = kwargs.get("category", ItemCategory.SCREEN)
        if category not in COMPUTER_CATEGORIES or status in PRE_AUDIT or kwargs.get("erasure_exempt"):
            return super()._create(model_class, *args, **kwargs)
        kwargs.setdefault("no_storage_confirmed_at", timezone.now())
        shipment = kwargs.pop("weee_shipment", None)
        item = super()._create(model_class, *args, **{**kwargs, "status": ItemStatus.IN_AUDIT})
        model_class.objects.filter(pk=item.pk).update(status=status, weee_shipment=shipment)
        item.status, item.weee_shipment = status, shipment
        return item


class DriveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Drive

    item = factory.SubFactory(ItemFactory, desktop=True)
    kind = "ssd"
    serial_number = factory.Sequence(lambda n: f"DRV{n:08d}")
    size_gb = Decimal("256")

    class Params:
        # Taken out of a computer before it went to recycling, and kept by the workshop.
        removed_kept = factory.Trait(fate=DriveFate.REMOVED_KEPT, fate_recorded_at=factory.LazyFunction(timezone.now))


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


def legacy_refurbished_computer(**kwargs) -> Item:
    """A computer refurbished before the storage rule existed, with no storage record (PostgreSQL only: the rows
    are written with triggers off, as older databases hold them)."""
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        try:
            item = ItemFactory.build(laptop=True, status=ItemStatus.REFURBISHED, **kwargs)
            item.donation.donor.save()
            item.donation.save()
            item.donation_id = item.donation.pk
            item.save()
        finally:
            cursor.execute("SET session_replication_role = DEFAULT")
    return item
