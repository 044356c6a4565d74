"""factory_boy factories for distributions' models (with Traits), used by every app's tests."""

import datetime

import factory
from django.utils import timezone

from distributions.packs.models import Pack, PackTemplate, PackTemplateLine
from equipment.enums import ItemCategory
from tests.accounts.factories import UserFactory
from tests.beneficiaries.factories import HouseholdFactory


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


class EventFactory(factory.django.DjangoModelFactory):
    """A distribution event programmed for today (check-in and handovers are recorded on the event's day), 40 places;
    `draft=True` for one still being prepared, `in_a_month=True` for one still to come."""

    class Meta:
        model = "distributions.Event"

    title = factory.Sequence(lambda n: f"Remise d'équipements n° {n}")
    date = factory.LazyFunction(timezone.localdate)
    start_time = datetime.time(16, 0)
    place = "Salle des fêtes, Raismes"
    capacity = 40
    status = "planned"
    created_by = factory.SubFactory(UserFactory, coordination=True)

    class Params:
        draft = factory.Trait(status="draft")
        in_a_month = factory.Trait(
            date=factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))
        )


class InvitationFactory(factory.django.DjangoModelFactory):
    """A certified household invited to an event (no pack yet: use distributions.events.services to allocate)."""

    class Meta:
        model = "distributions.Invitation"

    event = factory.SubFactory(EventFactory)
    household = factory.SubFactory(HouseholdFactory, certified=True)
    invited_by = factory.SelfAttribute("event.created_by")
