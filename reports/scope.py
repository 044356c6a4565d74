"""Who sees which figures: the year asked for, and the structure whose households the people figures count."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from accounts.models import Organisation
from accounts.permissions import Capability, may, refusal

FIRST_YEAR = 2000


@dataclass(frozen=True)
class Scope:
    """What one request may see. `structure` None: the whole programme; `people` False: equipment figures only;
    `exact`: people counts shown as they are on the page (coordination), else through the small-count rule."""

    year: int
    people: bool
    structure: Organisation | None = None
    can_pick_structure: bool = False
    structure_not_found: bool = False
    exact: bool = False

    @property
    def structure_id(self) -> int | None:
        return self.structure.pk if self.structure else None

    @property
    def query(self) -> str:
        """The query string that keeps this scope on links (CSV downloads)."""
        structure = f"&structure={self.structure.pk}" if self.can_pick_structure and self.structure else ""
        return f"annee={self.year}{structure}"


def year_choices() -> range:
    current = timezone.localdate().year
    return range(current, current - 6, -1)


def requested_year(value: str | None) -> int:
    """The year asked for in `?annee=`, the current year when missing or not a year."""
    current = timezone.localdate().year
    try:
        year = int(value or current)
    except ValueError:
        return current
    return min(max(year, FIRST_YEAR), current + 1)


def dashboard_scope(user, params) -> Scope:
    """Coordination sees everything, exact, and may pick a structure; a prescriber sees the households of their own
    structure (small counts hidden: they go into the structure's own reports); a technician equipment figures only;
    anyone else nothing (403). Who sees the households' figures is the table's DASHBOARD_HOUSEHOLDS; which
    structure's, the scope decided here."""
    if not may(user, Capability.DASHBOARD):
        raise PermissionDenied(refusal(Capability.DASHBOARD))
    year = requested_year(params.get("annee"))
    if user.is_coordination:
        structure = None
        picked = params.get("structure", "").strip()
        if picked.isdigit():
            structure = Organisation.objects.structures().filter(pk=int(picked)).first()
        return Scope(
            year=year,
            people=True,
            structure=structure,
            can_pick_structure=True,
            structure_not_found=bool(picked) and structure is None,
            exact=True,
        )
    if may(user, Capability.DASHBOARD_HOUSEHOLDS) and user.organisation_id:
        return Scope(year=year, people=True, structure=user.organisation)
    return Scope(year=year, people=False)
