"""A household's status is computed three ways that must agree: the SQL annotation (with_status, the household page),
the filter condition (household_status_condition, the list's status filter, index-friendly) and the list rows
(household_list_rows, worked out in Python for one page)."""

import datetime

import pytest

from beneficiaries.enums import HouseholdStatus
from beneficiaries.models import Household
from beneficiaries.selectors import household_list_rows, household_list_values
from beneficiaries.status import household_status_condition
from tests.beneficiaries.factories import CertificationFactory, HouseholdFactory
from tests.distributions.factories import InvitationFactory

TODAY = datetime.date.today()
LAST_YEAR = TODAY - datetime.timedelta(days=300)


@pytest.fixture
def households() -> dict[str, tuple[Household, HouseholdStatus]]:
    """One household per situation, with the status it must have today."""

    def invited(status, **household):
        return InvitationFactory(household=HouseholdFactory(**household), status=status).household

    expiring_today = HouseholdFactory()
    CertificationFactory(household=expiring_today, certified_on=TODAY - datetime.timedelta(days=182), expires_on=TODAY)
    return {
        "registered": (HouseholdFactory(), HouseholdStatus.REGISTERED),
        "eligible": (HouseholdFactory(certified=True), HouseholdStatus.ELIGIBLE),
        "expired": (HouseholdFactory(expired=True), HouseholdStatus.EXPIRED),
        "expiring today": (expiring_today, HouseholdStatus.EXPIRED),
        "invited": (invited("invited", certified=True), HouseholdStatus.INVITED),
        "confirmed": (invited("confirmed", certified=True), HouseholdStatus.INVITED),
        "invited, certification expired since": (invited("invited", expired=True), HouseholdStatus.INVITED),
        "absent": (invited("absent", certified=True), HouseholdStatus.ELIGIBLE),
        "withdrawn, expired": (invited("withdrawn", expired=True), HouseholdStatus.EXPIRED),
        "equipped": (HouseholdFactory(certified=True, equipped_on=LAST_YEAR), HouseholdStatus.EQUIPPED),
        "equipped, invited again": (
            invited("invited", certified=True, equipped_on=LAST_YEAR),
            HouseholdStatus.EQUIPPED,
        ),
    }


def test_the_annotation_gives_each_situation_its_status(households):
    statuses = dict(Household.objects.with_status().values_list("pk", "status"))

    assert {name: statuses[household.pk] for name, (household, _) in households.items()} == {
        name: expected for name, (_, expected) in households.items()
    }


@pytest.mark.parametrize("status", HouseholdStatus.values)
def test_the_filter_condition_selects_the_households_the_annotation_names(households, status):
    by_condition = set(Household.objects.filter(household_status_condition(status)).values_list("pk", flat=True))
    by_annotation = set(Household.objects.with_status().filter(status=status).values_list("pk", flat=True))

    assert by_condition == by_annotation
    assert by_condition == {household.pk for household, expected in households.values() if expected == status}


def test_the_list_rows_show_the_same_status(households):
    rows = household_list_rows(household_list_values(Household.objects.all()))

    assert {row["pk"]: row["status"] for row in rows} == dict(
        Household.objects.with_status().values_list("pk", "status")
    )


def test_on_another_day_the_three_agree_too(households):
    later = TODAY + datetime.timedelta(days=200)
    annotated = dict(Household.objects.with_status(later).values_list("pk", "status"))
    rows = household_list_rows(household_list_values(Household.objects.all()), today=later)

    assert annotated[households["eligible"][0].pk] == HouseholdStatus.EXPIRED
    assert {row["pk"]: row["status"] for row in rows} == annotated
    for status in HouseholdStatus.values:
        matching = Household.objects.filter(household_status_condition(status, later)).values_list("pk", flat=True)
        assert set(matching) == {pk for pk, value in annotated.items() if value == status}


def test_an_unknown_status_is_refused():
    with pytest.raises(ValueError, match="Statut inconnu"):
        household_status_condition("lost")
