"""Reads for the equipment list: its rows as values (the page formats them: equipment.views), and what a search
matches whole."""

from dataclasses import dataclass

from django.db.models import BooleanField, ExpressionWrapper, F, Q, QuerySet

from equipment.models import Item

# A serial number is unique within its category: a text typed matches at most one tag and a few serial numbers.
WHOLE_MATCH_LIMIT = 100

ITEM_LIST_COLUMNS = ("asset_tag", "category", "manufacturer", "model", "serial_number", "status", "received_on")


def item_list_values(items: QuerySet[Item]) -> QuerySet:
    """The equipment list's columns as dicts, the donor's name joined: a page of 50 rows builds no model
    instances (three per row with the donation and its donor), which was most of the rows' cost."""
    return items.values(*ITEM_LIST_COLUMNS, donor_name=F("donation__donor__name"))


@dataclass(frozen=True)
class WholeMatches:
    """Items whose tag or serial number is the text searched (case aside): `tag` and `tag_pk` name the item whose
    tag is that text (a barcode scanner typed it), `pks` every item matched whole."""

    tag: str | None
    tag_pk: int | None
    pks: tuple[int, ...]

    @property
    def scanned_pk(self) -> int | None:
        """The item a scan means: the one with this tag, else the only one with this serial number."""
        if self.tag_pk is not None:
            return self.tag_pk
        return self.pks[0] if len(self.pks) == 1 else None


def whole_matches(text: str) -> WholeMatches:
    """One query through the indexes of the upper-cased tag and serial number (a handful of rows).

    A search's condition is then « model contains the text » or « one of these items » (equipment.filters): as one
    OR of the three tests, every row of a broad search was upper-cased three times, and tags and serial numbers that
    matched nothing took half of its count's time."""
    rows = list(
        Item.objects.filter(Q(asset_tag__iexact=text) | Q(serial_number__iexact=text))
        .annotate(by_tag=ExpressionWrapper(Q(asset_tag__iexact=text), output_field=BooleanField()))
        .order_by()
        .values_list("pk", "asset_tag", "by_tag")[:WHOLE_MATCH_LIMIT]
    )
    tagged = next(((pk, tag) for pk, tag, by_tag in rows if by_tag), (None, None))
    return WholeMatches(tag=tagged[1], tag_pk=tagged[0], pks=tuple(pk for pk, _tag, _by in rows))
