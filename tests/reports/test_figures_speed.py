"""What the dashboard does to stay fast keeps its figures: one item query for three tables, numbers formatted once,
markup written in Python (escaped like the template engine would)."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.humanize.templatetags.humanize import intcomma
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import components
from equipment.enums import ItemCategory, ItemStatus
from reports.disclosure import people_count
from reports.selectors import bilan_for_year, equipment_figures
from tests.accounts.factories import OrganisationFactory
from tests.equipment.factories import ItemFactory
from tests.reports.conftest import YEAR, equip


def received(count: int, category, status, *, weight="4.2", weee=""):
    ItemFactory.create_batch(
        count,
        category=category,
        status=status,
        received_on=datetime.date(YEAR, 4, 2),
        donation=None,
        weight_kg=Decimal(weight) if weight else None,
        weee_category=weee or ("2" if status == ItemStatus.RECYCLED else ""),
    )


def test_one_item_query_gives_the_bilan_the_categories_and_the_weee_table():
    received(3, ItemCategory.SCREEN, ItemStatus.RECEIVED)
    received(2, ItemCategory.SCREEN, ItemStatus.DISTRIBUTED)
    received(1, ItemCategory.SCREEN, ItemStatus.DISTRIBUTED, weight=None)
    received(2, ItemCategory.DESKTOP, ItemStatus.IN_AUDIT, weight="6.8")
    received(4, ItemCategory.DESKTOP, ItemStatus.RECYCLED, weight="6.8", weee="5")
    received(1, ItemCategory.LAPTOP, ItemStatus.RECYCLED, weight="2.1", weee="2")
    received(1, ItemCategory.LAPTOP, ItemStatus.RECYCLED, weight="2.1", weee="5")
    ItemFactory(received_on=datetime.date(YEAR - 1, 12, 31), donation=None)  # another year

    with CaptureQueriesContext(connection) as queries:
        figures = equipment_figures(YEAR)

    assert len(queries) == 1
    bilan = bilan_for_year(YEAR)
    del bilan["households_equipped"]
    assert figures.bilan == bilan
    screens, desktops, laptops = figures.by_category
    assert (screens.entrusted, screens.pending_audit, screens.distributed) == (6, 3, 3)
    assert (screens.distributed_kg, screens.distributed_unweighed) == (Decimal("8.4"), 1)
    assert (desktops.entrusted, desktops.pending_audit, desktops.recycled) == (6, 2, 4)
    assert (laptops.entrusted, laptops.recycled) == (2, 2)
    weee = {row.category: (row.items, row.weight_kg) for row in figures.weee}
    assert weee == {"2": (1, Decimal("2.1")), "5": (5, Decimal("29.3"))}


@pytest.mark.parametrize("value", [0, 4, 5, 999, 1000, 12_500, 1_234_567])
def test_numbers_print_as_intcomma_prints_them(value):
    assert components.integer(value) == intcomma(value)
    if value >= 5:
        assert people_count(value).text == intcomma(value)


def test_names_are_escaped_in_the_picker_the_tables_and_the_charts(coordination, raismes):
    structure = OrganisationFactory(name='CCAS <b>"Nord"</b> & Sud')
    equip(6, commune=raismes, structure=structure)

    content = coordination.get(reverse("dashboard:index"), {"annee": YEAR}).content.decode()

    assert "<b>" not in content
    assert "CCAS &lt;b&gt;&quot;Nord&quot;&lt;/b&gt; &amp; Sud</option>" in content
    assert '<th scope="row" class="fw-normal">CCAS &lt;b&gt;&quot;Nord&quot;&lt;/b&gt; &amp; Sud</th>' in content
