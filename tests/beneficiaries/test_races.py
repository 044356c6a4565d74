"""Two people acting on one household at the same moment (PostgreSQL row locks)."""

import datetime
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from beneficiaries.models import Household
from beneficiaries.services import household_mark_equipped, period_override_grant
from tests.accounts.factories import UserFactory
from tests.beneficiaries.factories import HouseholdFactory


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_handovers_of_the_same_household_at_once_only_one_pack_counts():
    coordinator = UserFactory(coordination=True)
    rounds = 10

    def attempt(barrier, household, day):
        try:
            connection.ensure_connection()
            barrier.wait(timeout=10)
            household_mark_equipped(household=household, on=day, by=coordinator)
            return "équipé"
        except ValidationError as error:
            return error.messages[0]
        finally:
            connection.close()

    for number in range(rounds):
        household = HouseholdFactory(certified=True, equipped_on=datetime.date(2024, 1, 10))
        # One override: exactly one more pack within the period.
        period_override_grant(household=household, by=coordinator, reason="Matériel volé")
        days = [datetime.date(2025, 3, 1 + number), datetime.date(2025, 3, 2 + number)]
        barrier = threading.Barrier(2)
        with ThreadPoolExecutor(max_workers=2) as pool:
            outcomes = list(pool.map(attempt, [barrier, barrier], [household, household], days))

        assert outcomes.count("équipé") == 1, outcomes
        assert "déjà reçu un pack" in [o for o in outcomes if o != "équipé"][0]
        assert Household.objects.get(pk=household.pk).equipped_on == days[outcomes.index("équipé")]
