"""Every write on distribution events: create and schedule, invite, allocate packs, check in, hand over.

Locks are taken event first, then invitations (by id), then households, then packs and their items (the pack
services' own order), so two coordinators working on the same event wait for each other instead of deadlocking.
Item logs name the event, never a household: technicians read them.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from accounts.permissions import Capability, may
from beneficiaries.models import Household
from beneficiaries.services import household_mark_equipped, households_record_contact
from distributions.events.enums import (
    OPEN_EVENT_STATUSES,
    PENDING_STATUSES,
    SEAT_STATUSES,
    EventStatus,
    InvitationStatus,
    PaymentMeans,
)
from distributions.events.models import AgendaItem, Event, Invitation
from distributions.events.selectors import event_day_refusal, households_annotated_for_event, invitation_refusal
from distributions.packs.enums import PackStatus
from distributions.packs.models import Pack
from distributions.packs.services import pack_hand_over, pack_release_items, pack_reserve_items

EVENT_FIELDS = ("title", "date", "start_time", "place", "address", "capacity", "partner", "notes")


def _status_label(status: str) -> str:
    return InvitationStatus(status).label.lower()


def _lock_event(event: Event) -> Event:
    return Event.objects.select_for_update().get(pk=event.pk)


def _lock_invitation(invitation: Invitation) -> Invitation:
    """Lock the invitation's event, then the invitation: the one order every service follows."""
    event_id = Invitation.objects.values_list("event_id", flat=True).get(pk=invitation.pk)
    event = Event.objects.select_for_update().get(pk=event_id)
    locked = (
        Invitation.objects.select_for_update(of=("self",)).select_related("household", "pack").get(pk=invitation.pk)
    )
    locked.event = event
    return locked


def _check_open(event: Event) -> None:
    if event.status not in OPEN_EVENT_STATUSES:
        raise ValidationError(f"L'événement est « {event.get_status_display().lower()} » : il ne change plus.")


def _check_planned(event: Event) -> None:
    if event.status != EventStatus.PLANNED:
        raise ValidationError(
            f"L'événement est « {event.get_status_display().lower()} » : l'accueil et les remises se font "
            "quand il est programmé."
        )


def _check_event_day(event: Event, at: datetime.datetime | None) -> None:
    refusal = event_day_refusal(event, at)
    if refusal:
        raise ValidationError(refusal)


def _check_not_past(date: datetime.date, today: datetime.date | None) -> None:
    today = today or timezone.localdate()
    if date < today:
        raise ValidationError(
            {"date": f"Le {date:%d/%m/%Y} est passé : un événement se prévoit à une date à venir (ou aujourd'hui)."}
        )


def _check_coordination(by: User) -> None:
    if not may(by, Capability.EVENT_MANAGE):
        raise ValidationError("Seule la coordination peut faire cela.")


def _set_status(invitation: Invitation, status: str, *fields: str) -> None:
    invitation.status = status
    invitation.status_changed_at = timezone.now()
    invitation.save(update_fields=["status", "status_changed_at", *fields])


def _event_note(event: Event) -> str:
    return f"{event.title} du {event.date:%d/%m/%Y}"


# --- Events ----------------------------------------------------------------------------------------------------


def _save_agenda(event: Event, agenda: Iterable[tuple[datetime.time, str]]) -> None:
    event.agenda.all().delete()
    rows = [AgendaItem(event=event, time=time, label=label.strip()) for time, label in agenda]
    for row in rows:
        row.full_clean(exclude=["event"])
    AgendaItem.objects.bulk_create(rows)


@transaction.atomic
def event_create(
    *, by: User, agenda: Iterable[tuple[datetime.time, str]] = (), today: datetime.date | None = None, **fields
) -> Event:
    """A new event, as a draft: coordination invites households and allocates packs before scheduling it.

    Never in the past. `today` records an event after the fact (the demo's past event); pages never pass it.
    """
    _check_coordination(by)
    unknown = set(fields) - set(EVENT_FIELDS)
    if unknown:
        raise ValidationError(f"Champs inconnus : {', '.join(sorted(unknown))}.")
    event = Event(created_by=by, status=EventStatus.DRAFT, **fields)
    event.full_clean()
    _check_not_past(event.date, today)
    event.save()
    _save_agenda(event, agenda)
    return event


@transaction.atomic
def event_update(*, event: Event, by: User, agenda: Iterable[tuple[datetime.time, str]] | None = None, **fields):
    """Change an open event; never fewer places than households invited, never a date some of them cannot make."""
    _check_coordination(by)
    unknown = set(fields) - set(EVENT_FIELDS)
    if unknown:
        raise ValidationError(f"Champs inconnus : {', '.join(sorted(unknown))}.")
    event = _lock_event(event)
    _check_open(event)
    if "date" in fields and fields["date"] != event.date:
        _check_not_past(fields["date"], None)
    for name, value in fields.items():
        setattr(event, name, value)
    seated = event.invitations.seated().count()
    if event.capacity < seated:
        raise ValidationError(
            {"capacity": f"{seated} foyers sont déjà invités : l'événement ne peut pas avoir moins de places."}
        )
    if "date" in fields:
        pending = Household.objects.filter(invitations__event=event, invitations__status__in=PENDING_STATUSES)
        blocked = [
            household
            for household in households_annotated_for_event(event, pending)
            if _date_refusal(household, event)
        ]
        if blocked:
            names = ", ".join(str(household) for household in blocked[:5])
            more = f" et {len(blocked) - 5} autres" if len(blocked) > 5 else ""
            raise ValidationError(
                {"date": f"À cette date, des foyers invités ne pourraient plus recevoir leur pack : {names}{more}."}
            )
    event.full_clean()
    event.save()
    if agenda is not None:
        _save_agenda(event, agenda)
    return event


def _date_refusal(household: Household, event: Event) -> str | None:
    # Invited here already: only the certification and the programme period depend on the date.
    household.status_here = None
    household.other_event_title = None
    return invitation_refusal(household, event)


@transaction.atomic
def event_schedule(*, event: Event, by: User) -> Event:
    """Publish a draft: prescribers and the partner now see it and can print the invitation letters."""
    _check_coordination(by)
    event = _lock_event(event)
    if event.status != EventStatus.DRAFT:
        raise ValidationError("Seul un brouillon peut être programmé.")
    event.status = EventStatus.PLANNED
    event.save(update_fields=["status", "updated_at"])
    return event


@transaction.atomic
def event_close(*, event: Event, by: User) -> Event:
    """End of the day: households never checked in are absent and their packs go back to stock."""
    _check_coordination(by)
    event = _lock_event(event)
    _check_planned(event)
    waiting = list(event.invitations.filter(status=InvitationStatus.PRESENT).select_related("household"))
    if waiting:
        names = ", ".join(str(invitation.household) for invitation in waiting)
        raise ValidationError(
            f"Foyers présents sans remise enregistrée : {names}. Enregistrez leur remise ou notez-les absents."
        )
    for invitation in event.invitations.filter(status__in=PENDING_STATUSES).order_by("pk"):
        _release(_lock_invitation(invitation), by=by, status=InvitationStatus.ABSENT)
    event.status = EventStatus.DONE
    event.save(update_fields=["status", "updated_at"])
    return event


@transaction.atomic
def event_cancel(*, event: Event, by: User) -> Event:
    """Cancel an event that handed nothing over: invitations are withdrawn and packs go back to stock."""
    _check_coordination(by)
    event = _lock_event(event)
    _check_open(event)
    if event.invitations.filter(status=InvitationStatus.HANDED_OVER).exists():
        raise ValidationError("Des packs ont déjà été remis : l'événement ne peut plus être annulé, clôturez-le.")
    for invitation in event.invitations.filter(status__in=PENDING_STATUSES).order_by("pk"):
        _release(_lock_invitation(invitation), by=by, status=InvitationStatus.WITHDRAWN)
    event.status = EventStatus.CANCELLED
    event.save(update_fields=["status", "updated_at"])
    return event


# --- Invitations -----------------------------------------------------------------------------------------------


@transaction.atomic
def households_invite(
    *, event: Event, households: Iterable[Household], by: User, today: datetime.date | None = None
) -> list[Invitation]:
    """Invite households to an event, all or none: each must be invitable and the places must suffice.

    `today` records an event after the fact (the demo's past event); pages never pass it.
    """
    _check_coordination(by)
    event = _lock_event(event)
    _check_open(event)
    if event.date < (today or timezone.localdate()):
        raise ValidationError("L'événement est passé : on ne peut plus y inviter de foyer.")
    ids = list(dict.fromkeys(household.pk for household in households))
    if not ids:
        raise ValidationError("Cochez au moins un foyer à inviter.")
    free = event.capacity - event.invitations.seated().count()
    if len(ids) > free:
        raise ValidationError(
            f"Il reste {max(free, 0)} place{'s' if free > 1 else ''} sur {event.capacity} : vous avez coché "
            f"{len(ids)} foyer{'s' if len(ids) > 1 else ''}."
        )
    found = {household.pk: household for household in households_annotated_for_event(event).filter(pk__in=ids)}
    refusals = []
    for pk in ids:
        household = found.get(pk)
        if household is None:
            refusals.append(f"le foyer n° {pk} n'existe pas")
        elif reason := invitation_refusal(household, event):
            refusals.append(f"{household} : {reason}")
    if refusals:
        raise ValidationError([f"Invitation refusée — {reason}" for reason in refusals])
    withdrawn = {
        invitation.household_id: invitation
        for invitation in event.invitations.filter(household_id__in=ids, status=InvitationStatus.WITHDRAWN)
    }
    invitations = []
    try:
        with transaction.atomic():
            for pk in ids:
                invitation = withdrawn.get(pk)
                if invitation is None:
                    invitation = Invitation(event=event, household=found[pk], invited_by=by)
                    invitation.status_changed_at = timezone.now()
                    invitation.save()
                else:
                    invitation.invited_by = by
                    invitation.checked_in_at = None
                    _set_status(invitation, InvitationStatus.INVITED, "invited_by", "checked_in_at")
                invitations.append(invitation)
    except IntegrityError as error:
        # Another coordinator invited one of them elsewhere between our check and our write.
        raise ValidationError(
            "Un des foyers vient d'être invité à un autre événement : rechargez la page et recommencez."
        ) from error
    households_record_contact(household_ids=ids)
    return invitations


def _pack_refusal(pack: Pack) -> str:
    if pack.status == PackStatus.ALLOCATED:
        return f"Le pack {pack.reference} vient d'être attribué à un autre foyer : choisissez-en un autre."
    label = PackStatus(pack.status).label.lower()
    return f"Le pack {pack.reference} est « {label} » : seul un pack complet peut être attribué."


@transaction.atomic
def invitation_allocate_pack(*, invitation: Invitation, pack: Pack, by: User) -> Invitation:
    """Promise a complete pack to an invited household: its items become `reserved`.

    Two coordinators racing for the same pack: the pack row lock makes one wait; it then finds the pack
    allocated and gets a French message. The partial unique index on Invitation.pack is the last word.
    """
    _check_coordination(by)
    invitation = _lock_invitation(invitation)
    _check_open(invitation.event)
    if invitation.status not in PENDING_STATUSES:
        raise ValidationError(
            f"{invitation.household} est « {_status_label(invitation.status)} » : pas de pack à lui attribuer."
        )
    if invitation.pack_id == pack.pk:
        return invitation
    if invitation.pack_id is not None:
        raise ValidationError(
            f"{invitation.household} a déjà le pack {invitation.pack.reference} : retirez-le avant d'en choisir "
            "un autre."
        )
    locked = Pack.objects.select_for_update(of=("self",)).get(pk=pack.pk)
    if locked.status != PackStatus.COMPLETE:
        raise ValidationError(_pack_refusal(locked))
    pack_reserve_items(pack=locked, by=by, note=f"Pack {locked.reference} attribué ({_event_note(invitation.event)})")
    invitation.pack = locked
    try:
        with transaction.atomic():
            invitation.save(update_fields=["pack"])
    except IntegrityError as error:
        raise ValidationError(_pack_refusal(locked)) from error
    return invitation


@dataclass
class AllocationOutcome:
    allocated: list[Invitation]
    without_pack: int


@transaction.atomic
def event_allocate_packs(*, event: Event, by: User) -> AllocationOutcome:
    """Give each invited household without a pack a complete pack, oldest completed first, while there are some.

    Packs another coordinator is taking at that moment are skipped (SKIP LOCKED) rather than waited for.
    """
    _check_coordination(by)
    event = _lock_event(event)
    _check_open(event)
    allocated = []
    waiting = list(event.invitations.filter(status__in=PENDING_STATUSES, pack__isnull=True).order_by("pk"))
    for invitation in waiting:
        pack = (
            Pack.objects.complete()
            .select_for_update(of=("self",), skip_locked=True)
            .order_by("completed_at", "pk")
            .first()
        )
        if pack is None:
            break
        allocated.append(invitation_allocate_pack(invitation=invitation, pack=pack, by=by))
    return AllocationOutcome(allocated=allocated, without_pack=len(waiting) - len(allocated))


def _release(invitation: Invitation, *, by: User, status: str | None = None) -> Invitation:
    """Send the invitation's pack back to stock (items `refurbished`), and optionally change its status."""
    if invitation.pack_id is not None:
        pack = invitation.pack
        if pack.status == PackStatus.ALLOCATED:
            pack_release_items(
                pack=pack, by=by, note=f"Pack {pack.reference} remis en stock ({_event_note(invitation.event)})"
            )
        invitation.pack = None
        invitation.save(update_fields=["pack"])
    if status is not None:
        invitation.checked_in_at = None if status != InvitationStatus.PRESENT else invitation.checked_in_at
        _set_status(invitation, status, "checked_in_at")
    return invitation


@transaction.atomic
def invitation_release_pack(*, invitation: Invitation, by: User) -> Invitation:
    """Take the pack back from a household still expected (to give it another one): items back to stock."""
    _check_coordination(by)
    invitation = _lock_invitation(invitation)
    _check_open(invitation.event)
    if invitation.status not in PENDING_STATUSES:
        raise ValidationError(f"{invitation.household} est « {_status_label(invitation.status)} ».")
    if invitation.pack_id is None:
        raise ValidationError(f"{invitation.household} n'a pas de pack attribué.")
    return _release(invitation, by=by)


@transaction.atomic
def invitation_withdraw(*, invitation: Invitation, by: User) -> Invitation:
    """Coordination takes an invitation back before the day: the place and the pack are free again."""
    _check_coordination(by)
    invitation = _lock_invitation(invitation)
    _check_open(invitation.event)
    if invitation.status not in (InvitationStatus.INVITED, InvitationStatus.CONFIRMED):
        raise ValidationError(
            f"{invitation.household} est « {_status_label(invitation.status)} » : l'invitation ne peut plus "
            "être retirée."
        )
    return _release(invitation, by=by, status=InvitationStatus.WITHDRAWN)


@transaction.atomic
def invitation_respond(*, invitation: Invitation, by: User, coming: bool) -> Invitation:
    """The household's answer, passed on by its prescriber or coordination: confirmed, or excused (pack to stock)."""
    invitation = _lock_invitation(invitation)
    if not (by.is_coordination or (by.is_prescriber and by.organisation_id == invitation.household.structure_id)):
        raise ValidationError("Seuls la coordination et la structure du foyer peuvent noter sa réponse.")
    _check_open(invitation.event)
    if invitation.status not in (InvitationStatus.INVITED, InvitationStatus.CONFIRMED, InvitationStatus.EXCUSED):
        raise ValidationError(
            f"{invitation.household} est « {_status_label(invitation.status)} » : sa réponse ne change plus."
        )
    households_record_contact(household_ids=[invitation.household_id])
    if coming:
        if invitation.status == InvitationStatus.CONFIRMED:
            return invitation
        if invitation.status == InvitationStatus.EXCUSED:
            _take_seat(invitation, InvitationStatus.CONFIRMED)
        else:
            _set_status(invitation, InvitationStatus.CONFIRMED)
        return invitation
    if invitation.status == InvitationStatus.EXCUSED:
        return invitation
    return _release(invitation, by=by, status=InvitationStatus.EXCUSED)


def _check_seat(invitation: Invitation) -> None:
    """A household coming back (absent or excused by mistake) needs a free place again (event locked already)."""
    event = invitation.event
    if event.invitations.seated().count() >= event.capacity:
        raise ValidationError(f"Les {event.capacity} places de l'événement sont prises.")


def _take_seat(invitation: Invitation, status: str, *fields: str) -> None:
    _check_seat(invitation)
    try:
        with transaction.atomic():
            _set_status(invitation, status, *fields)
    except IntegrityError as error:
        raise ValidationError(
            f"{invitation.household} est déjà invité à un autre événement : il ne peut pas revenir à celui-ci."
        ) from error


# --- On the day ------------------------------------------------------------------------------------------------


@transaction.atomic
def invitation_check_in(
    *,
    invitation: Invitation,
    status: str,
    by: User,
    give_pack_to: Invitation | None = None,
    at: datetime.datetime | None = None,
) -> Invitation:
    """Record who came: present, absent or excused. An absent household's pack goes back to stock, or straight
    to another invited household without a pack (`give_pack_to`). `at`: the arrival time, when entered later."""
    _check_coordination(by)
    if status not in (InvitationStatus.PRESENT, InvitationStatus.ABSENT, InvitationStatus.EXCUSED):
        raise ValidationError("Choisissez présent, absent ou excusé.")
    invitation = _lock_invitation(invitation)
    _check_planned(invitation.event)
    _check_event_day(invitation.event, at)
    if invitation.status in (InvitationStatus.HANDED_OVER, InvitationStatus.WITHDRAWN):
        raise ValidationError(
            f"{invitation.household} est « {_status_label(invitation.status)} » : le pointage ne change plus."
        )
    if invitation.status == status:
        return invitation
    if status == InvitationStatus.PRESENT:
        invitation.checked_in_at = invitation.checked_in_at or at or timezone.now()
        if invitation.status in SEAT_STATUSES:
            _set_status(invitation, InvitationStatus.PRESENT, "checked_in_at")
        else:
            _take_seat(invitation, InvitationStatus.PRESENT, "checked_in_at")
        return invitation
    if give_pack_to is None or invitation.pack_id is None:
        return _release(invitation, by=by, status=status)
    return _transfer_pack(invitation, give_pack_to, status=status)


def _transfer_pack(source: Invitation, target: Invitation, *, status: str) -> Invitation:
    target = _lock_invitation(target)
    if target.event_id != source.event_id:
        raise ValidationError("Le pack ne peut aller qu'à un foyer invité au même événement.")
    if target.status not in PENDING_STATUSES or target.pack_id is not None:
        raise ValidationError(
            f"{target.household} attend déjà un pack ou n'est plus attendu : choisissez un autre foyer."
        )
    pack = source.pack
    source.pack = None
    source.checked_in_at = None
    source.save(update_fields=["pack"])
    _set_status(source, status, "checked_in_at")
    # The items stay reserved: the pack changes household without going back to stock.
    target.pack = pack
    target.save(update_fields=["pack"])
    return source


@dataclass
class HandoverOutcome:
    invitation: Invitation
    already_recorded: bool


def _clean_payment(payment_means: str, price_amount: Decimal | None) -> Decimal | None:
    if payment_means not in PaymentMeans.values:
        raise ValidationError({"payment_means": "Choisissez le moyen de paiement, ou « gratuit »."})
    if payment_means == PaymentMeans.FREE:
        if price_amount:
            raise ValidationError({"price_amount": "Une remise gratuite n'a pas de montant : videz le champ."})
        return None
    if price_amount is None or price_amount <= 0:
        raise ValidationError({"price_amount": "Indiquez le montant payé par le foyer (en euros)."})
    return price_amount


@transaction.atomic
def invitation_hand_over(
    *,
    invitation: Invitation,
    by: User,
    payment_means: str,
    price_amount: Decimal | None = None,
    sheet_signed: bool = False,
    at: datetime.datetime | None = None,
) -> HandoverOutcome:
    """Hand the pack to a household checked in: items `distributed`, household equipped, payment recorded.

    Recording it twice (a double click, two people at once) changes nothing the second time.
    `at`: the handover time, when entered later.
    """
    _check_coordination(by)
    invitation = _lock_invitation(invitation)
    if invitation.status == InvitationStatus.HANDED_OVER:
        return HandoverOutcome(invitation=invitation, already_recorded=True)
    _check_planned(invitation.event)
    _check_event_day(invitation.event, at)
    if invitation.status != InvitationStatus.PRESENT:
        raise ValidationError(
            f"{invitation.household} est « {_status_label(invitation.status)} » : pointez-le présent avant la remise."
        )
    if invitation.pack_id is None:
        raise ValidationError(f"{invitation.household} n'a pas de pack attribué : attribuez-lui un pack d'abord.")
    price_amount = _clean_payment(payment_means, price_amount)
    # Dated when it happens: the household is equipped on the day the pack changed hands.
    handed_over_at = at or timezone.now()
    household_mark_equipped(household=invitation.household, on=timezone.localdate(handed_over_at), by=by)
    pack_hand_over(
        pack=invitation.pack, by=by, note=f"Pack {invitation.pack.reference} remis ({_event_note(invitation.event)})"
    )
    invitation.handed_over_at = handed_over_at
    invitation.handed_over_by = by
    invitation.payment_means = payment_means
    invitation.price_amount = price_amount
    invitation.sheet_signed = sheet_signed
    _set_status(
        invitation,
        InvitationStatus.HANDED_OVER,
        "handed_over_at",
        "handed_over_by",
        "payment_means",
        "price_amount",
        "sheet_signed",
    )
    return HandoverOutcome(invitation=invitation, already_recorded=False)


@transaction.atomic
def invitation_record_sheet_signed(*, invitation: Invitation, by: User) -> Invitation:
    """The signed handover sheet came back (after the day, for instance): note it."""
    _check_coordination(by)
    invitation = _lock_invitation(invitation)
    if invitation.status != InvitationStatus.HANDED_OVER:
        raise ValidationError("Seule une remise enregistrée a une fiche signée.")
    invitation.sheet_signed = True
    invitation.save(update_fields=["sheet_signed"])
    return invitation


@transaction.atomic
def invitation_record_onboarding(*, invitation: Invitation, by: User, attended: bool) -> Invitation:
    """The onboarding partner (or coordination) notes whether the household came to the « prise en main »."""
    invitation = _lock_invitation(invitation)
    event = invitation.event
    if not (by.is_coordination or (by.is_partner and by.organisation_id == event.partner_id)):
        raise ValidationError("Seuls la coordination et le partenaire de l'événement notent la prise en main.")
    if invitation.status not in (InvitationStatus.PRESENT, InvitationStatus.HANDED_OVER):
        raise ValidationError(
            f"{invitation.household} est « {_status_label(invitation.status)} » : seul un foyer venu à "
            "l'événement suit la prise en main."
        )
    invitation.onboarding_attended = attended
    invitation.onboarding_recorded_by = by
    invitation.onboarding_recorded_at = timezone.now()
    invitation.save(update_fields=["onboarding_attended", "onboarding_recorded_by", "onboarding_recorded_at"])
    return invitation
