"""factory_boy factories for beneficiaries's models (with Traits), used by every app's tests."""

import datetime

import factory

from beneficiaries.models import Certification, Household
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.territory.factories import CommuneFactory


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
                "tests.beneficiaries.factories.CertificationFactory", factory_related_name="household"
            )
        )
        expired = factory.Trait(
            certification=factory.RelatedFactory(
                "tests.beneficiaries.factories.CertificationFactory", factory_related_name="household", expired=True
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
