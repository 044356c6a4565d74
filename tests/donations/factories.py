"""factory_boy factories for donations's models (with Traits), used by every app's tests."""

import datetime

import factory

from donations.enums import DonorKind
from donations.models import Donation, Donor
from donations.offers.tokens import tracking_token_digest
from equipment.enums import ItemCategory


class DonorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Donor
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Donateur {n}")
    kind = DonorKind.COMPANY


class DonationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Donation

    reference = factory.Sequence(lambda n: f"DON-{n:05d}")
    donor = factory.SubFactory(DonorFactory)
    received_on = datetime.date(2025, 3, 14)


class DonationOfferFactory(factory.django.DjangoModelFactory):
    """A donor's offer; pass `token="…43 characters…"` to know its tracking link."""

    class Meta:
        model = "donations.DonationOffer"
        skip_postgeneration_save = True

    reference = factory.Sequence(lambda n: f"DON-2026-{n + 9000:04d}")
    organisation_name = factory.Sequence(lambda n: f"Médiathèque {n}")
    donor_kind = DonorKind.PUBLIC_BODY
    contact_name = "Claire Martin"
    email = "claire.martin@example.org"
    phone = "03 27 00 00 00"
    pickup_address = "1 place du Marché"
    pickup_postal_code = "59220"
    pickup_commune = "Denain"
    terms_accepted_at = factory.LazyFunction(lambda: datetime.datetime.now(datetime.UTC))
    tracking_token_hash = factory.LazyAttribute(lambda o: tracking_token_digest(o.token))

    class Params:
        token = factory.Sequence(lambda n: f"{n:043d}")
        accepted = factory.Trait(status="accepted")
        scheduled = factory.Trait(status="scheduled", collection_on=datetime.date(2030, 1, 15))
        declined = factory.Trait(status="declined", decline_reason="Matériel trop ancien")
        collected = factory.Trait(
            status="collected",
            donation=factory.SubFactory(DonationFactory, reference=factory.SelfAttribute("..reference")),
        )

    @factory.post_generation
    def lines(obj, create, extracted, **kwargs):  # noqa: N805
        """`lines={"screen": 3}`; default: 3 screens and 2 desktops."""
        if create:
            for category, quantity in (extracted or {ItemCategory.SCREEN: 3, ItemCategory.DESKTOP: 2}).items():
                obj.lines.create(category=category, quantity=quantity)
