"""Pagination for lists that grow to hundreds of thousands of rows (items, status log, households).

Django's Paginator runs an exact COUNT(*) on every page view and an OFFSET as deep as the page asked: both grow with
the table. `LargeTablePaginator` keeps a list page's cost flat:

- counts exactly up to `exact_limit` rows (COUNT over a LIMIT subquery: it stops there);
- beyond that, an unfiltered list on PostgreSQL shows the planner's estimate (pg_class.reltuples, kept up to date
  by autovacuum's ANALYZE) as « environ N »; a filtered one shows « plus de N » and offers `exact_limit` rows of
  pages (people narrow their filters rather than read page 300);
- a page in the second half is read from the end, in reverse order (OFFSET from the end, then flipped): the last
  page costs what the first does.

The queryset must be ordered on a unique key (the model's ordering ends with "-id" or similar), as for any
pagination.
"""

from functools import cached_property

from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.formats import number_format

DEFAULT_EXACT_LIMIT = 10_000


def _thousands(value: int) -> str:
    return number_format(value, force_grouping=True)


def table_row_estimate(queryset: QuerySet) -> int | None:
    """PostgreSQL's estimate of the rows of the queryset's table; None elsewhere or before the first ANALYZE."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(%s)",
            [connection.ops.quote_name(queryset.model._meta.db_table)],
        )
        row = cursor.fetchone()
    if row is None or row[0] is None or row[0] < 0:
        return None
    return int(row[0])


def is_unfiltered(queryset: QuerySet) -> bool:
    """True when the queryset selects every row of its table (joins of select_related do not drop rows)."""
    query = queryset.query
    return not query.where and not query.distinct and query.combinator is None and not query.is_sliced


class LargeTablePaginator(Paginator):
    """A Paginator whose count and last pages stay cheap on big tables (see the module docstring)."""

    def __init__(
        self, object_list, per_page, orphans=0, allow_empty_first_page=True, *, exact_limit=DEFAULT_EXACT_LIMIT
    ):
        super().__init__(object_list, per_page, orphans, allow_empty_first_page)
        self.exact_limit = exact_limit
        self._count_kind = "exact"

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        if not isinstance(queryset, QuerySet):
            return super().count
        if is_unfiltered(queryset):
            estimate = table_row_estimate(queryset)
            if estimate is not None and estimate > self.exact_limit:
                self._count_kind = "estimate"
                return estimate
        counted = queryset.order_by()[: self.exact_limit + 1].count()
        if counted > self.exact_limit:
            self._count_kind = "capped"
            return self.exact_limit
        return counted

    @property
    def count_is_exact(self) -> bool:
        return self.count is not None and self._count_kind == "exact"

    @property
    def count_is_estimate(self) -> bool:
        """The planner's estimate of an unfiltered big table (« environ N »)."""
        return self.count is not None and self._count_kind == "estimate"

    @property
    def count_is_capped(self) -> bool:
        """More rows than `exact_limit` matched; only that many are paginated (« plus de N »)."""
        return self.count is not None and self._count_kind == "capped"

    @property
    def count_display(self) -> str:
        """The count as people should read it: « 1 234 », « environ 1 000 000 » or « plus de 10 000 »."""
        count = self.count
        if self.count_is_estimate:
            return f"environ {_thousands(count)}"
        if self.count_is_capped:
            return f"plus de {_thousands(count)}"
        return _thousands(count)

    @property
    def exact_limit_display(self) -> str:
        return _thousands(self.exact_limit)

    def page(self, number) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        queryset = self.object_list
        from_the_end = not self.count_is_capped and number > 1 and bottom * 2 > self.count
        if isinstance(queryset, QuerySet) and queryset.ordered and from_the_end:
            # Second half: the same rows read from the end (a short OFFSET on the reversed index), then flipped.
            # With an estimated count the end is the real end; the page boundaries there are approximate.
            # A capped count is not the end: those pages keep the plain OFFSET, bounded by `exact_limit`.
            from_end = self.count - top
            size = top - bottom
            rows = list(queryset.reverse()[from_end : from_end + size])
            rows.reverse()
            return self._get_page(rows, number, self)
        return self._get_page(queryset[bottom:top], number, self)
