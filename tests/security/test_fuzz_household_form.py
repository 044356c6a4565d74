"""The household pages fed with junk (hypothesis): never a server error, and a refused form writes nothing."""

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import event, example, given
from hypothesis import strategies as st

from beneficiaries.enums import DECLARED_CRITERIA
from beneficiaries.models import Household
from territory.loader import load_default_territory
from territory.models import Commune, Qpv
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.beneficiaries.factories import HouseholdFactory
from tests.security.fuzz import FUZZ, junk_text, row_counts

TABLES = (
    "beneficiaries.Household",
    "beneficiaries.Certification",
    "beneficiaries.DuplicateConfirmation",
)
VALID = {
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
CRITERIA = [criterion.value for criterion in DECLARED_CRITERIA]

field_value = st.one_of(junk_text(), st.sampled_from(["Raismes", "raismes (59590)", "Denain", "59590", "1985-07-01"]))
checkbox = st.sampled_from(["on", "", "off", "1", "true", "\x00"])
form_data = st.fixed_dictionaries(
    {},
    optional={
        **{name: field_value for name in ("last_name", "first_name", "birth_date", "address", "commune")},
        **{name: field_value for name in ("phone", "email", "size", "note", "duplicate_reason", "version")},
        "criteria": st.lists(st.one_of(st.sampled_from(CRITERIA), junk_text(20)), max_size=4),
        "proof_seen": checkbox,
        "data_notice_given": checkbox,
        "confirm_duplicate": checkbox,
        # Fields the form does not have: they must change nothing.
        "structure": st.integers(min_value=-5, max_value=10**12).map(str),
        "created_by": junk_text(20),
        "anonymised_at": junk_text(20),
        "equipped_on": field_value,
    },
)
partly_valid = st.builds(
    lambda junk, keep: {**{k: v for k, v in VALID.items() if k in keep}, **junk},
    form_data,
    st.sets(st.sampled_from(sorted(VALID))),
)


@pytest.fixture
def prescriber():
    if not Commune.objects.filter(insee_code="59491").exists():
        load_default_territory(commune_model=Commune, qpv_model=Qpv)
    return UserFactory(organisation=OrganisationFactory(name="CCAS de Raismes"))


@FUZZ
@given(data=st.one_of(form_data, partly_valid))
@example(data=VALID)
@example(data={**VALID, "structure": "1", "size": "21"})
def test_registration_never_fails_and_a_refusal_writes_nothing(prescriber, data):
    client = Client()
    client.force_login(prescriber)
    before = row_counts(*TABLES)

    response = client.post(reverse("beneficiaries:create"), data)

    assert response.status_code in (200, 302)
    event(f"HTTP {response.status_code}")
    after = row_counts(*TABLES)
    if response.status_code == 200:
        assert after == before
    else:
        household = Household.objects.latest("pk")
        assert after["beneficiaries.Household"] == before["beneficiaries.Household"] + 1
        assert household.structure_id == prescriber.organisation_id
        assert household.certifications.count() == 1 and 1 <= household.size <= 20


@FUZZ
@given(data=st.one_of(form_data, partly_valid))
def test_editing_never_fails_and_a_refusal_changes_nothing(prescriber, data):
    household = HouseholdFactory(structure=prescriber.organisation, created_by=prescriber, certified=True)
    client = Client()
    client.force_login(prescriber)
    before = Household.objects.values().get(pk=household.pk)

    response = client.post(reverse("beneficiaries:edit", args=[household.pk]), data)

    assert response.status_code in (200, 302)
    event(f"HTTP {response.status_code}")
    after = Household.objects.values().get(pk=household.pk)
    if response.status_code == 200:
        assert after == before
    else:
        assert after["version"] == before["version"] + 1
    assert (after["structure_id"], after["created_by_id"], after["anonymised_at"], after["equipped_on"]) == (
        before["structure_id"],
        before["created_by_id"],
        None,
        None,
    )
