"""Reads that compute the programme's figures, and the rows of the equipment list."""

from collections.abc import Iterable
from urllib.parse import quote

from django.db.models import Count, F, QuerySet

from beneficiaries.stats import households_equipped_count
from equipment.enums import ItemCategory, ItemStatus
from equipment.models import Item

PENDING_AUDIT = (ItemStatus.RECEIVED, ItemStatus.IN_AUDIT)
REFURBISHED_OR_LATER = (ItemStatus.REFURBISHED, ItemStatus.RESERVED, ItemStatus.DISTRIBUTED)


def bilan_for_year(year: int) -> dict:
    """The yearly bilan as DESIGN.md defines it: items received that year, by current status."""
    rows = Item.objects.received_in(year).values("status", "category").annotate(n=Count("id")).order_by()
    by_status: dict[str, int] = {}
    pending_by_category: dict[str, int] = {}
    for row in rows:
        by_status[row["status"]] = by_status.get(row["status"], 0) + row["n"]
        if row["status"] in PENDING_AUDIT:
            pending_by_category[row["category"]] = pending_by_category.get(row["category"], 0) + row["n"]
    ordered_pending = {
        category: pending_by_category[category] for category in ItemCategory.values if category in pending_by_category
    }
    return {
        "year": year,
        "entrusted": sum(by_status.values()),
        "pending_audit": sum(by_status.get(status, 0) for status in PENDING_AUDIT),
        "pending_audit_by_category": ordered_pending,
        "refurbished": sum(by_status.get(status, 0) for status in REFURBISHED_OR_LATER),
        "recycled": by_status.get(ItemStatus.RECYCLED, 0),
        "distributed": by_status.get(ItemStatus.DISTRIBUTED, 0),
        # Households handed a pack during the year (definition in beneficiaries.stats), whenever their items came in.
        "households_equipped": households_equipped_count(year),
    }


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
