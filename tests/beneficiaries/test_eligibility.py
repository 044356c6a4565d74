"""The programme's rules: every criterion, the senior threshold, certification expiry, the programme period."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from beneficiaries.enums import DECLARED_CRITERIA, EligibilityCriterion
from beneficiaries.models import Household, PeriodOverride
from beneficiaries.selectors import active_override_exists, household_is_eligible, household_may_receive_pack
from beneficiaries.services import household_mark_equipped, household_register, period_override_grant
from tests.beneficiaries.factories import HouseholdFactory

TODAY = datetime.date(2026, 3, 2)
BORN_1990 = datetime.date(1990, 4, 12)


def register(prescriber, commune, *, criteria, birth_date=BORN_1990, on=TODAY):
    return household_register(
        structure=prescriber.organisation,
        by=prescriber,
        last_name="Durand",
        first_name="Léa",
        birth_date=birth_date,
        address="12 rue Jean Jaurès",
        commune=commune,
        criteria=criteria,
        proof_seen=True,
        data_notice_given=True,
        on=on,
    )


@pytest.mark.parametrize("criterion", DECLARED_CRITERIA, ids=lambda c: c.value)
def test_each_criterion_alone_makes_a_resident_eligible(prescriber_a, raismes, criterion):
    household = register(prescriber_a, raismes, criteria=[criterion])

    certification = household.certifications.get()
    assert certification.criteria == [criterion]
    assert household_is_eligible(household, on=TODAY)


def test_no_criterion_is_refused_naming_the_rule(prescriber_a, raismes):
    with pytest.raises(ValidationError) as error:
        register(prescriber_a, raismes, criteria=[])

    assert "Aucun critère d'éligibilité" in error.value.message_dict["criteria"][0]
    assert not Household.objects.exists()


def test_senior_cannot_be_ticked_it_follows_from_the_birth_date(prescriber_a, raismes):
    with pytest.raises(ValidationError) as error:
        register(prescriber_a, raismes, criteria=[EligibilityCriterion.SENIOR])

    assert "criteria" in error.value.message_dict


def test_the_day_before_the_60th_birthday_is_not_senior(prescriber_a, raismes):
    with pytest.raises(ValidationError):
        register(prescriber_a, raismes, criteria=[], birth_date=datetime.date(1966, 3, 3), on=TODAY)


def test_the_60th_birthday_is_senior(prescriber_a, raismes):
    household = register(prescriber_a, raismes, criteria=[], birth_date=datetime.date(1966, 3, 2), on=TODAY)

    assert household.certifications.get().criteria == [EligibilityCriterion.SENIOR]


def test_senior_is_recorded_beside_the_ticked_criteria(prescriber_a, raismes):
    household = register(prescriber_a, raismes, criteria=["aah"], birth_date=datetime.date(1950, 1, 1))

    assert household.certifications.get().criteria == [EligibilityCriterion.AAH, EligibilityCriterion.SENIOR]


def test_the_senior_age_is_a_setting(prescriber_a, raismes, settings):
    settings.FILIERE = {**settings.FILIERE, "SENIOR_AGE": 65}

    with pytest.raises(ValidationError):
        register(prescriber_a, raismes, criteria=[], birth_date=datetime.date(1962, 1, 1))
    household = register(prescriber_a, raismes, criteria=[], birth_date=datetime.date(1961, 3, 2))
    assert household.certifications.get().senior


def test_born_on_29_february_turns_60_on_1_march_in_a_common_year(prescriber_a, raismes):
    with pytest.raises(ValidationError):
        register(
            prescriber_a, raismes, criteria=[], birth_date=datetime.date(1968, 2, 29), on=datetime.date(2028, 2, 28)
        )


@pytest.mark.parametrize(
    ("certified_on", "expires_on"),
    [
        (datetime.date(2026, 1, 15), datetime.date(2026, 7, 15)),
        (datetime.date(2025, 8, 31), datetime.date(2026, 2, 28)),  # shorter month: its last day
        (datetime.date(2025, 11, 30), datetime.date(2026, 5, 30)),
    ],
)
def test_a_certification_expires_six_months_later(prescriber_a, raismes, certified_on, expires_on):
    household = register(prescriber_a, raismes, criteria=["rsa"], on=certified_on)

    certification = household.certifications.get()
    assert certification.expires_on == expires_on
    assert household_is_eligible(household, on=expires_on - datetime.timedelta(days=1))
    assert not household_is_eligible(household, on=expires_on)


def test_the_validity_is_a_setting(prescriber_a, raismes, settings):
    settings.FILIERE = {**settings.FILIERE, "CERTIFICATION_VALIDITY_MONTHS": 12}

    household = register(prescriber_a, raismes, criteria=["rsa"])

    assert household.certifications.get().expires_on == datetime.date(2027, 3, 2)


def test_a_household_whose_commune_left_the_territory_is_not_eligible(prescriber_a, raismes):
    household = register(prescriber_a, raismes, criteria=["rsa"])
    raismes.is_active = False
    raismes.save()

    assert not household_is_eligible(Household.objects.get(pk=household.pk), on=TODAY)


# --- Programme period ---------------------------------------------------------------------------------------

EQUIPPED_ON = datetime.date(2025, 6, 14)


def test_one_pack_per_programme_period(coordinator):
    household = HouseholdFactory(certified=True)
    household_mark_equipped(household=household, on=EQUIPPED_ON, by=coordinator)

    assert not household_may_receive_pack(household, on=datetime.date(2028, 6, 13))
    assert household_may_receive_pack(household, on=datetime.date(2028, 6, 14))
    with pytest.raises(ValidationError, match="déjà reçu un pack le 14/06/2025.*à partir du 14/06/2028"):
        household_mark_equipped(household=household, on=datetime.date(2027, 1, 5), by=coordinator)
    household.refresh_from_db()
    assert household.equipped_on == EQUIPPED_ON


def test_the_period_is_a_setting(coordinator, settings):
    settings.FILIERE = {**settings.FILIERE, "PROGRAMME_PERIOD_YEARS": 1}
    household = HouseholdFactory(equipped_on=EQUIPPED_ON)

    assert household_may_receive_pack(household, on=datetime.date(2026, 6, 14))


def test_a_coordination_override_allows_one_more_pack_within_the_period(coordinator):
    household = HouseholdFactory(equipped_on=EQUIPPED_ON)

    period_override_grant(
        household=household, by=coordinator, reason="Matériel volé, plainte déposée", on=datetime.date(2026, 1, 5)
    )
    household_mark_equipped(household=household, on=datetime.date(2026, 2, 1), by=coordinator)

    household.refresh_from_db()
    assert household.equipped_on == datetime.date(2026, 2, 1)
    # The override is used up by that pack.
    assert not household_may_receive_pack(household, on=datetime.date(2026, 3, 1))


@pytest.mark.parametrize(
    ("user_fixture", "reason", "message"),
    [
        ("prescriber_a", "Matériel volé", "Seule la coordination"),
        ("coordinator", "   ", "motif"),
    ],
)
def test_an_override_needs_coordination_and_a_reason(request, user_fixture, reason, message):
    household = HouseholdFactory(equipped_on=EQUIPPED_ON)

    with pytest.raises(ValidationError, match=message):
        period_override_grant(household=household, by=request.getfixturevalue(user_fixture), reason=reason)
    assert not PeriodOverride.objects.exists()


def test_no_override_for_a_household_never_equipped(coordinator):
    with pytest.raises(ValidationError, match="aucun pack"):
        period_override_grant(household=HouseholdFactory(), by=coordinator, reason="Par précaution")


def test_an_override_used_the_day_it_is_granted_allows_exactly_one_pack(coordinator):
    household = HouseholdFactory(equipped_on=EQUIPPED_ON)
    day = datetime.date(2026, 1, 5)
    period_override_grant(household=household, by=coordinator, reason="Sinistre : incendie", on=day)

    household_mark_equipped(household=household, on=day, by=coordinator)

    assert PeriodOverride.objects.get().used_on == day
    with pytest.raises(ValidationError, match="déjà reçu un pack le 05/01/2026"):
        household_mark_equipped(household=household, on=day, by=coordinator)


def test_a_second_override_waits_until_the_first_is_used(coordinator):
    household = HouseholdFactory(equipped_on=EQUIPPED_ON)
    period_override_grant(household=household, by=coordinator, reason="Matériel volé")

    with pytest.raises(ValidationError, match="déjà accordée"):
        period_override_grant(household=household, by=coordinator, reason="Encore")
    assert PeriodOverride.objects.count() == 1


def test_the_override_annotation_agrees_with_the_rule(coordinator):
    household = HouseholdFactory(equipped_on=EQUIPPED_ON)
    period_override_grant(household=household, by=coordinator, reason="Sinistre", on=datetime.date(2026, 1, 5))
    annotated = Household.objects.annotate(active=active_override_exists())
    assert annotated.get(pk=household.pk).active

    household_mark_equipped(household=household, on=datetime.date(2026, 1, 6), by=coordinator)

    assert not annotated.get(pk=household.pk).active
