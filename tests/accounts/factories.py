"""factory_boy factories for accounts's models (with Traits), used by every app's tests."""

import factory

from accounts.enums import OrganisationKind
from accounts.models import Organisation, User


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
