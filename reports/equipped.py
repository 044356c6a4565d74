"""« Foyers équipés en YYYY »: the one definition and the one query behind every people figure (dashboard, its CSV
files, the public home, the `bilan` command).

A household counts in year Y when a pack was handed to it on a day of Y — at a distribution event dated in Y
(invitation « équipement remis »), or, for a handover recorded without an event, its `equipped_on` day in Y. It counts
once per year, even with two packs that year; one equipped in 2025 and again in 2028 (override) counts in both years.
Its criteria are those of its latest certification made by the end of Y (latest day, then latest made).

One portable SQL statement, the same on PostgreSQL and SQLite: the equipped households are the UNION of two small
index reads (households by `equipped_on`, handed-over invitations of the year's events); a correlated subquery picks
each one's latest certification (index certification (household, -certified_on, -id)); one GROUP BY counts them by
commune × structure with each criterion. Totals by commune, by structure and in all are summed here. The names'
order is the database's (its collation: which of equal cells the small-count rule hides depends on it), given by
DENSE_RANK rather than sorted again in Python.
"""

import datetime
from dataclasses import dataclass

from django.db import connections, router

from beneficiaries.enums import EligibilityCriterion
from beneficiaries.models import Household
from distributions.events.enums import InvitationStatus

CRITERIA = [criterion.value for criterion in EligibilityCriterion]


def _sql(quote, *, one_structure: bool) -> str:
    """The statement; only code constants are formatted in (column names, the structure condition), every value is
    a query parameter.

    Each household's latest certification is read once, by its own index lookup, as one integer holding its
    criteria as bits (criterion i: bit 2**i; NULL without a certification): a join to the certifications instead
    let PostgreSQL choose a scan of the whole table. MATERIALIZED (PostgreSQL 12+, SQLite 3.35+) keeps that lookup
    once per household: inlined, it ran once per criterion counted."""
    structure = "AND household.structure_id = %(structure_id)s" if one_structure else ""
    bits = " + ".join(f"CASE WHEN latest.{quote(name)} THEN {1 << i} ELSE 0 END" for i, name in enumerate(CRITERIA))
    counts = ",\n        ".join(
        f"COUNT(CASE WHEN (criteria.bits & {1 << i}) <> 0 THEN 1 END) AS {quote(name)}"
        for i, name in enumerate(CRITERIA)
    )
    counted = ", ".join(f"counted.{quote(name)}" for name in CRITERIA)
    return f"""
WITH equipped AS (
    SELECT household.id, household.commune_id, household.structure_id
    FROM beneficiaries_household household
    WHERE household.equipped_on >= %(start)s AND household.equipped_on < %(end)s {structure}
    UNION
    SELECT household.id, household.commune_id, household.structure_id
    FROM distributions_invitation invitation
    JOIN distributions_event event ON event.id = invitation.event_id
    JOIN beneficiaries_household household ON household.id = invitation.household_id
    WHERE invitation.status = %(handed_over)s AND event.date >= %(start)s AND event.date < %(end)s {structure}
),
criteria AS MATERIALIZED (
    SELECT equipped.commune_id, equipped.structure_id, (
        SELECT {bits}
        FROM beneficiaries_certification latest
        WHERE latest.household_id = equipped.id AND latest.certified_on < %(end)s
        ORDER BY latest.certified_on DESC, latest.id DESC
        LIMIT 1
    ) AS bits
    FROM equipped
),
counted AS (
    SELECT criteria.commune_id, criteria.structure_id, COUNT(*) AS households,
        {counts}
    FROM criteria
    GROUP BY criteria.commune_id, criteria.structure_id
)
SELECT counted.commune_id, commune.name, counted.structure_id, structure.name,
    DENSE_RANK() OVER (ORDER BY structure.name, counted.structure_id),
    counted.households, {counted}
FROM counted
JOIN beneficiaries_commune commune ON commune.id = counted.commune_id
JOIN accounts_organisation structure ON structure.id = counted.structure_id
ORDER BY commune.name, counted.commune_id
"""  # noqa: S608


@dataclass(frozen=True)
class Equipped:
    """Households equipped in a year: by commune and by structure as (id, name, households) in the database's name
    order, their number, and how many of them hold each criterion."""

    by_commune: list[tuple[int, str, int]]
    by_structure: list[tuple[int, str, int]]
    total: int
    criteria: dict[str, int]


def equipped_in(year: int, structure_id: int | None = None) -> Equipped:
    """Every count about the households equipped in `year`, of one structure when given, in one query."""
    connection = connections[router.db_for_read(Household)]  # the replica inside core.db.reporting(), if any
    params = {
        "start": datetime.date(year, 1, 1),
        "end": datetime.date(year + 1, 1, 1),
        "handed_over": InvitationStatus.HANDED_OVER.value,
        "structure_id": structure_id,
    }
    with connection.cursor() as cursor:
        cursor.execute(_sql(connection.ops.quote_name, one_structure=structure_id is not None), params)
        rows = cursor.fetchall()
    communes: dict[int, list] = {}  # in the rows' order: the database's commune name order
    structures: dict[int, list] = {}
    total, criteria = 0, [0] * len(CRITERIA)
    for commune_id, commune, structure_id_, structure, structure_rank, households, *counts in rows:
        communes.setdefault(commune_id, [commune_id, commune, 0])[2] += households
        structures.setdefault(structure_id_, [structure_rank, structure_id_, structure, 0])[3] += households
        total += households
        criteria = [held + count for held, count in zip(criteria, counts, strict=True)]
    return Equipped(
        by_commune=[tuple(commune) for commune in communes.values()],
        by_structure=[tuple(structure[1:]) for structure in sorted(structures.values())],
        total=total,
        criteria=dict(zip(CRITERIA, criteria, strict=True)),
    )
