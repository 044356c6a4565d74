"""The small-count rule: no figure about people that leaves the programme shows a number below 5.

Every count of people (households, by commune, by structure, by criterion) goes through this module, whatever
shows it. Figures that leave the programme are protected: the public page, the dashboard's CSV files (made to be
published), the prescribers' dashboard (their structure's own report). Coordination, inside the programme, reads
exact counts on its dashboard page (`exact_count`, `exact_table`), marked as not to be published.

1. A count below 5 (0 to 4) is shown « < 5 » (`people_count`).
2. Differencing. A table shown with its total (households by commune, by structure) would let anyone subtract the
   shown cells from the total and get the sum S of the hidden ones. Hidden cells are then chosen so that this sum
   says nothing more than « < 5 » already does: every cell shown « < 5 » can still be anything from 1 to 4
   (`_sum_reveals_nothing`). When it could not, the smallest other cells that fix it are hidden too and shown
   « masqué » (secondary suppression; the reader knows they are 5 or more). When even that cannot protect the
   table, or when its total is below 5, the detail is not published at all, only the total.
3. Criteria: a household usually holds several criteria, so they are no partition; but the total minus a
   criterion count gives the households *without* it. A criterion is shown « masqué » when that complement is
   below 5 (for instance 10 households, 8 of them on RSA).

Rows of a table never reveal order among hidden cells: hidden rows come after the shown ones, by name.
We chose suppression over rounding so that published figures stay exact (elected officials compare them).
"""

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

from django.utils.formats import number_format

THRESHOLD = 5
SMALL_TEXT = "< 5"
MASKED_TEXT = "masqué"


@dataclass(frozen=True)
class PeopleCount:
    """A count of people as it may be published: `value` is None when it is hidden, `text` what to show."""

    value: int | None
    text: str

    @property
    def is_shown(self) -> bool:
        return self.value is not None

    @property
    def csv_value(self) -> str:
        return str(self.value) if self.value is not None else self.text

    def __str__(self) -> str:
        return self.text


def people_count(count: int) -> PeopleCount:
    """THE rule for one count of people: below 5, « < 5 »."""
    if count < THRESHOLD:
        return PeopleCount(None, SMALL_TEXT)
    # Below 1,000 there is nothing to group: skip the locale lookups (a table has dozens of counts).
    return PeopleCount(count, str(count) if count < 1000 else number_format(count, force_grouping=True))


MASKED = PeopleCount(None, MASKED_TEXT)


def exact_count(count: int) -> PeopleCount:
    """A count as it is, for coordination's own page: never published as such."""
    return PeopleCount(count, str(count) if count < 1000 else number_format(count, force_grouping=True))


@dataclass(frozen=True)
class PeopleRow:
    key: Hashable
    label: str
    count: PeopleCount


@dataclass(frozen=True)
class PeopleTable:
    """A table of people counts ready to publish, with its total; `rows` is empty when the detail is withheld."""

    rows: list[PeopleRow]
    total: PeopleCount
    detail_withheld: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def has_small(self) -> bool:
        return any(row.count.text == SMALL_TEXT for row in self.rows)

    @property
    def has_masked(self) -> bool:
        return any(row.count.text == MASKED_TEXT for row in self.rows)


def _sum_reveals_nothing(small: list[int], masked: list[int]) -> bool:
    """Knowing S = sum of the hidden cells, can each « < 5 » cell still be anything from 1 to 4?

    Each « < 5 » cell is known to be 1–4 (zero rows are not listed), each « masqué » cell 5 or more. A « < 5 » cell
    reaches 4 only if the others can be at their minimum with S left over: sum(c - 1) + sum(m - 5) >= 3. It reaches
    1 only if the others can absorb the rest: always when a « masqué » cell (unbounded) is hidden too, otherwise
    sum(4 - c) >= 3.
    """
    if not small:
        return True
    if sum(c - 1 for c in small) + sum(m - 5 for m in masked) < 3:
        return False
    return bool(masked) or sum(4 - c for c in small) >= 3


def _order(rows: list[PeopleRow], counts: dict[Hashable, int], by_count: bool) -> list[PeopleRow]:
    if not by_count:
        return sorted(rows, key=lambda row: row.label.casefold())
    shown = sorted(
        (row for row in rows if row.count.is_shown), key=lambda row: (-counts[row.key], row.label.casefold())
    )
    hidden = sorted((row for row in rows if not row.count.is_shown), key=lambda row: row.label.casefold())
    return shown + hidden


def protect_partition(cells: Iterable[tuple[Hashable, str, int]], *, by_count: bool = False) -> PeopleTable:
    """A table whose cells add up to its total (households by commune, by structure), made safe to publish.

    `cells` are (key, label, count); zero cells are dropped. `by_count` orders shown rows by decreasing count (for
    a chart), otherwise every row is in alphabetical order (tables people search).
    """
    counts = {key: count for key, _label, count in cells if count > 0}
    labels = {key: label for key, label, count in cells if count > 0}
    total = sum(counts.values())
    if total < THRESHOLD:
        return PeopleTable(rows=[], total=people_count(total), detail_withheld=total > 0)
    small = [key for key, count in counts.items() if count < THRESHOLD]
    masked: list[Hashable] = []
    while not _sum_reveals_nothing([counts[k] for k in small], [counts[k] for k in masked]):
        candidates = sorted((k for k in counts if k not in small and k not in masked), key=lambda k: counts[k])
        if not candidates:
            return PeopleTable(rows=[], total=people_count(total), detail_withheld=True)
        missing = 3 - (sum(counts[k] - 1 for k in small) + sum(counts[k] - 5 for k in masked))
        enough = [k for k in candidates if counts[k] - 5 >= missing]
        masked.append(enough[0] if enough else candidates[-1])
    rows = [
        PeopleRow(key, labels[key], MASKED if key in masked else people_count(count)) for key, count in counts.items()
    ]
    return PeopleTable(rows=_order(rows, counts, by_count), total=people_count(total))


def exact_table(
    cells: Iterable[tuple[Hashable, str, int]], *, by_count: bool = False, population: int | None = None
) -> PeopleTable:
    """The same table with exact counts (coordination's page). Without `population` a partition (zero cells dropped,
    total their sum); with it, shares of that population (every cell kept, in the given order)."""
    cells = list(cells)
    if population is None:
        counts = {key: count for key, _label, count in cells if count > 0}
        rows = [PeopleRow(key, label, exact_count(count)) for key, label, count in cells if count > 0]
        return PeopleTable(rows=_order(rows, counts, by_count), total=exact_count(sum(counts.values())))
    rows = [PeopleRow(key, label, exact_count(count)) for key, label, count in cells]
    return PeopleTable(rows=rows, total=exact_count(population))


def protect_shares(cells: Iterable[tuple[Hashable, str, int]], *, population: int) -> PeopleTable:
    """Counts of a population holding each attribute (criteria): small counts and small complements hidden.

    Every cell is kept, zero included (shown « < 5 »), in the given order.
    """
    cells = list(cells)
    if population < THRESHOLD:
        return PeopleTable(rows=[], total=people_count(population), detail_withheld=population > 0)
    rows = []
    for key, label, count in cells:
        if count >= THRESHOLD and population - count < THRESHOLD:
            rows.append(PeopleRow(key, label, MASKED))
        else:
            rows.append(PeopleRow(key, label, people_count(count)))
    return PeopleTable(rows=rows, total=people_count(population))
