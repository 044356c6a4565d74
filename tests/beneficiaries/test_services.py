import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from beneficiaries.enums import EligibilityCriterion, HouseholdStatus
from beneficiaries.models import Certification, DuplicateConfirmation, Household
from beneficiaries.selectors import household_status
from beneficiaries.services import DuplicateSuspected, household_certify, household_register, household_update
from tests.beneficiaries.factories import CertificationFactory, HouseholdFactory

TODAY = datetime.date(2026, 3, 2)


def register(prescriber, commune, **overrides):
    values = {
        "structure": prescriber.organisation,
        "by": prescriber,
        "last_name": "Durand",
        "first_name": "Léa",
        "birth_date": datetime.date(1990, 4, 12),
        "address": "12 rue Jean Jaurès",
        "commune": commune,
        "criteria": [EligibilityCriterion.RSA],
        "proof_seen": True,
        "data_notice_given": True,
        "on": TODAY,
    }
    values.update(overrides)
    return household_register(**values)


def test_registration_creates_the_household_and_its_first_certification(prescriber_a, raismes):
    household = register(prescriber_a, raismes, size=3, phone=" 06 12 34 56 78 ")

    certification = household.certifications.get()
    assert household.structure == prescriber_a.organisation
    assert household.phone == "06 12 34 56 78"
    assert certification.author == prescriber_a
    assert certification.structure == prescriber_a.organisation
    assert certification.certified_on == TODAY
    assert certification.expires_on == datetime.date(2026, 9, 2)
    assert certification.criteria == [EligibilityCriterion.RSA]


@pytest.mark.parametrize(
    ("field", "message"),
    [("proof_seen", "justificatif"), ("data_notice_given", "informé")],
)
def test_registration_without_proof_or_notice_writes_nothing(prescriber_a, raismes, field, message):
    with pytest.raises(ValidationError) as error:
        register(prescriber_a, raismes, **{field: False})

    assert message in " ".join(error.value.message_dict[field])
    assert not Household.objects.exists()
    assert not Certification.objects.exists()


def test_a_coordination_or_partner_account_cannot_register(coordinator, raismes):
    with pytest.raises(ValidationError, match="structure prescriptrice"):
        register(coordinator, raismes)
    assert not Household.objects.exists()


def test_an_inactive_structure_cannot_register(prescriber_a, raismes):
    prescriber_a.organisation.is_active = False
    prescriber_a.organisation.save()

    with pytest.raises(ValidationError, match="désactivée"):
        register(prescriber_a, raismes)


def test_renewing_adds_a_certification_and_leaves_the_old_one_untouched(prescriber_a, raismes):
    household = register(prescriber_a, raismes)
    first = household.certifications.get()

    renewed = household_certify(
        household=household,
        by=prescriber_a,
        criteria=[EligibilityCriterion.AAH],
        proof_seen=True,
        data_notice_given=True,
        on=datetime.date(2026, 8, 20),
    )

    first.refresh_from_db()
    assert household.certifications.count() == 2
    assert (first.rsa, first.aah, first.expires_on) == (True, False, datetime.date(2026, 9, 2))
    assert renewed.criteria == [EligibilityCriterion.AAH]
    assert renewed.expires_on == datetime.date(2027, 2, 20)


def test_another_structure_cannot_certify_a_household(prescriber_a, prescriber_b, raismes):
    household = register(prescriber_a, raismes)

    with pytest.raises(ValidationError, match="pas membre"):
        household_certify(
            household=household, by=prescriber_b, criteria=["rsa"], proof_seen=True, data_notice_given=True
        )
    assert household.certifications.count() == 1


def test_same_name_and_birth_date_in_another_structure_is_shown_before_saving(
    prescriber_a, prescriber_b, raismes, denain
):
    existing = register(prescriber_a, raismes)

    with pytest.raises(DuplicateSuspected) as error:
        register(prescriber_b, denain, last_name="DURAND", first_name="Lea", address="3 place Wilson")

    (similar,) = error.value.similar
    registered_on = timezone.localdate(existing.created_at)
    assert str(similar) == f"un foyer similaire existe déjà (CCAS de Raismes, inscrit le {registered_on:%d/%m/%Y})"
    assert Household.objects.count() == 1


def test_same_address_written_differently_in_the_same_commune_is_a_possible_duplicate(prescriber_a, raismes):
    register(prescriber_a, raismes)

    with pytest.raises(DuplicateSuspected):
        register(prescriber_a, raismes, last_name="Martin", first_name="Paul", address="12, Rue Jean-Jaurès")


def test_same_address_in_another_commune_is_not_a_duplicate(prescriber_a, raismes, denain):
    register(prescriber_a, raismes)

    register(prescriber_a, denain, last_name="Martin", first_name="Paul")

    assert Household.objects.count() == 2


def test_a_duplicate_confirmed_with_a_reason_is_saved_with_the_reason(prescriber_a, prescriber_b, raismes):
    existing = register(prescriber_a, raismes)

    household = register(prescriber_b, raismes, duplicate_reason="Homonyme : autre personne, vérifié.")

    confirmation = DuplicateConfirmation.objects.get(household=household)
    assert confirmation.reason == "Homonyme : autre personne, vérifié."
    assert confirmation.confirmed_by == prescriber_b
    assert list(confirmation.similar_to.all()) == [existing]


def test_a_blank_reason_does_not_confirm_a_duplicate(prescriber_a, raismes):
    register(prescriber_a, raismes)

    with pytest.raises(DuplicateSuspected):
        register(prescriber_a, raismes, duplicate_reason="   ")
    assert Household.objects.count() == 1


def test_editing_into_a_duplicate_asks_for_a_reason(prescriber_a, raismes):
    register(prescriber_a, raismes)
    other = register(prescriber_a, raismes, last_name="Martin", first_name="Paul", address="1 rue Zola")

    with pytest.raises(DuplicateSuspected):
        household_update(
            household=other,
            by=prescriber_a,
            version=other.version,
            last_name="Durand",
            first_name="Léa",
            birth_date=datetime.date(1990, 4, 12),
        )
    other.refresh_from_db()
    assert other.last_name == "Martin"


def test_editing_cannot_move_a_household_to_another_structure(prescriber_a, prescriber_b, raismes):
    household = register(prescriber_a, raismes)

    with pytest.raises(ValidationError, match="non modifiables"):
        household_update(
            household=household, by=prescriber_a, version=household.version, structure=prescriber_b.organisation
        )
    household.refresh_from_db()
    assert household.structure == prescriber_a.organisation


def test_status_follows_the_facts():
    today = datetime.date.today()
    registered = HouseholdFactory()
    eligible = HouseholdFactory(certified=True)
    expired = HouseholdFactory(expired=True)
    equipped = HouseholdFactory(certified=True, equipped=True)

    statuses = dict(Household.objects.with_status(today).values_list("pk", "status"))

    assert statuses == {
        registered.pk: HouseholdStatus.REGISTERED,
        eligible.pk: HouseholdStatus.ELIGIBLE,
        expired.pk: HouseholdStatus.EXPIRED,
        equipped.pk: HouseholdStatus.EQUIPPED,
    }


def test_the_latest_certification_decides_the_status():
    household = HouseholdFactory(expired=True)
    assert household_status(household) == HouseholdStatus.EXPIRED

    CertificationFactory(household=household)

    assert household_status(household) == HouseholdStatus.ELIGIBLE
