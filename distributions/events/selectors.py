"""Reads about distribution events: the waiting list and why a household cannot be invited, lists for the day,
and what the documents print (in a fixed number of queries, however many households)."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from accounts.permissions import Capability, may
from beneficiaries.enums import HouseholdStatus
from beneficiaries.models import Certification, Household
from beneficiaries.selectors import active_override_exists
from core.dates import add_years
from distributions.events.enums import OPEN_EVENT_STATUSES, PENDING_STATUSES, SEAT_STATUSES, InvitationStatus
from distributions.events.models import Event, Invitation
from distributions.packs.models import PackItem
from distributions.packs.selectors import items_in_category_order


def event_day_window(event: Event) -> tuple[datetime.date, datetime.date]:
    """The days check-in and handovers may be recorded: the event's day, widened by EVENT_DAY_MARGIN_DAYS."""
    margin = datetime.timedelta(days=settings.FILIERE["EVENT_DAY_MARGIN_DAYS"])
    return event.date - margin, event.date + margin


def event_day_refusal(event: Event, moment: datetime.datetime | None = None) -> str | None:
    """Why the day's steps (check-in, handover) cannot be recorded at `moment` (now by default), or None."""
    now = timezone.now()
    moment = moment or now
    if moment > now + datetime.timedelta(minutes=5):
        return f"L'heure indiquée ({timezone.localtime(moment):%d/%m/%Y %H:%M}) n'est pas encore arrivée."
    first, last = event_day_window(event)
    day = timezone.localdate(moment)
    if first <= day <= last:
        return None
    when = f"le {event.date:%d/%m/%Y}" if first == last else f"du {first:%d/%m/%Y} au {last:%d/%m/%Y}"
    moment_text = "Nous sommes" if moment is now else "L'heure indiquée tombe"
    return (
        f"L'accueil et les remises de « {event.title} » s'enregistrent le jour de l'événement ({when}). "
        f"{moment_text} le {day:%d/%m/%Y}."
    )


def event_seats_taken(event: Event) -> int:
    return event.invitations.seated().count()


def events_with_counts(queryset: QuerySet[Event]) -> QuerySet[Event]:
    """Events with `seats_taken`, `packs_allocated` and `handed_over` counts (one query for the list)."""
    return queryset.annotate(
        seats_taken=Count("invitations", filter=Q(invitations__status__in=SEAT_STATUSES), distinct=True),
        packs_allocated=Count(
            "invitations",
            filter=Q(invitations__status__in=SEAT_STATUSES, invitations__pack__isnull=False),
            distinct=True,
        ),
        handed_over=Count("invitations", filter=Q(invitations__status=InvitationStatus.HANDED_OVER), distinct=True),
    )


def events_page(queryset: QuerySet[Event], number, *, per_page: int) -> Page:
    """One page of events, latest date first (so upcoming events lead, as they always have), with their counts.

    The pagination counts bare events; the counts of invitations are computed for this page's events only, in the
    same query as the rows (counting the annotated list would join every invitation of every event).
    """
    ordered = queryset.order_by("-date", "-pk")
    page = Paginator(ordered, per_page).get_page(number)
    page_ids = page.object_list.values("pk")
    page.object_list = list(events_with_counts(ordered.filter(pk__in=page_ids)).select_related("partner"))
    return page


# --- Waiting list and invitation rules ---------------------------------------------------------------------


def _candidate_annotations(event: Event) -> dict:
    latest = Certification.objects.filter(household=OuterRef("pk")).order_by("-certified_on", "-id")
    # Waiting since the first certification after the last pack (or ever, for a household never equipped).
    since_last_pack = Certification.objects.filter(household=OuterRef("pk")).filter(
        Q(household__equipped_on__isnull=True) | Q(certified_on__gt=OuterRef("equipped_on"))
    )
    pending_elsewhere = Invitation.objects.filter(household=OuterRef("pk"), status__in=PENDING_STATUSES).exclude(
        event=event
    )
    here = Invitation.objects.filter(household=OuterRef("pk"), event=event)
    return {
        "cert_certified_on": Subquery(latest.values("certified_on")[:1]),
        "cert_expires_on": Subquery(latest.values("expires_on")[:1]),
        "waiting_since": Subquery(since_last_pack.order_by("certified_on", "id").values("certified_on")[:1]),
        "has_override": active_override_exists(),
        "other_event_title": Subquery(pending_elsewhere.values("event__title")[:1]),
        "other_event_date": Subquery(pending_elsewhere.values("event__date")[:1]),
        "status_here": Subquery(here.values("status")[:1]),
    }


def households_annotated_for_event(event: Event, queryset: QuerySet[Household] | None = None) -> QuerySet[Household]:
    """Households with what the invitation rules need, in the same query (see `invitation_refusal`)."""
    queryset = Household.objects.all() if queryset is None else queryset
    return queryset.select_related("commune", "structure").annotate(**_candidate_annotations(event))


def invitation_refusal(household: Household, event: Event) -> str | None:
    """Why `household` (annotated by households_annotated_for_event) cannot be invited to `event`, or None."""
    status_here = household.status_here
    if status_here in SEAT_STATUSES:
        return "Déjà invité à cet événement."
    if status_here and status_here != InvitationStatus.WITHDRAWN:
        return f"Déjà invité à cet événement (« {InvitationStatus(status_here).label.lower()} »)."
    if household.other_event_title:
        return (
            f"Déjà invité à « {household.other_event_title} » du {household.other_event_date:%d/%m/%Y} : "
            "un foyer n'attend qu'une remise à la fois."
        )
    # Equipped within the period first: renewing its certification would not change that (« déjà équipé »).
    if household.equipped_on is not None and not household.has_override:
        allowed_on = add_years(household.equipped_on, settings.FILIERE["PROGRAMME_PERIOD_YEARS"])
        if event.date < allowed_on:
            return (
                f"Déjà équipé le {household.equipped_on:%d/%m/%Y} : pas de nouveau pack avant le "
                f"{allowed_on:%d/%m/%Y} (période du programme), sauf dérogation de la coordination."
            )
    if not household.commune.is_active:
        return f"Sa commune ({household.commune}) ne fait plus partie du territoire."
    certified_on, expires_on = household.cert_certified_on, household.cert_expires_on
    if expires_on is None:
        return "Aucune certification d'éligibilité."
    if expires_on <= event.date:
        return (
            f"Sa certification expire le {expires_on:%d/%m/%Y}, avant l'événement du {event.date:%d/%m/%Y} : "
            f"elle doit d'abord être renouvelée par {household.structure}."
        )
    if certified_on > event.date:
        return f"Certifié le {certified_on:%d/%m/%Y}, après la date de l'événement."
    return None


@dataclass
class Candidate:
    """A household of the waiting list and, when it cannot be invited, why."""

    household: Household
    refusal: str | None

    @property
    def can_be_invited(self) -> bool:
        return self.refusal is None


def waiting_list(
    *, event: Event, commune=None, structure=None, today: datetime.date | None = None
) -> QuerySet[Household]:
    """Households certified eligible today and not already seated at this event, oldest certification first."""
    today = today or timezone.localdate()
    valid_today = Certification.objects.valid_on(today).filter(household=OuterRef("pk"))
    seated_here = Invitation.objects.seated().filter(household=OuterRef("pk"), event=event)
    queryset = Household.objects.filter(Exists(valid_today)).exclude(Exists(seated_here))
    if commune is not None:
        queryset = queryset.filter(commune=commune)
    if structure is not None:
        queryset = queryset.filter(structure=structure)
    return households_annotated_for_event(event, queryset).order_by(F("waiting_since").asc(nulls_last=True), "pk")


def candidates(households, event: Event) -> list[Candidate]:
    return [Candidate(household, invitation_refusal(household, event)) for household in households]


# --- Lists and documents -------------------------------------------------------------------------------------


def _pack_items_prefetch() -> Prefetch:
    return Prefetch("pack__pack_items", queryset=PackItem.objects.select_related("item").order_by("id"))


def event_invitations(event: Event, user, *, with_items: bool = False) -> QuerySet[Invitation]:
    """The invitations of `event` this user may see (every one when `user` is None: the command line), with
    household, commune, structure and pack in one query."""
    invitations = Invitation.objects.all() if user is None else Invitation.objects.for_user(user)
    queryset = (
        invitations.filter(event=event)
        .select_related("household__commune", "household__structure", "pack__template", "handed_over_by")
        .order_by("household__last_name", "household__first_name", "pk")
    )
    if with_items:
        queryset = queryset.prefetch_related(_pack_items_prefetch())
    return queryset


def pack_items_sorted(invitation: Invitation) -> list:
    """The items of the invitation's pack (prefetched), screen first, as the template lists categories."""
    if invitation.pack is None:
        return []
    return items_in_category_order(pack_item.item for pack_item in invitation.pack.pack_items.all())


def with_pack_contents(invitations) -> list[Invitation]:
    """The invitations (read with their pack's items), each with `pack_contents` for the page to show what the
    pack holds: tags and models."""
    invitations = list(invitations)
    for invitation in invitations:
        invitation.pack_contents = pack_items_sorted(invitation)
    return invitations


def sheet_invitations(event: Event, user, invitation_id: int | None = None) -> list[Invitation]:
    """Invitations that get a handover sheet: a seat and a pack (allocated or handed over), items prefetched."""
    queryset = event_invitations(event, user, with_items=True).filter(status__in=SEAT_STATUSES, pack__isnull=False)
    if invitation_id is not None:
        queryset = queryset.filter(pk=invitation_id)
    invitations = list(queryset)
    for invitation in invitations:
        invitation.sheet_items = pack_items_sorted(invitation)
    return invitations


def household_invitations(household: Household, user) -> QuerySet[Invitation]:
    """A household's invitations this user may see, latest event first (household detail page), with the items
    of their pack."""
    return (
        Invitation.objects.for_user(user)
        .filter(household=household)
        .select_related("event", "pack")
        .prefetch_related(_pack_items_prefetch())
        .order_by("-event__date", "-pk")
    )


def household_invitations_section(request, household: Household) -> dict:
    """The household page's « Remises d'équipement » section (registered in beneficiaries.hooks)."""
    return {"invitations": with_pack_contents(household_invitations(household, request.user))}


INVITE_BUTTONS = 3


def household_invite_section(request, household: Household) -> dict | None:
    """The household page's « Inviter à … » buttons (registered in beneficiaries.hooks): for coordination, once the
    household is eligible and waiting, the next open events with a free place that its certification still
    covers (one query). None for everyone else: the section is left out."""
    if not may(request.user, Capability.EVENT_MANAGE) or household.status != HouseholdStatus.ELIGIBLE:
        return None
    events = list(
        Event.objects.filter(
            status__in=sorted(OPEN_EVENT_STATUSES),
            date__gte=timezone.localdate(),
            date__lte=household.current_expires_on,
        )
        .annotate(seated=Count("invitations", filter=Q(invitations__status__in=sorted(SEAT_STATUSES))))
        .filter(seated__lt=F("capacity"))
        .order_by("date", "start_time", "pk")[:INVITE_BUTTONS]
    )
    return {"events": events, "household": household} if events else None


def pending_invitations() -> QuerySet[Invitation]:
    """Invitations waiting for their handover (invited, confirmed or present): their household is « invité »
    (registered in beneficiaries.hooks)."""
    return Invitation.objects.filter(status__in=sorted(PENDING_STATUSES))
