"""The duplicate warning: kept, but traced and bounded (beneficiaries/duplicates.py).

Each household shown by the warning is written to the access log (who, when, which household, never what was
typed); one person learns the structure of at most FILIERE["DUPLICATE_MATCHES_PER_DAY"] households of other
structures a day, after which the warning says « another structure » and the log marks those matches for
coordination. A match in one's own structure is named and linked, and not counted.
"""

import datetime
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import time_machine
from django.db import connection
from django.urls import reverse

from beneficiaries.duplicates import duplicate_warning
from beneficiaries.enums import AccessAction
from beneficiaries.models import Household, HouseholdAccessLog
from beneficiaries.selectors import SimilarHousehold
from tests.accounts.factories import UserFactory
from tests.beneficiaries.factories import HouseholdFactory
from tests.beneficiaries.test_views import form_data

CREATE = reverse("beneficiaries:create")
WITHHELD = "Un foyer similaire existe déjà dans une autre structure (la structure n&#x27;est plus nommée"


def _probe(client, index: int, **overrides):
    """A registration typed with someone's name and birth date, stopped at the warning."""
    data = form_data(last_name=f"Sondé{index}", birth_date=f"1980-01-{index + 1:02d}", address=f"{index} rue X")
    return client.post(CREATE, {**data, **overrides}).content.decode()


def _followed_elsewhere(structure, count: int) -> list[Household]:
    return [
        HouseholdFactory(last_name=f"Sondé{index}", first_name="Léa", birth_date=datetime.date(1980, 1, index + 1),
                         structure=structure)
        for index in range(count)
    ]  # fmt: skip


def _log(user, action=None):
    rows = HouseholdAccessLog.objects.filter(user=user, action__in=[AccessAction.DUPLICATE_MATCH,
                                                                    AccessAction.DUPLICATE_WITHHELD])  # fmt: skip
    if action is not None:
        rows = rows.filter(action=action)
    return list(rows.order_by("id").values_list("household_id", flat=True))


def test_each_match_shown_is_written_to_the_access_log_without_what_was_typed(client, prescriber_a, prescriber_b):
    followed = _followed_elsewhere(prescriber_b.organisation, 1)[0]
    client.force_login(prescriber_a)

    html = _probe(client, 0)

    assert "Un foyer similaire existe déjà (CCAS de Denain, inscrit le" in html
    row = HouseholdAccessLog.objects.get(action=AccessAction.DUPLICATE_MATCH)
    assert (row.user, row.structure, row.household) == (prescriber_a, prescriber_a.organisation, followed)
    assert not Household.objects.filter(structure=prescriber_a.organisation).exists()


def test_past_the_days_limit_the_structure_is_no_longer_named_and_coordination_sees_it(
    client, prescriber_a, prescriber_b, coordinator, settings
):
    settings.FILIERE = {**settings.FILIERE, "DUPLICATE_MATCHES_PER_DAY": 3}
    followed = _followed_elsewhere(prescriber_b.organisation, 5)
    client.force_login(prescriber_a)

    pages = [_probe(client, index) for index in range(5)]

    assert all("CCAS de Denain" in page for page in pages[:3])
    assert all("CCAS de Denain" not in page and WITHHELD in page for page in pages[3:])
    assert _log(prescriber_a, AccessAction.DUPLICATE_MATCH) == [household.pk for household in followed[:3]]
    assert _log(prescriber_a, AccessAction.DUPLICATE_WITHHELD) == [household.pk for household in followed[3:]]
    # The same probe again is counted again: asking twice does not bring the name back.
    assert WITHHELD in _probe(client, 0)
    # Coordination reads the marked matches in the access log, filtered by their action.
    client.force_login(coordinator)
    log_page = client.get(
        reverse("admin:beneficiaries_householdaccesslog_changelist"), {"action": AccessAction.DUPLICATE_WITHHELD}
    ).content.decode()
    assert "Doublon possible signalé au-delà de la limite du jour" in log_page
    assert log_page.count(f"n° {followed[3].pk}") >= 1


def test_the_limit_starts_again_the_next_day_in_paris(client, prescriber_a, prescriber_b, settings):
    settings.FILIERE = {**settings.FILIERE, "DUPLICATE_MATCHES_PER_DAY": 1}
    _followed_elsewhere(prescriber_b.organisation, 2)
    late_evening = datetime.datetime(2026, 3, 2, 22, 30, tzinfo=datetime.UTC)  # 23:30 in Paris
    with time_machine.travel(late_evening, tick=False) as clock:
        client.force_login(prescriber_a)
        assert "CCAS de Denain" in _probe(client, 0)
        assert WITHHELD in _probe(client, 1)
        clock.shift(datetime.timedelta(minutes=31))  # 00:01 in Paris, still 2 March in UTC
        client.force_login(prescriber_a)
        assert "CCAS de Denain" in _probe(client, 1)


def test_a_match_in_ones_own_structure_is_linked_and_not_counted(client, prescriber_a, prescriber_b, settings):
    settings.FILIERE = {**settings.FILIERE, "DUPLICATE_MATCHES_PER_DAY": 1}
    own = HouseholdFactory(last_name="Durand", first_name="Léa", birth_date=datetime.date(1990, 4, 12),
                           structure=prescriber_a.organisation)  # fmt: skip
    elsewhere = _followed_elsewhere(prescriber_b.organisation, 1)[0]
    client.force_login(prescriber_a)

    for _ in range(3):
        html = client.post(CREATE, form_data()).content.decode()
        assert "Un foyer similaire existe déjà (dans votre structure, inscrit le" in html
        assert f'href="{own.get_absolute_url()}">Voir sa fiche</a>' in html
    other = _probe(client, 0)

    assert "CCAS de Denain" in other and elsewhere.get_absolute_url() not in other  # no link to another's
    assert _log(prescriber_a) == [own.pk, own.pk, own.pk, elsewhere.pk]


def test_the_edit_page_warns_and_logs_the_same_way(client, prescriber_a, prescriber_b, settings):
    settings.FILIERE = {**settings.FILIERE, "DUPLICATE_MATCHES_PER_DAY": 0}
    elsewhere = _followed_elsewhere(prescriber_b.organisation, 1)[0]
    mine = HouseholdFactory(last_name="Autre", structure=prescriber_a.organisation)
    client.force_login(prescriber_a)

    html = client.post(
        reverse("beneficiaries:edit", args=[mine.pk]),
        {**form_data(last_name="Sondé0", first_name="Léa", birth_date="1980-01-01"), "version": mine.version},
    ).content.decode()

    assert WITHHELD in html and "CCAS de Denain" not in html
    assert _log(prescriber_a, AccessAction.DUPLICATE_WITHHELD) == [elsewhere.pk]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_probes_sent_at_the_same_moment_name_no_more_households_than_the_limit(settings):
    """Eight warnings at once for one person, each about another household, with a limit of 3: three named."""
    settings.FILIERE = {**settings.FILIERE, "DUPLICATE_MATCHES_PER_DAY": 3}
    prober = UserFactory(prescriber=True)
    elsewhere = [HouseholdFactory(last_name=f"Sondé{index}") for index in range(8)]
    today = datetime.date.today()
    similar = [SimilarHousehold(h.pk, h.structure_id, "CCAS", today) for h in elsewhere]
    barrier = threading.Barrier(len(similar))

    def probe(match):
        try:
            connection.ensure_connection()
            barrier.wait(timeout=10)
            return duplicate_warning(user=prober, similar=[match])[0].text
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(similar)) as pool:
        texts = list(pool.map(probe, similar))

    assert sum("(CCAS," in text for text in texts) == 3
    assert len(_log(prober, AccessAction.DUPLICATE_MATCH)) == 3
    assert len(_log(prober, AccessAction.DUPLICATE_WITHHELD)) == 5
