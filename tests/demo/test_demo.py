from django.utils import timezone

from beneficiaries.enums import HouseholdStatus
from beneficiaries.filters import EXPIRING_WITHIN_DAYS
from beneficiaries.models import Household
from demo import accounts as accounts_demo
from demo import beneficiaries as demo


def test_demo_households_show_every_situation_and_are_created_once():
    users = accounts_demo.populate()

    demo.populate(users)
    demo.populate(users)

    households = Household.objects.with_status()
    assert households.count() == 12
    assert {h.structure.name for h in households} == {"CCAS de Raismes", "CCAS de Denain"}
    statuses = [h.status for h in households]
    assert statuses.count(HouseholdStatus.EXPIRED) == 1
    expiring = [h for h in households if h.status == HouseholdStatus.ELIGIBLE and h.current_expires_on is not None]
    today = timezone.localdate()
    assert sum((h.current_expires_on - today).days <= EXPIRING_WITHIN_DAYS for h in expiring) >= 3
