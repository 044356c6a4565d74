"""factory_boy factories shared by every app's tests."""

import datetime
from decimal import Decimal

import factory

from accounts.enums import OrganisationKind
from accounts.models import Organisation, User
from beneficiaries.models import Certification, Household
from distributions.packs.models import Pack, PackTemplate, PackTemplateLine
from donations.enums import DonorKind
from donations.models import Donation, Donor
from equipment.enums import ErasureMethod, ErasureResult, ItemCategory, ItemStatus
from equipment.models import Drive, ErasureRecord, Item, WeeeShipment
from territory.models import Commune


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Structure {n}")
    kind = OrganisationKind.STRUCTURE

    class Params:
        coordination = factory.Trait(kind=OrganisationKind.COORDINATION)
        refurbisher = factory.Trait(kind=OrganisationKind.REFURBISHER)
        partner = factory.Trait(kind=OrganisationKind.PARTNER)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Alex"
    last_name = factory.Sequence(lambda n: f"Durand{n}")
    organisation = factory.SubFactory(OrganisationFactory)
    password = factory.PostGenerationMethodCall("set_password", "motdepasse-solide-2026")

    class Params:
        coordination = factory.Trait(
            organisation=factory.SubFactory(OrganisationFactory, coordination=True), is_staff=True
        )
        technician = factory.Trait(
            organisation=factory.SubFactory(OrganisationFactory, refurbisher=True), is_staff=True
        )
        prescriber = factory.Trait(organisation=factory.SubFactory(OrganisationFactory))
        partner = factory.Trait(organisation=factory.SubFactory(OrganisationFactory, partner=True))

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


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


class CommuneFactory(factory.django.DjangoModelFactory):
    """A commune of the territory (the migration loads the real 47; this one is found or created)."""

    class Meta:
        model = Commune
        django_get_or_create = ("insee_code",)

    insee_code = "59491"
    name = "Raismes"
    postal_codes = "59590"

    class Params:
        denain = factory.Trait(insee_code="59172", name="Denain", postal_codes="59220")
        inactive = factory.Trait(insee_code="59999", name="Ancienne-Commune", postal_codes="59999", is_active=False)


class HouseholdFactory(factory.django.DjangoModelFactory):
    """A household registered by a prescriber of its structure (with `certified=True`, a valid certification)."""

    class Meta:
        model = Household
        skip_postgeneration_save = True

    last_name = factory.Sequence(lambda n: f"Lefèvre{n}")
    first_name = "Martine"
    birth_date = datetime.date(1980, 5, 17)
    address = factory.Sequence(lambda n: f"{n} rue Jean Jaurès")
    commune = factory.SubFactory(CommuneFactory)
    size = 2
    structure = factory.SubFactory(OrganisationFactory)
    created_by = factory.SubFactory(UserFactory, organisation=factory.SelfAttribute("..structure"))

    class Params:
        certified = factory.Trait(
            certification=factory.RelatedFactory(
                "tests.factories.CertificationFactory", factory_related_name="household"
            )
        )
        expired = factory.Trait(
            certification=factory.RelatedFactory(
                "tests.factories.CertificationFactory", factory_related_name="household", expired=True
            )
        )
        equipped = factory.Trait(equipped_on=datetime.date(2025, 6, 14))


class CertificationFactory(factory.django.DjangoModelFactory):
    """A certification made today by the household's structure, valid six months; `expired=True` for an old one."""

    class Meta:
        model = Certification

    household = factory.SubFactory(HouseholdFactory)
    author = factory.LazyAttribute(lambda o: o.household.created_by)
    structure = factory.LazyAttribute(lambda o: o.household.structure)
    certified_on = factory.LazyFunction(datetime.date.today)
    expires_on = factory.LazyAttribute(lambda o: o.certified_on + datetime.timedelta(days=182))
    rsa = True
    proof_seen = True
    data_notice_given = True

    class Params:
        expired = factory.Trait(certified_on=datetime.date(2024, 1, 10), expires_on=datetime.date(2024, 7, 10))


class PackTemplateFactory(factory.django.DjangoModelFactory):
    """A pack template; give its lines as `lines={"screen": 1, "mouse": 1}`."""

    class Meta:
        model = PackTemplate
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Pack {n}")

    @factory.post_generation
    def lines(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            lines = {ItemCategory.LAPTOP: 1, ItemCategory.MOUSE: 1} if extracted is None else extracted
            for category, quantity in lines.items():
                PackTemplateLine.objects.create(template=obj, category=category, quantity=quantity)


class PackFactory(factory.django.DjangoModelFactory):
    """An empty pack being assembled (fill it with distributions.packs.services.pack_add_item)."""

    class Meta:
        model = Pack

    reference = factory.Sequence(lambda n: f"PACK-T{n:05d}")
    template = factory.LazyFunction(lambda: PackTemplate.objects.default())


def _offer_token_digest(token: str) -> str:
    from donations.offers.tokens import tracking_token_digest

    return tracking_token_digest(token)


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
    tracking_token_hash = factory.LazyAttribute(lambda o: _offer_token_digest(o.token))

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


class EventFactory(factory.django.DjangoModelFactory):
    """A distribution event programmed in a month, 40 places; `draft=True` for one still being prepared."""

    class Meta:
        model = "distributions.Event"

    title = factory.Sequence(lambda n: f"Remise d'équipements n° {n}")
    date = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=30))
    start_time = datetime.time(16, 0)
    place = "Salle des fêtes, Raismes"
    capacity = 40
    status = "planned"
    created_by = factory.SubFactory(UserFactory, coordination=True)

    class Params:
        draft = factory.Trait(status="draft")


class InvitationFactory(factory.django.DjangoModelFactory):
    """A certified household invited to an event (no pack yet: use distributions.events.services to allocate)."""

    class Meta:
        model = "distributions.Invitation"

    event = factory.SubFactory(EventFactory)
    household = factory.SubFactory(HouseholdFactory, certified=True)
    invited_by = factory.SelfAttribute("event.created_by")


class TOTPDeviceFactory(factory.django.DjangoModelFactory):
    """A confirmed authenticator app (TOTP) of `user`; tests.two_factor.totp_code(device) gives its current code."""

    class Meta:
        model = "otp_totp.TOTPDevice"

    user = factory.SubFactory(UserFactory, coordination=True)
    name = "Application d'authentification"
    confirmed = True
