"""Two people editing the same household from pages opened at the same time: the second is told, the first kept."""

import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from beneficiaries.models import Household
from beneficiaries.services import HouseholdChanged, household_update
from tests.accounts.factories import UserFactory
from tests.beneficiaries.factories import HouseholdFactory


@pytest.fixture
def household(structure_a, prescriber_a):
    return HouseholdFactory(
        structure=structure_a, created_by=prescriber_a, certified=True, last_name="Lemaire", phone="03 27 11 11 11"
    )


def _opened_form(client, household) -> dict:
    """The edit page as it was when opened: its fields, hidden version included, as the browser would post them."""
    html = client.get(reverse("beneficiaries:edit", args=[household.pk])).content.decode()
    version = re.search(r'name="version" value="(\d+)"', html).group(1)
    return {
        "last_name": household.last_name,
        "first_name": household.first_name,
        "birth_date": household.birth_date.isoformat(),
        "address": household.address,
        "commune": household.commune.name,
        "phone": household.phone,
        "size": str(household.size),
        "version": version,
    }


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_second_save_from_a_stale_page_is_refused_and_the_first_change_kept(household, prescriber_a):
    colleague = UserFactory(organisation=prescriber_a.organisation)
    first, second = _client(prescriber_a), _client(colleague)
    url = reverse("beneficiaries:edit", args=[household.pk])
    first_form, second_form = _opened_form(first, household), _opened_form(second, household)

    saved = first.post(url, {**first_form, "phone": "06 11 11 11 11"})
    refused = second.post(url, {**second_form, "address": "9 rue Neuve", "phone": "06 22 22 22 22"})

    assert saved.status_code == 302
    assert refused.status_code == 200
    html = refused.content.decode()
    assert "Quelqu&#x27;un d&#x27;autre a modifié ce foyer" in html
    assert "vos modifications ne sont pas enregistrées" in html
    # What the second person typed is still on the page, beside what was saved meanwhile.
    assert 'value="9 rue Neuve"' in html and 'value="06 22 22 22 22"' in html
    assert "Téléphone (facultatif) : « 06 11 11 11 11 »" in html
    household.refresh_from_db()
    assert (household.phone, household.address, household.version) == ("06 11 11 11 11", first_form["address"], 2)


def test_saving_again_after_seeing_the_other_change_goes_through(household, prescriber_a):
    colleague = UserFactory(organisation=prescriber_a.organisation)
    first, second = _client(prescriber_a), _client(colleague)
    url = reverse("beneficiaries:edit", args=[household.pk])
    first_form, second_form = _opened_form(first, household), _opened_form(second, household)
    first.post(url, {**first_form, "phone": "06 11 11 11 11"})
    refused = second.post(url, {**second_form, "phone": "06 22 22 22 22"})
    # The page now carries the version it was refused against: saving again is a choice made knowing it.
    version = re.search(r'name="version" value="(\d+)"', refused.content.decode()).group(1)

    again = second.post(url, {**second_form, "phone": "06 22 22 22 22", "version": version})

    assert again.status_code == 302
    household.refresh_from_db()
    assert (household.phone, household.version) == ("06 22 22 22 22", 3)


def test_coordination_and_a_prescriber_on_the_same_household(household, prescriber_a, coordinator):
    prescriber, coordination = _client(prescriber_a), _client(coordinator)
    url = reverse("beneficiaries:edit", args=[household.pk])
    coordination_form, prescriber_form = _opened_form(coordination, household), _opened_form(prescriber, household)

    coordination.post(url, {**coordination_form, "size": "4"})
    response = prescriber.post(url, {**prescriber_form, "size": "3"})

    assert "Quelqu&#x27;un d&#x27;autre a modifié ce foyer" in response.content.decode()
    assert Household.objects.get(pk=household.pk).size == 4


def test_a_tampered_version_is_refused_with_a_message(client, household, prescriber_a):
    client.force_login(prescriber_a)
    form = _opened_form(client, household)

    response = client.post(reverse("beneficiaries:edit", args=[household.pk]), {**form, "version": "abc"})

    assert response.status_code == 200
    assert "Cette page est incomplète" in response.content.decode()
    assert Household.objects.get(pk=household.pk).version == 1


def test_the_service_refuses_a_stale_version_and_writes_nothing(household, prescriber_a):
    household_update(household=household, by=prescriber_a, version=1, phone="06 11 11 11 11")

    with pytest.raises(HouseholdChanged):
        household_update(household=household, by=prescriber_a, version=1, phone="06 22 22 22 22")

    household.refresh_from_db()
    assert (household.phone, household.version) == ("06 11 11 11 11", 2)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_saves_from_the_same_version_at_the_same_moment_only_one_wins():
    household = HouseholdFactory(certified=True)
    user = household.created_by

    def save(barrier, phone):
        try:
            connection.ensure_connection()
            barrier.wait(timeout=10)
            household_update(household=household, by=user, version=1, phone=phone)
            return "saved"
        except HouseholdChanged:
            return "refused"
        finally:
            connection.close()

    for _round in range(5):
        Household.objects.filter(pk=household.pk).update(version=1)
        barrier = threading.Barrier(2)
        with ThreadPoolExecutor(max_workers=2) as pool:
            outcomes = list(pool.map(save, [barrier, barrier], ["06 11 11 11 11", "06 22 22 22 22"]))

        assert sorted(outcomes) == ["refused", "saved"]
        saved_phone = ["06 11 11 11 11", "06 22 22 22 22"][outcomes.index("saved")]
        assert Household.objects.values_list("phone", "version").get(pk=household.pk) == (saved_phone, 2)


def test_a_post_without_its_version_is_refused_as_a_stale_page_and_changes_nothing(client, household, prescriber_a):
    """Leaving the version out must not skip the check: it is refused like a stale page, nothing is overwritten."""
    colleague = _client(UserFactory(organisation=prescriber_a.organisation))
    url = reverse("beneficiaries:edit", args=[household.pk])
    colleague.post(url, {**_opened_form(colleague, household), "phone": "06 11 11 11 11"})
    client.force_login(prescriber_a)
    form = _opened_form(client, household)
    del form["version"]

    response = client.post(url, {**form, "phone": "06 22 22 22 22", "address": "9 rue Neuve"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Cette page ne dit pas quelle version du foyer elle modifie" in html
    assert "vos modifications ne sont pas enregistrées" in html
    assert "Téléphone (facultatif) : « 06 11 11 11 11 »" in html  # what was saved, beside what was typed
    household.refresh_from_db()
    assert (household.phone, household.version) == ("06 11 11 11 11", 2)
    # The page now carries the current version: saving again is a decision taken knowing it.
    version = re.search(r'name="version" value="(\d+)"', html).group(1)
    assert version == "2"


def test_the_service_refuses_an_edit_that_does_not_say_its_version(household, prescriber_a):
    with pytest.raises(HouseholdChanged, match="ne dit pas quelle version"):
        household_update(household=household, by=prescriber_a, version=None, phone="06 22 22 22 22")

    household.refresh_from_db()
    assert (household.phone, household.version) == ("03 27 11 11 11", 1)
