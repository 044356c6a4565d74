"""Invariants the database keeps whatever writes the row (admin, shell, a bug in a service)."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from beneficiaries.enums import EligibilityCriterion
from beneficiaries.models import Certification
from tests.beneficiaries.factories import CertificationFactory, HouseholdFactory


@pytest.mark.parametrize(
    "values",
    [
        {"rsa": False},  # no criterion at all
        {"proof_seen": False},
        {"data_notice_given": False},
        {"expires_on": datetime.date(2026, 1, 1), "certified_on": datetime.date(2026, 1, 1)},
    ],
    ids=["sans-critère", "justificatif-non-vu", "notice-non-donnée", "expiration-avant-certification"],
)
def test_the_database_refuses_an_incomplete_certification(values):
    household = HouseholdFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        CertificationFactory(household=household, **values)
    assert not Certification.objects.exists()


def test_the_database_refuses_an_empty_household():
    with pytest.raises(IntegrityError), transaction.atomic():
        HouseholdFactory(size=0)


def test_history_is_protected_a_certified_household_and_its_commune_cannot_be_deleted():
    certification = CertificationFactory()

    with pytest.raises(ProtectedError):
        certification.household.delete()
    with pytest.raises(ProtectedError):
        certification.household.commune.delete()


def test_every_criterion_has_its_field_on_certification():
    fields = {field.name: field for field in Certification._meta.get_fields()}
    for criterion in EligibilityCriterion:
        assert fields[criterion.value].verbose_name == criterion.label


def test_matching_keys_follow_the_names():
    household = HouseholdFactory(last_name="Lefèvre-Dœuf", first_name="Jean Marie", address="12, Av. de l'Europe")

    assert household.name_key == "lefevredoeuf|jeanmarie"
    assert household.address_key == "12avenuedeleurope"
