"""Big-table pagination: the count people read, and pages read from the end that match a plain Paginator."""

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.urls import reverse

from core.pagination import LargeTablePaginator
from equipment.models import Item
from tests.accounts.factories import UserFactory
from tests.donations.factories import DonationFactory
from tests.equipment.factories import ItemFactory


@pytest.fixture
def items():
    donation = DonationFactory()
    return ItemFactory.create_batch(23, donation=donation)


def test_every_page_holds_the_same_items_as_django_paginator(items):
    queryset = Item.objects.order_by("-received_on", "-id")
    plain, large = Paginator(queryset, 5), LargeTablePaginator(queryset, 5)
    assert large.count == plain.count == 23 and large.count_display == "23"
    for number in plain.page_range:
        assert [item.pk for item in large.page(number)] == [item.pk for item in plain.page(number)]


def test_a_count_past_the_limit_is_capped_and_said_so(items):
    queryset = Item.objects.filter(category="screen").order_by("-received_on", "-id")
    paginator = LargeTablePaginator(queryset, 5, exact_limit=10)
    assert paginator.count == 10 and paginator.count_is_capped
    assert paginator.count_display == "plus de 10"
    assert paginator.num_pages == 2
    # Capped pages are the first rows of the list, never rows picked from its end.
    assert [item.pk for item in paginator.page(2)] == [item.pk for item in queryset[5:10]]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)  # ANALYZE counts committed rows
def test_an_unfiltered_big_table_shows_the_planner_estimate(items):
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE equipment_item")
    queryset = Item.objects.order_by("-received_on", "-id")
    paginator = LargeTablePaginator(queryset, 5, exact_limit=10)
    assert paginator.count_is_estimate and paginator.count_display.startswith("environ ")
    last = paginator.page(paginator.num_pages)
    assert list(last)[-1] == queryset.last()


def test_item_list_says_how_many_and_links_the_last_page(client, items):
    client.force_login(UserFactory(technician=True))
    response = client.get(reverse("equipment:list"))
    assert "23 matériels" in response.content.decode()
    assert "Dernière" not in response.content.decode()  # one page of 50: no pagination at all
    assert f'href="{items[0].get_absolute_url()}"' in response.content.decode()
    page = client.get(reverse("equipment:list"), {"page": "1", "category": "screen"})
    assert page.status_code == 200
