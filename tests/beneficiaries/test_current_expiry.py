"""Household.current_expires_on: the latest certification's expiry, kept by the database whatever writes
certifications (services, bulk inserts, updates, deletes), and filled for existing households by migration 0007."""

import datetime
import importlib

from django.apps import apps
from django.db import connection

from beneficiaries.models import Certification, Household
from beneficiaries.retention import household_anonymise
from beneficiaries.services import household_certify, household_register
from tests.beneficiaries.factories import CertificationFactory, HouseholdFactory

TODAY = datetime.date.today()


def _expiry(household) -> datetime.date | None:
    return Household.objects.values_list("current_expires_on", flat=True).get(pk=household.pk)


def _certification(household, certified_on, expires_on) -> Certification:
    return Certification(
        household=household,
        author=household.created_by,
        structure=household.structure,
        certified_on=certified_on,
        expires_on=expires_on,
        rsa=True,
        proof_seen=True,
        data_notice_given=True,
    )


def test_a_household_without_certification_has_no_expiry():
    assert _expiry(HouseholdFactory()) is None


def test_registering_and_renewing_set_the_latest_expiry(prescriber_a, raismes):
    household = household_register(
        structure=prescriber_a.organisation,
        by=prescriber_a,
        last_name="Durand",
        first_name="Léa",
        birth_date=datetime.date(1990, 4, 12),
        address="12 rue Jean Jaurès",
        commune=raismes,
        criteria=["rsa"],
        proof_seen=True,
        data_notice_given=True,
        on=TODAY - datetime.timedelta(days=100),
    )
    first = household.certifications.get()
    assert _expiry(household) == first.expires_on

    renewal = household_certify(
        household=household, by=prescriber_a, criteria=["rsa"], proof_seen=True, data_notice_given=True
    )

    assert renewal.expires_on > first.expires_on
    assert _expiry(household) == renewal.expires_on


def test_the_latest_by_date_wins_not_the_last_written():
    household = HouseholdFactory()
    CertificationFactory(household=household, certified_on=TODAY, expires_on=TODAY + datetime.timedelta(days=180))
    # An older certification typed in afterwards (a paper one recorded late) does not change the expiry.
    CertificationFactory(
        household=household,
        certified_on=TODAY - datetime.timedelta(days=400),
        expires_on=TODAY - datetime.timedelta(days=220),
    )

    assert _expiry(household) == TODAY + datetime.timedelta(days=180)


def test_same_day_certifications_the_later_one_wins():
    household = HouseholdFactory()
    CertificationFactory(household=household, certified_on=TODAY, expires_on=TODAY + datetime.timedelta(days=10))
    CertificationFactory(household=household, certified_on=TODAY, expires_on=TODAY + datetime.timedelta(days=20))

    assert _expiry(household) == TODAY + datetime.timedelta(days=20)


def test_bulk_inserts_updates_and_deletes_keep_it_in_step():
    households = HouseholdFactory.create_batch(3)
    Certification.objects.bulk_create(
        _certification(household, TODAY - datetime.timedelta(days=n), TODAY + datetime.timedelta(days=100 - n))
        for n, household in enumerate(households)
    )
    assert [_expiry(household) for household in households] == [
        TODAY + datetime.timedelta(days=100),
        TODAY + datetime.timedelta(days=99),
        TODAY + datetime.timedelta(days=98),
    ]

    Certification.objects.filter(household=households[0]).update(expires_on=TODAY + datetime.timedelta(days=5))
    assert _expiry(households[0]) == TODAY + datetime.timedelta(days=5)

    # Moving a certification to another household refreshes both.
    moved = Certification.objects.get(household=households[1])
    Certification.objects.filter(pk=moved.pk).update(household=households[2])
    assert _expiry(households[1]) is None
    assert _expiry(households[2]) == TODAY + datetime.timedelta(days=99)

    Certification.objects.filter(household__in=households).delete()
    assert [_expiry(household) for household in households] == [None, None, None]


def test_plain_sql_inserts_are_followed_too():
    """As the bench's COPY or a shell would write them: no model code runs."""
    household = HouseholdFactory()
    model = CertificationFactory(household=HouseholdFactory())
    replaced = {"household_id": "%s", "certified_on": "%s", "expires_on": "%s"}
    columns = [field.column for field in Certification._meta.concrete_fields if not field.primary_key]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO beneficiaries_certification ({', '.join(columns)}) "  # column names from the model
            f"SELECT {', '.join(replaced.get(column, column) for column in columns)} "
            "FROM beneficiaries_certification WHERE id = %s",
            [household.pk, TODAY, TODAY + datetime.timedelta(days=30), model.pk],
        )

    assert _expiry(household) == TODAY + datetime.timedelta(days=30)


def test_anonymisation_erases_certifications_and_the_expiry():
    household = HouseholdFactory(certified=True)

    household_anonymise(household=household, on_request=True)

    assert _expiry(household) is None


def test_saving_an_instance_read_before_a_certification_keeps_the_new_expiry(prescriber_a):
    household = HouseholdFactory(structure=prescriber_a.organisation, created_by=prescriber_a)
    stale = Household.objects.get(pk=household.pk)
    CertificationFactory(household=household)

    stale.phone = "06 00 00 00 00"
    stale.save()

    household.refresh_from_db()
    assert household.phone == "06 00 00 00 00"
    assert household.current_expires_on == TODAY + datetime.timedelta(days=182)


def test_the_migration_fills_it_for_households_already_there():
    certified = HouseholdFactory(certified=True)
    renewed = HouseholdFactory(expired=True)
    CertificationFactory(household=renewed)
    never = HouseholdFactory()
    # As before the column existed (the triggers only watch certifications).
    Household.objects.update(current_expires_on=None)

    migration = importlib.import_module("beneficiaries.migrations.0007_household_current_expiry")
    migration.backfill(apps, None)

    assert _expiry(certified) == TODAY + datetime.timedelta(days=182)
    assert _expiry(renewed) == TODAY + datetime.timedelta(days=182)
    assert _expiry(never) is None
