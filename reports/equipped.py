"""« Foyers équipés en YYYY »: the one definition and the one query behind every people figure (dashboard, its CSV
files, the public home, the `bilan` command).

A household counts in year Y when a pack was handed to it on a day of Y — at a distribution event dated in Y
(invitation « équipement remis »), or, for a handover recorded without an event, its `equipped_on` day in Y. It counts
once per year, even with two packs that year; one equipped in 2025 and again in 2028 (override) counts in both years.
Its criteria are those of its latest certification made by the end of Y (latest day, then latest made).

One portable SQL statement, the same on PostgreSQL and SQLite: the equipped households are the UNION of two small
index reads (households by `equipped_on`, handed-over invitations of the year's events); a correlated subquery reads
each one's latest certification (index certification (household, -certified_on, -id)); then the total with each
criterion, the counts by commune and by structure (UNION ALL of three groupings). Names come in the database's order
(its collation: which of equal cells the small-count rule hides depends on it), not sorted again in Python.
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
    let PostgreSQL choose a scan of the whole table. MATERIALIZED (PostgreSQL 12+, SQLite 3.35+) computes that
    once per household for the three counts below (inlined, it ran once per criterion counted). The three counts
    are what GROUPING SETS would give, written as UNION ALL so that SQLite runs the same statement."""
    structure = "AND household.structure_id = %(structure_id)s" if one_structure else ""
    bits = " + ".join(f"CASE WHEN latest.{quote(name)} THEN {1 << i} ELSE 0 END" for i, name in enumerate(CRITERIA))
    counts = ", ".join(f"COUNT(CASE WHEN (criteria.bits & {1 << i}) <> 0 THEN 1 END)" for i in range(len(CRITERIA)))
    zeros = ", ".join("0" for _ in CRITERIA)
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
)
SELECT 0, 0, '', COUNT(*), {counts}
FROM criteria
UNION ALL
SELECT 1, criteria.commune_id, commune.name, COUNT(*), {zeros}
FROM criteria
JOIN beneficiaries_commune commune ON commune.id = criteria.commune_id
GROUP BY criteria.commune_id, commune.name
UNION ALL
SELECT 2, criteria.structure_id, structure.name, COUNT(*), {zeros}
FROM criteria
JOIN accounts_organisation structure ON structure.id = criteria.structure_id
GROUP BY criteria.structure_id, structure.name
ORDER BY 1, 3, 2
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
    (_part, _id, _name, total, *criteria), *rows = rows  # the total comes first, then communes, then structures
    by_commune = [(pk, name, households) for part, pk, name, households, *_ in rows if part == 1]
    by_structure = [(pk, name, households) for part, pk, name, households, *_ in rows if part == 2]
    return Equipped(by_commune, by_structure, total, dict(zip(CRITERIA, criteria, strict=True)))
