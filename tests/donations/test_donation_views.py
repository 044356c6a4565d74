"""/dons/: the donations list and a donation's page — what they show, and queries that do not grow with rows."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.donations.factories import DonationFactory
from tests.equipment.factories import ItemFactory


@pytest.fixture
def coordination_client(client):
    client.force_login(UserFactory(coordination=True))
    return client


def test_the_list_shows_each_donation_with_its_counted_items(coordination_client):
    donation = DonationFactory(
        reference="DON-2025-001",
        donor__name="Mairie de Denain",
        announced_count=3,
        received_on=datetime.date(2025, 3, 14),
    )
    ItemFactory.create_batch(2, donation=donation)
    DonationFactory(reference="DON-2025-002", announced_count=None)

    html = coordination_client.get(reverse("donations:list")).content.decode()

    row = html.split("DON-2025-001", 1)[1].split("</tr>", 1)[0]
    assert "Mairie de Denain" in row and "14/03/2025" in row
    assert '<td class="text-end">3</td>' in row and '<td class="text-end">2</td>' in row
    assert '<td class="text-end">—</td>' in html.split("DON-2025-002", 1)[1].split("</tr>", 1)[0]


def test_a_donation_page_counts_its_items_by_category_and_status(coordination_client):
    donation = DonationFactory(announced_count=4)
    ItemFactory.create_batch(2, donation=donation)
    ItemFactory(donation=donation, desktop=True, refurbished=True)

    html = coordination_client.get(reverse("donations:detail", args=[donation.pk])).content.decode()

    assert "3 comptés sur 4 annoncés" in html
    assert '<td>screen</td><td>received</td><td class="text-end">2</td>' in html
    assert '<td>desktop</td><td>refurbished</td><td class="text-end">1</td>' in html


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_the_list_reads_the_same_queries_for_one_donation_or_a_page_of_them(
    coordination_client, django_assert_num_queries
):
    ItemFactory(donation=DonationFactory())
    url = reverse("donations:list")
    coordination_client.get(url)  # warm the session
    one = _queries(coordination_client, url)
    for donation in DonationFactory.create_batch(60):
        ItemFactory.create_batch(2, donation=donation)

    with django_assert_num_queries(one):
        coordination_client.get(url, {"page": 2})
    assert one <= 10


def test_a_donation_page_reads_the_same_queries_for_one_item_or_many(coordination_client, django_assert_num_queries):
    few, many = DonationFactory(), DonationFactory()
    ItemFactory(donation=few)
    ItemFactory.create_batch(20, donation=many)
    ItemFactory.create_batch(20, donation=many, desktop=True, refurbished=True)
    coordination_client.get(reverse("donations:detail", args=[few.pk]))  # warm the session
    one = _queries(coordination_client, reverse("donations:detail", args=[few.pk]))

    with django_assert_num_queries(one):
        coordination_client.get(reverse("donations:detail", args=[many.pk]))
    assert one <= 10
