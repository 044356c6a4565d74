"""Households equipped in a year, counted in one GROUP BY: every people figure of the dashboard comes from it.

Same definition as reports.stats (module docstring there): a household counts in year Y when its
`equipped_on` day is in Y or when it was handed a pack (invitation « équipement remis ») at an event dated in Y;
once per year. Its criteria are those of its latest certification made by the end of Y.

Why SQL of its own: reports.stats writes « equipped_on in Y OR EXISTS(handed-over invitation) », which
PostgreSQL can only answer by reading every household (50,000 rows for a few hundred equipped), and the page
asked it four times (count, by commune, by structure, criteria over every certification). Here the equipped
households are the union of two small index reads (households by `equipped_on`, invitations of the year's
events); one pass then counts them by commune, by structure and in all (GROUPING SETS), and counts each criterion on
the latest certification. The tests hold both definitions to the same numbers.
"""

import datetime
from dataclasses import dataclass

from django.db import connection, connections, router

from beneficiaries.enums import EligibilityCriterion
from beneficiaries.models import Household
from distributions.events.enums import InvitationStatus
from reports import stats

CRITERIA = [criterion.value for criterion in EligibilityCriterion]

_COUNTS = ",\n    ".join(f"COUNT(*) FILTER (WHERE latest.{connection.ops.quote_name(name)})" for name in CRITERIA)

# Only code constants (the criteria columns) are formatted in; every value is a query parameter.
EQUIPPED_SQL = f"""
WITH equipped AS (
    SELECT household.id, household.commune_id, household.structure_id
    FROM beneficiaries_household household
    WHERE household.equipped_on >= %(start)s AND household.equipped_on < %(end)s
    UNION
    SELECT household.id, household.commune_id, household.structure_id
    FROM distributions_invitation invitation
    JOIN distributions_event event ON event.id = invitation.event_id
    JOIN beneficiaries_household household ON household.id = invitation.household_id
    WHERE invitation.status = %(handed_over)s AND event.date >= %(start)s AND event.date < %(end)s
)
SELECT equipped.commune_id, commune.name, equipped.structure_id, structure.name, COUNT(*),
    {_COUNTS}
FROM equipped
JOIN beneficiaries_commune commune ON commune.id = equipped.commune_id
JOIN accounts_organisation structure ON structure.id = equipped.structure_id
LEFT JOIN LATERAL (
    SELECT *
    FROM beneficiaries_certification certification
    WHERE certification.household_id = equipped.id AND certification.certified_on < %(end)s
    ORDER BY certification.certified_on DESC, certification.id DESC
    LIMIT 1
) latest ON TRUE
WHERE %(structure_id)s::bigint IS NULL OR equipped.structure_id = %(structure_id)s::bigint
GROUP BY GROUPING SETS ((equipped.commune_id, commune.name), (equipped.structure_id, structure.name), ())
ORDER BY commune.name, equipped.commune_id, structure.name, equipped.structure_id
"""  # noqa: S608


@dataclass(frozen=True)
class Equipped:
    """Households equipped in a year: by commune and by structure as (id, name, households) in the database's name
    order (which of equal cells the small-count rule hides depends on it), their number, and how many of them hold
    each criterion."""

    by_commune: list[tuple[int, str, int]]
    by_structure: list[tuple[int, str, int]]
    total: int
    criteria: dict[str, int]


def equipped_in(year: int, structure_id: int | None = None) -> Equipped:
    """Every count about the households equipped in `year`, of one structure when given, in one query (on
    PostgreSQL; other databases, such as `make run`'s SQLite, get the same figures from reports.stats)."""
    connection = connections[router.db_for_read(Household)]  # the replica inside core.db.reporting(), if any
    if connection.vendor != "postgresql":
        return _equipped_in_portable(year, structure_id)
    params = {
        "start": datetime.date(year, 1, 1),
        "end": datetime.date(year + 1, 1, 1),
        "handed_over": InvitationStatus.HANDED_OVER.value,
        "structure_id": structure_id,
    }
    with connection.cursor() as cursor:
        cursor.execute(EQUIPPED_SQL, params)
        rows = cursor.fetchall()
    by_commune, by_structure, total, criteria = [], [], 0, [0] * len(CRITERIA)
    for commune_id, commune, structure_id_, structure, households, *counts in rows:
        if commune_id is not None:
            by_commune.append((commune_id, commune, households))
        elif structure_id_ is not None:
            by_structure.append((structure_id_, structure, households))
        else:  # grouping set (): every household equipped that year
            total, criteria = households, counts
    return Equipped(by_commune, by_structure, total, dict(zip(CRITERIA, criteria, strict=True)))


def _equipped_in_portable(year: int, structure_id: int | None) -> Equipped:
    """The same counts through the ORM (four queries; LATERAL and GROUPING SETS are PostgreSQL's)."""
    criteria = stats.equipped_criteria(year, structure_id)
    return Equipped(
        by_commune=stats.equipped_by_commune(year, structure_id),
        by_structure=stats.equipped_by_structure(year, structure_id),
        total=stats.households_equipped_count(year, structure_id),
        criteria={name: criteria[name] for name in CRITERIA},
    )
