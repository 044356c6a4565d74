"""Reads for the equipment list: its rows as values, then as their cells print."""

from collections.abc import Iterable
from urllib.parse import quote

from django.db.models import F, QuerySet

from equipment.enums import ItemCategory, ItemStatus
from equipment.models import Item

ITEM_LIST_COLUMNS = ("asset_tag", "category", "manufacturer", "model", "serial_number", "status", "received_on")


def item_list_values(items: QuerySet[Item]) -> QuerySet:
    """The equipment list's columns as dicts, the donor's name joined: a page of 50 rows builds no model
    instances (three per row with the donation and its donor), which was most of the rows' cost."""
    return items.values(*ITEM_LIST_COLUMNS, donor_name=F("donation__donor__name"))


def item_list_rows(rows: Iterable[dict], *, list_url: str) -> list[dict]:
    """Each row as its cells print: labels for the codes, the date as dd/mm/yyyy, the item's link. Done here
    once rather than by template filters in every cell. Item pages live under the list's URL (one reverse())."""
    categories = dict(ItemCategory.choices)
    statuses = dict(ItemStatus.choices)
    return [
        {
            **row,
            "url": f"{list_url}{quote(row['asset_tag'], safe='')}/",
            "category_label": categories.get(row["category"], row["category"]),
            "status_label": statuses.get(row["status"], row["status"]),
            "received": f"{row['received_on']:%d/%m/%Y}",
            "donor_name": row["donor_name"] or "",
        }
        for row in rows
    ]
