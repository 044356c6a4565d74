"""The access log: who saw or changed which household, when — ids only, append-only, purged after 12 months."""

import datetime
import io

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from beneficiaries.access_log import CHANGE_NOT_LOGGED, access_log_record
from beneficiaries.enums import AccessAction
from beneficiaries.models import Certification, Household, HouseholdAccessLog
from beneficiaries.retention import household_anonymise
from tests.accounts.factories import UserFactory
from tests.beneficiaries.factories import HouseholdFactory

PARIS = datetime.timezone(datetime.timedelta(hours=1))


def _rows():
    return list(
        HouseholdAccessLog.objects.order_by("id").values_list("user_id", "structure_id", "action", "household_id")
    )


@pytest.fixture
def household(structure_a, prescriber_a):
    return HouseholdFactory(
        structure=structure_a,
        created_by=prescriber_a,
        certified=True,
        last_name="Lemaire",
        first_name="Sandrine",
        phone="06 12 34 56 78",
    )


def test_opening_a_household_writes_who_which_structure_what_and_which_household(client, prescriber_a, household):
    client.force_login(prescriber_a)

    client.get(reverse("beneficiaries:detail", args=[household.pk]))

    assert _rows() == [(prescriber_a.pk, prescriber_a.organisation_id, AccessAction.VIEW, household.pk)]
    assert HouseholdAccessLog.objects.get().at is not None


def test_a_log_row_holds_no_name_contact_nor_criterion(client, prescriber_a, household):
    client.force_login(prescriber_a)
    client.get(reverse("beneficiaries:detail", args=[household.pk]))

    values = HouseholdAccessLog.objects.values().get()

    assert set(values) == {"id", "at", "user_id", "structure_id", "action", "household_id"}
    text = " ".join(str(value) for value in values.values()).lower()
    for personal in ["lemaire", "sandrine", "06 12", "rsa", "jaurès"]:
        assert personal not in text


def test_the_list_writes_one_row_without_household_ids(client, prescriber_a, household):
    HouseholdFactory.create_batch(3, structure=household.structure, created_by=prescriber_a)
    client.force_login(prescriber_a)

    client.get(reverse("beneficiaries:list"), {"q": "Lemaire"})

    assert _rows() == [(prescriber_a.pk, prescriber_a.organisation_id, AccessAction.LIST, None)]


def test_every_change_from_the_pages_is_logged_with_its_action(client, prescriber_a, coordinator, household):
    client.force_login(prescriber_a)
    edit = reverse("beneficiaries:edit", args=[household.pk])
    renew = reverse("beneficiaries:renew", args=[household.pk])

    client.get(edit)
    data = {
        "last_name": "Lemaire",
        "first_name": "Sandrine",
        "birth_date": "1980-05-17",
        "address": "3 rue Neuve",
        "commune": "Raismes",
        "size": "3",
        "version": str(household.version),
    }
    assert client.post(edit, data).status_code == 302
    client.get(renew)
    assert client.post(renew, {"criteria": ["aah"], "proof_seen": "on", "data_notice_given": "on"}).status_code == 302

    actions = [row[2] for row in _rows()]
    assert actions == [
        AccessAction.VIEW,  # the edit form shows the data
        AccessAction.UPDATE,
        AccessAction.VIEW,  # the renewal form shows the criteria
        AccessAction.CERTIFY,
    ]
    assert {row[3] for row in _rows()} == {household.pk}


def test_registering_a_household_is_logged(client, prescriber_a):
    client.force_login(prescriber_a)
    data = {
        "last_name": "Durand",
        "first_name": "Léa",
        "birth_date": "1990-04-12",
        "address": "12 rue Jean Jaurès",
        "commune": "Raismes",
        "size": "2",
        "criteria": ["rsa"],
        "proof_seen": "on",
        "data_notice_given": "on",
    }

    client.post(reverse("beneficiaries:create"), data)

    assert _rows() == [
        (prescriber_a.pk, prescriber_a.organisation_id, AccessAction.REGISTER, Household.objects.get().pk)
    ]


def test_a_refused_change_is_not_logged_as_a_change(client, prescriber_a, household):
    client.force_login(prescriber_a)

    client.post(reverse("beneficiaries:edit", args=[household.pk]), {"last_name": ""})

    assert AccessAction.UPDATE not in [row[2] for row in _rows()]


def test_another_structures_household_is_a_404_and_nothing_is_logged(client, prescriber_b, household):
    client.force_login(prescriber_b)

    for name in ["detail", "edit", "renew"]:
        assert client.get(reverse(f"beneficiaries:{name}", args=[household.pk])).status_code == 404

    assert _rows() == []


def test_a_row_cannot_be_changed_by_the_app(client, prescriber_a, household):
    client.force_login(prescriber_a)
    client.get(reverse("beneficiaries:detail", args=[household.pk]))
    entry = HouseholdAccessLog.objects.get()

    entry.action = AccessAction.UPDATE
    with pytest.raises(ValueError, match="ne se modifie pas"):
        entry.save()

    assert HouseholdAccessLog.objects.get().action == AccessAction.VIEW


def test_the_database_refuses_to_update_a_row(client, prescriber_a, household):
    """Even an UPDATE that bypasses the model (shell, SQL) is refused: a trigger on both databases."""
    client.force_login(prescriber_a)
    client.get(reverse("beneficiaries:detail", args=[household.pk]))

    with pytest.raises(DatabaseError, match="ne se modifie pas"), transaction.atomic():
        HouseholdAccessLog.objects.update(household=None, action=AccessAction.LIST)

    assert _rows() == [(prescriber_a.pk, prescriber_a.organisation_id, AccessAction.VIEW, household.pk)]


# --- the admin ---


def test_coordination_reads_the_log_in_the_admin_but_cannot_add_change_or_delete(client, coordinator, household):
    HouseholdAccessLog.objects.create(user=coordinator, action=AccessAction.VIEW, household=household)
    entry = HouseholdAccessLog.objects.get()
    client.force_login(coordinator)

    listing = client.get(reverse("admin:beneficiaries_householdaccesslog_changelist"))
    page = client.get(reverse("admin:beneficiaries_householdaccesslog_change", args=[entry.pk]))
    add = client.get(reverse("admin:beneficiaries_householdaccesslog_add"))
    delete = client.post(reverse("admin:beneficiaries_householdaccesslog_delete", args=[entry.pk]), {"post": "yes"})
    change = client.post(reverse("admin:beneficiaries_householdaccesslog_change", args=[entry.pk]), {"action": "list"})

    assert listing.status_code == 200
    assert f"n° {household.pk}" in listing.content.decode()
    assert "Lefèvre" not in listing.content.decode() and household.last_name not in listing.content.decode()
    assert page.status_code == 200
    assert (add.status_code, delete.status_code, change.status_code) == (403, 403, 403)
    assert _rows() == [(coordinator.pk, None, AccessAction.VIEW, household.pk)]


def test_coordination_finds_a_households_entries_by_its_number(client, coordinator, household):
    other = HouseholdFactory()
    for target in (household, other):
        HouseholdAccessLog.objects.create(user=coordinator, action=AccessAction.VIEW, household=target)
    client.force_login(coordinator)
    url = reverse("admin:beneficiaries_householdaccesslog_changelist")

    found = client.get(url, {"q": str(household.pk)}).content.decode()
    typo = client.get(url, {"q": "Lemaire"})

    assert f"n° {household.pk}" in found and f"n° {other.pk}<" not in found
    assert typo.status_code == 200


def test_technicians_cannot_read_the_log(client):
    client.force_login(UserFactory(technician=True))

    response = client.get(reverse("admin:beneficiaries_householdaccesslog_changelist"))

    assert response.status_code == 403


def test_household_pages_of_the_admin_are_logged_too(client, coordinator, household):
    client.force_login(coordinator)
    certification = household.certifications.get()

    client.get(reverse("admin:beneficiaries_household_changelist"))
    client.get(reverse("admin:beneficiaries_household_change", args=[household.pk]))
    client.get(reverse("admin:beneficiaries_certification_change", args=[certification.pk]))

    assert [(row[2], row[3]) for row in _rows()] == [
        (AccessAction.LIST, None),
        (AccessAction.VIEW, household.pk),
        (AccessAction.VIEW, household.pk),
    ]


# --- purge after 12 months ---


def _entry_at(moment, household, user):
    with time_machine.travel(moment, tick=False):
        HouseholdAccessLog.objects.create(user=user, action=AccessAction.VIEW, household=household)


def test_purge_deletes_rows_older_than_twelve_months_only(household, prescriber_a):
    _entry_at(datetime.datetime(2025, 3, 13, 23, 59, tzinfo=PARIS), household, prescriber_a)  # 12 months + 1 min
    _entry_at(datetime.datetime(2025, 3, 14, 0, 1, tzinfo=PARIS), household, prescriber_a)  # just inside
    _entry_at(datetime.datetime(2026, 1, 5, 10, 0, tzinfo=PARIS), household, prescriber_a)
    out = io.StringIO()

    with time_machine.travel(datetime.datetime(2026, 3, 14, 0, 0, tzinfo=PARIS), tick=False):
        call_command("purge_access_log", stdout=out)

    kept = sorted(entry.at.astimezone(PARIS).date() for entry in HouseholdAccessLog.objects.all())
    assert kept == [datetime.date(2025, 3, 14), datetime.date(2026, 1, 5)]
    assert "1 ligne du journal des accès de plus de 12 mois" in out.getvalue()


def test_purge_dry_run_counts_and_deletes_nothing(household, prescriber_a):
    _entry_at(datetime.datetime(2024, 1, 1, 12, 0, tzinfo=PARIS), household, prescriber_a)
    _entry_at(datetime.datetime(2024, 2, 1, 12, 0, tzinfo=PARIS), household, prescriber_a)
    out = io.StringIO()

    with time_machine.travel(datetime.datetime(2026, 3, 14, 12, 0, tzinfo=PARIS), tick=False):
        call_command("purge_access_log", "--dry-run", stdout=out)

    assert HouseholdAccessLog.objects.count() == 2
    assert "Simulation : 2 lignes" in out.getvalue()


@pytest.mark.postgres  # synchronous_commit is PostgreSQL's
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", ["prescriber_a", "coordinator"])
def test_showing_the_list_costs_the_log_one_insert_and_nothing_more(client, request, role):
    """As in production (no transaction around the page): one statement, which does not wait for the disk flush,
    and leaves the connection's durability setting as it was."""
    user = request.getfixturevalue(role)
    HouseholdFactory.create_batch(3, structure=request.getfixturevalue("structure_a"), certified=True)
    client.force_login(user)
    client.get(reverse("beneficiaries:list"))  # warm: the session's periodic refresh is not the page's

    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("beneficiaries:list"), {"status": "eligible"})

    touching = [query["sql"] for query in captured.captured_queries if "householdaccesslog" in query["sql"]]
    assert len(touching) == 1 and "INSERT INTO beneficiaries_householdaccesslog" in touching[0]
    assert _rows()[-1] == (user.pk, user.organisation_id, AccessAction.LIST, None)
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone() == ("on",)


@pytest.mark.postgres  # synchronous_commit is PostgreSQL's
@pytest.mark.django_db(transaction=True)
def test_a_change_and_its_log_row_commit_together_as_usual(prescriber_a, household):
    """Only displays skip the wait for the disk: the row of a change is part of the change's transaction."""
    with transaction.atomic():
        access_log_record(user=prescriber_a, action=AccessAction.UPDATE, household=household)
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            assert cursor.fetchone() == ("on",)
        transaction.set_rollback(True)
    access_log_record(user=prescriber_a, action=AccessAction.VIEW, household=household)

    assert _rows() == [(prescriber_a.pk, prescriber_a.organisation_id, AccessAction.VIEW, household.pk)]


# --- a change and its row commit together, or neither does ---


@pytest.fixture
def log_writes_fail():
    """The database refuses every new access-log row (a full disk, a lost privilege, a broken table would do
    the same): a trigger raising on INSERT, made inside the test's transaction and undone with it."""
    table = HouseholdAccessLog._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION test_refuse_log_row() RETURNS trigger LANGUAGE plpgsql AS "
                "$$ BEGIN RAISE EXCEPTION 'could not extend file: No space left on device'; END $$"
            )
            cursor.execute(
                f"CREATE TRIGGER test_refuse_log_row BEFORE INSERT ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION test_refuse_log_row()"
            )
        else:
            cursor.execute(
                f"CREATE TRIGGER test_refuse_log_row BEFORE INSERT ON {table} "
                "BEGIN SELECT RAISE(ABORT, 'could not extend file: No space left on device'); END"
            )


def _household_state(household) -> tuple:
    household.refresh_from_db()
    return (
        household.address,
        household.version,
        household.certifications.count(),
        household.period_overrides.count(),
        household.anonymised_at,
    )


def _refused(response) -> None:
    assert response.status_code == 200
    page = response.content.decode()
    assert "Le journal des accès n&#x27;a pas pu être écrit, alors rien n&#x27;a été enregistré" in page
    assert "No space left" not in page


def test_a_registration_whose_log_row_fails_saves_nothing_and_says_so(client, prescriber_a, log_writes_fail):
    client.force_login(prescriber_a)
    data = {
        "last_name": "Durand",
        "first_name": "Léa",
        "birth_date": "1990-04-12",
        "address": "12 rue Jean Jaurès",
        "commune": "Raismes",
        "size": "2",
        "criteria": ["rsa"],
        "proof_seen": "on",
        "data_notice_given": "on",
    }

    response = client.post(reverse("beneficiaries:create"), data)

    _refused(response)
    assert "Durand" in response.content.decode()  # what was typed stays on the page
    assert not Household.objects.exists() and not Certification.objects.exists()


def test_an_edit_whose_log_row_fails_saves_nothing(client, prescriber_a, household, log_writes_fail):
    before = _household_state(household)
    client.force_login(prescriber_a)
    data = {
        "last_name": "Lemaire",
        "first_name": "Sandrine",
        "birth_date": household.birth_date.isoformat(),
        "address": "3 rue Neuve",
        "commune": household.commune.name,
        "size": "3",
        "version": str(household.version),
    }

    _refused(client.post(reverse("beneficiaries:edit", args=[household.pk]), data))

    assert _household_state(household) == before


def test_a_certification_whose_log_row_fails_saves_nothing(client, prescriber_a, household, log_writes_fail):
    before = _household_state(household)
    client.force_login(prescriber_a)
    form = {"criteria": ["aah"], "proof_seen": "on", "data_notice_given": "on"}

    _refused(client.post(reverse("beneficiaries:renew", args=[household.pk]), form))

    assert _household_state(household) == before


def test_an_override_whose_log_row_fails_saves_nothing(client, coordinator, log_writes_fail):
    household = HouseholdFactory(equipped_on=timezone.localdate() - datetime.timedelta(days=30))
    before = _household_state(household)
    client.force_login(coordinator)

    response = client.post(reverse("beneficiaries:override", args=[household.pk]), {"reason": "Matériel volé"})

    assert response.status_code == 302
    shown = [str(message) for message in get_messages(response.wsgi_request)]
    assert shown == [CHANGE_NOT_LOGGED]
    assert _household_state(household) == before


def test_an_anonymisation_whose_log_row_fails_leaves_the_household_as_it_was(household, log_writes_fail):
    before = _household_state(household)

    with pytest.raises(ValidationError, match="journal des accès"):
        household_anonymise(household=household, on_request=True)

    assert _household_state(household) == before and household.last_name == "Lemaire"
