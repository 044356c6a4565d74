"""What apps above beneficiaries add to it, registered in their AppConfig.ready(): beneficiaries imports none of them.

- Pending invitations (registered by distributions): rows with a `household_id` meaning « invited to an event,
  waiting for the handover ». A household with one has the status « invité ».
- Household page sections (registered by distributions and privacy): a template and the function that gives its
  context, shown on the household page in the slot named (« next_steps »: buttons beside the page's own, for what
  usually follows; « follow_up » and « personal_data »: sections further down).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet

# Where a section goes on the household page.
SLOTS = ("next_steps", "follow_up", "personal_data")


@dataclass(frozen=True)
class HouseholdSection:
    """One part of the household page written by another app: `context(request, household)` gives the template's
    `section` variable, or None to leave the section out for this person."""

    slot: str
    template_name: str
    context: Callable


_pending_invitations: Callable[[], QuerySet] | None = None
_sections: list[HouseholdSection] = []


def pending_invitations_register(query: Callable[[], QuerySet]) -> None:
    global _pending_invitations
    _pending_invitations = query


def pending_invitations() -> QuerySet | None:
    """The pending invitations (every household's), or None when no app registered them."""
    return _pending_invitations() if _pending_invitations is not None else None


def household_section_register(section: HouseholdSection) -> None:
    if section.slot not in SLOTS:
        raise ValueError(f"Unknown household page slot: {section.slot!r}")
    if section not in _sections:
        _sections.append(section)


def household_sections(request, household) -> dict[str, list[dict]]:
    """For the household page: slot -> [{"template_name": …, "section": context}, …], sections left out skipped."""
    slots: dict[str, list[dict]] = {slot: [] for slot in SLOTS}
    for section in _sections:
        context = section.context(request, household)
        if context is not None:
            slots[section.slot].append({"template_name": section.template_name, "section": context})
    return slots
