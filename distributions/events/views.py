"""Distribution events' pages: coordination prepares and runs the day, prescribers follow their households,
the onboarding partner notes the « prise en main ». Technicians never see households: 403 everywhere here.

Scoped first, then looked up: an event or invitation outside what the user may see is a 404.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import access_required
from accounts.permissions import Capability
from beneficiaries.models import Household
from core.forms import add_service_errors
from distributions.events.enums import CHECK_IN_STATUSES, OPEN_EVENT_STATUSES, PENDING_STATUSES, InvitationStatus
from distributions.events.forms import (
    EventDaySearchForm,
    EventForm,
    HandoverForm,
    OnboardingForm,
    PackChoiceForm,
    WaitingListFilterForm,
)
from distributions.events.models import Event, Invitation
from distributions.events.selectors import (
    candidates,
    event_day_refusal,
    event_invitations,
    events_page,
    pack_items_sorted,
    waiting_list,
    with_pack_contents,
)
from distributions.events.services import (
    event_allocate_packs,
    event_cancel,
    event_close,
    event_create,
    event_schedule,
    event_update,
    households_invite,
    invitation_allocate_pack,
    invitation_check_in,
    invitation_hand_over,
    invitation_record_onboarding,
    invitation_record_sheet_signed,
    invitation_release_pack,
    invitation_respond,
    invitation_withdraw,
)
from distributions.packs.models import Pack
from distributions.packs.selectors import packs_with_contents

WAITING_LIST_PAGE = 50
EVENT_LIST_PAGE = 50


def event_or_404(request, pk) -> Event:
    return get_object_or_404(Event.objects.for_user(request.user).select_related("partner"), pk=pk)


def _invitation_or_404(request, pk, invitation_id) -> Invitation:
    queryset = Invitation.objects.for_user(request.user).select_related("event", "household", "pack")
    return get_object_or_404(queryset, pk=invitation_id, event_id=pk)


def _refusal(request, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


def _back_to(name: str, event_pk: int, invitation_pk: int | None = None) -> str:
    url = reverse(name, args=[event_pk])
    return f"{url}#invitation-{invitation_pk}" if invitation_pk else url


# --- Lists and detail ------------------------------------------------------------------------------------------


@access_required(Capability.EVENTS)
def event_list(request):
    user = request.user
    if user.is_prescriber:
        invitations = (
            Invitation.objects.for_user(user)
            .select_related("event", "household__commune")
            .order_by("-event__date", "household__last_name", "pk")
        )
        return render(request, "distributions/event_list.html", {"invitations": invitations})
    page = events_page(Event.objects.for_user(user), request.GET.get("page"), per_page=EVENT_LIST_PAGE)
    return render(request, "distributions/event_list.html", {"page": page, "events": page.object_list})


@access_required(Capability.EVENTS)
def event_detail(request, pk):
    event = event_or_404(request, pk)
    user = request.user
    context = {"event": event, "agenda": list(event.agenda.all())}
    if user.is_partner or user.is_prescriber:
        context["invitations"] = list(event_invitations(event, user))
        if user.is_partner:
            context["onboarding_form"] = OnboardingForm()
            return render(request, "distributions/event_attendees.html", context)
        return render(request, "distributions/event_detail_prescriber.html", context)
    # Coordination chooses the packs: each row shows what its pack holds.
    context["invitations"] = invitations = with_pack_contents(event_invitations(event, user, with_items=True))
    seated = [invitation for invitation in invitations if invitation.holds_seat]
    context.update(
        seats_taken=len(seated),
        packs_allocated=sum(1 for invitation in seated if invitation.pack_id),
        handed_over=sum(1 for invitation in seated if invitation.status == InvitationStatus.HANDED_OVER),
        is_open=event.status in OPEN_EVENT_STATUSES,
    )
    return render(request, "distributions/event_detail.html", context)


# --- Coordination: prepare -------------------------------------------------------------------------------------


@access_required(Capability.EVENT_MANAGE)
@require_http_methods(["GET", "POST"])
def event_create_view(request):
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            event = event_create(by=request.user, agenda=form.cleaned_data["agenda"], **form.event_values())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Événement créé en brouillon. Invitez maintenant des foyers.")
            return redirect(event)
    return render(request, "distributions/event_form.html", {"form": form, "event": None})


@access_required(Capability.EVENT_MANAGE)
@require_http_methods(["GET", "POST"])
def event_edit(request, pk):
    event = event_or_404(request, pk)
    if event.status not in OPEN_EVENT_STATUSES:
        messages.error(request, f"L'événement est « {event.get_status_display().lower()} » : il ne change plus.")
        return redirect(event)
    form = EventForm(request.POST or None, instance=event)
    if request.method == "POST" and form.is_valid():
        try:
            event_update(event=event, by=request.user, agenda=form.cleaned_data["agenda"], **form.event_values())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Événement enregistré.")
            return redirect(event)
    return render(request, "distributions/event_form.html", {"form": form, "event": event})


EVENT_ACTIONS = {
    "programmer": (
        event_schedule,
        "Programmer l'événement ?",
        [
            "Les prescripteurs voient l'événement et peuvent imprimer les convocations de leurs foyers.",
            "Le partenaire de la prise en main voit la liste des participants.",
        ],
        "Programmer",
        "btn-primary",
        "Événement programmé.",
    ),
    "clore": (
        event_close,
        "Clore l'événement ?",
        [
            "Les foyers qui ne sont pas venus sont notés absents.",
            "Leurs packs retournent en stock : leurs matériels redeviennent « reconditionnés ».",
        ],
        "Clore l'événement",
        "btn-primary",
        "Événement clos.",
    ),
    "annuler": (
        event_cancel,
        "Annuler l'événement ?",
        [
            "Toutes les invitations sont retirées.",
            "Les packs attribués retournent en stock : leurs matériels redeviennent « reconditionnés ».",
        ],
        "Annuler l'événement",
        "btn-danger",
        "Événement annulé.",
    ),
}


@access_required(Capability.EVENT_MANAGE)
@require_http_methods(["GET", "POST"])
def event_action(request, pk, action):
    event = event_or_404(request, pk)
    service, question, consequences, button, button_class, done = EVENT_ACTIONS[action]
    if request.method == "POST":
        try:
            service(event=event, by=request.user)
        except ValidationError as error:
            _refusal(request, error)
        else:
            messages.success(request, done)
        return redirect(event)
    context = {
        "title": question,
        "question": f"{question} — {event}",
        "consequences": consequences,
        "button": button,
        "button_class": button_class,
        "cancel_url": event.get_absolute_url(),
    }
    return render(request, "accounts/confirm.html", context)


@access_required(Capability.EVENT_MANAGE)
@require_http_methods(["GET", "POST"])
def event_invite(request, pk):
    event = event_or_404(request, pk)
    filter_form = WaitingListFilterForm(request.GET or None)
    filters = filter_form.cleaned_data if filter_form.is_valid() else {}
    selected = set()
    if request.method == "POST":
        selected = {int(value) for value in request.POST.getlist("households") if value.isdigit()}
        try:
            invited = households_invite(
                event=event, households=Household.objects.filter(pk__in=selected).only("pk"), by=request.user
            )
        except ValidationError as error:
            _refusal(request, error)
        else:
            plural = "s" if len(invited) > 1 else ""
            messages.success(request, f"{len(invited)} foyer{plural} invité{plural}.")
            return redirect(event)
    households = waiting_list(event=event, commune=filters.get("commune"), structure=filters.get("structure"))
    page = Paginator(households, WAITING_LIST_PAGE).get_page(request.GET.get("page"))
    context = {
        "event": event,
        "filter_form": filter_form,
        "page": page,
        "candidates": candidates(page, event),
        "selected": selected,
        "seats_left": event.capacity - event.invitations.seated().count(),
        "is_open": event.status in OPEN_EVENT_STATUSES,
    }
    return render(request, "distributions/event_invite.html", context)


@access_required(Capability.EVENT_MANAGE)
def event_allocate(request, pk):
    event = event_or_404(request, pk)
    invitations = [
        invitation
        for invitation in with_pack_contents(event_invitations(event, request.user, with_items=True))
        if invitation.status in PENDING_STATUSES
    ]
    packs = packs_with_contents(Pack.objects.complete().order_by("completed_at", "pk"))
    context = {
        "event": event,
        "invitations": invitations,
        "packs": packs,
        "without_pack": sum(1 for invitation in invitations if not invitation.pack_id),
        "is_open": event.status in OPEN_EVENT_STATUSES,
    }
    return render(request, "distributions/event_allocate.html", context)


@access_required(Capability.EVENT_MANAGE)
@require_POST
def event_allocate_auto(request, pk):
    event = event_or_404(request, pk)
    try:
        outcome = event_allocate_packs(event=event, by=request.user)
    except ValidationError as error:
        _refusal(request, error)
    else:
        count = len(outcome.allocated)
        messages.success(request, f"{count} pack{'s' if count > 1 else ''} attribué{'s' if count > 1 else ''}.")
        if outcome.without_pack:
            messages.warning(
                request,
                f"{outcome.without_pack} foyer{'s' if outcome.without_pack > 1 else ''} sans pack : il n'y a plus "
                "de pack complet en stock. Demandez à l'atelier d'en préparer.",
            )
    return redirect("distributions:allocate", pk=event.pk)


@access_required(Capability.EVENT_MANAGE)
@require_POST
def invitation_allocate(request, pk, invitation_id):
    invitation = _invitation_or_404(request, pk, invitation_id)
    form = PackChoiceForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["pack"]))
    else:
        try:
            invitation_allocate_pack(invitation=invitation, pack=form.cleaned_data["pack"], by=request.user)
        except ValidationError as error:
            _refusal(request, error)
        else:
            messages.success(request, f"Pack {form.cleaned_data['pack'].reference} attribué à {invitation.household}.")
    return redirect(_back_to("distributions:allocate", pk, invitation.pk))


@access_required(Capability.EVENT_MANAGE)
@require_POST
def invitation_release(request, pk, invitation_id):
    invitation = _invitation_or_404(request, pk, invitation_id)
    try:
        invitation_release_pack(invitation=invitation, by=request.user)
    except ValidationError as error:
        _refusal(request, error)
    else:
        messages.success(request, f"Pack de {invitation.household} remis en stock.")
    return redirect(_back_to("distributions:allocate", pk, invitation.pk))


@access_required(Capability.EVENT_MANAGE)
@require_POST
def invitation_withdraw_view(request, pk, invitation_id):
    invitation = _invitation_or_404(request, pk, invitation_id)
    try:
        invitation_withdraw(invitation=invitation, by=request.user)
    except ValidationError as error:
        _refusal(request, error)
    else:
        messages.success(request, f"Invitation de {invitation.household} retirée.")
    return redirect(_back_to("distributions:detail", pk, invitation.pk))


@access_required(Capability.INVITATION_ANSWER)
@require_POST
def invitation_answer(request, pk, invitation_id):
    invitation = _invitation_or_404(request, pk, invitation_id)
    coming = request.POST.get("coming")
    if coming not in ("1", "0"):
        messages.error(request, "Indiquez si le foyer vient ou non.")
    else:
        try:
            invitation_respond(invitation=invitation, by=request.user, coming=coming == "1")
        except ValidationError as error:
            _refusal(request, error)
        else:
            answer = "vient" if coming == "1" else "est excusé"
            messages.success(request, f"C'est noté : {invitation.household} {answer}.")
    return redirect(_back_to("distributions:detail", pk, invitation.pk))


# --- Coordination: on the day ------------------------------------------------------------------------------


@access_required(Capability.EVENT_MANAGE)
def event_day(request, pk):
    event = event_or_404(request, pk)
    search = EventDaySearchForm(request.GET or None)
    query = search.cleaned_data["q"].strip() if search.is_valid() else ""
    invitations = event_invitations(event, request.user, with_items=True).exclude(status=InvitationStatus.WITHDRAWN)
    if query:
        invitations = invitations.filter(
            Q(household__last_name__icontains=query) | Q(household__first_name__icontains=query)
        )
    invitations = with_pack_contents(invitations)
    waiting_for_pack = [invitation for invitation in invitations if invitation.is_pending and not invitation.pack_id]
    context = {
        "event": event,
        "invitations": invitations,
        "waiting_for_pack": waiting_for_pack,
        "day_refusal": event_day_refusal(event),
        "query": query,
        "search": search,
        "counts": {
            status.label: sum(1 for invitation in invitations if invitation.status == status)
            for status in InvitationStatus
            if status != InvitationStatus.WITHDRAWN
        },
    }
    return render(request, "distributions/event_day.html", context)


@access_required(Capability.EVENT_MANAGE)
@require_POST
def invitation_check_in_view(request, pk, invitation_id):
    invitation = _invitation_or_404(request, pk, invitation_id)
    status = request.POST.get("status", "")
    give_pack_to = None
    chosen = request.POST.get("give_pack_to", "").strip()
    if chosen:
        # Anything but an invitation number of this event (a tampered form: « abc », « 1e9 ») is the same refusal.
        if chosen.isascii() and chosen.isdigit() and len(chosen) < 19:
            give_pack_to = Invitation.objects.filter(event_id=pk, pk=int(chosen)).first()
        if give_pack_to is None:
            messages.error(request, "Le foyer choisi pour recevoir le pack n'est pas invité à cet événement.")
            return redirect(_back_to("distributions:day", pk, invitation.pk))
    if status not in CHECK_IN_STATUSES:
        messages.error(request, "Choisissez présent, absent ou excusé.")
        return redirect(_back_to("distributions:day", pk, invitation.pk))
    try:
        invitation_check_in(invitation=invitation, status=status, by=request.user, give_pack_to=give_pack_to)
    except ValidationError as error:
        _refusal(request, error)
    else:
        label = InvitationStatus(status).label.lower()
        moved = f" Son pack va à {give_pack_to.household}." if give_pack_to else ""
        messages.success(request, f"{invitation.household} : {label}.{moved}")
    return redirect(_back_to("distributions:day", pk, invitation.pk))


@access_required(Capability.EVENT_MANAGE)
@require_http_methods(["GET", "POST"])
def invitation_handover(request, pk, invitation_id):
    queryset = event_invitations(event_or_404(request, pk), request.user, with_items=True)
    invitation = get_object_or_404(queryset, pk=invitation_id)
    form = HandoverForm(request.POST or None, initial={"payment_means": "free"})
    if request.method == "POST" and form.is_valid():
        try:
            outcome = invitation_hand_over(invitation=invitation, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            done = outcome.invitation
            if outcome.already_recorded:
                at = timezone.localtime(done.handed_over_at)
                messages.info(request, f"La remise à {done.household} était déjà enregistrée ({at:%H:%M}).")
            else:
                messages.success(request, f"Remise enregistrée : {done.household} est équipé.")
            return redirect(_back_to("distributions:day", pk, invitation.pk))
    context = {
        "event": invitation.event,
        "invitation": invitation,
        "items": pack_items_sorted(invitation),
        "form": form,
        "day_refusal": event_day_refusal(invitation.event),
    }
    return render(request, "distributions/invitation_handover.html", context)


@access_required(Capability.EVENT_MANAGE)
@require_POST
def invitation_sheet_signed(request, pk, invitation_id):
    invitation = _invitation_or_404(request, pk, invitation_id)
    try:
        invitation_record_sheet_signed(invitation=invitation, by=request.user)
    except ValidationError as error:
        _refusal(request, error)
    else:
        messages.success(request, f"Fiche signée de {invitation.household} notée.")
    return redirect(_back_to("distributions:detail", pk, invitation.pk))


# --- Partner ---------------------------------------------------------------------------------------------------


@access_required(Capability.ONBOARDING)
@require_POST
def invitation_onboarding(request, pk, invitation_id):
    invitation = _invitation_or_404(request, pk, invitation_id)
    form = OnboardingForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Indiquez si le foyer a suivi la prise en main.")
    else:
        try:
            invitation_record_onboarding(
                invitation=invitation, by=request.user, attended=form.cleaned_data["attended"]
            )
        except ValidationError as error:
            _refusal(request, error)
        else:
            messages.success(request, f"Prise en main notée pour {invitation.household}.")
    return redirect(_back_to("distributions:detail", pk, invitation.pk))
