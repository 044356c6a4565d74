from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from accounts.enums import OrganisationKind
from distributions.events.enums import (
    PENDING_STATUSES,
    PUBLISHED_EVENT_STATUSES,
    SEAT_STATUSES,
    EventStatus,
    InvitationStatus,
    PaymentMeans,
)

# Sorted lists, not sets: the SQL of the partial indexes and checks stays the same from one run to the next.
_SEATED = sorted(SEAT_STATUSES)
_PENDING = sorted(PENDING_STATUSES)


class EventQuerySet(models.QuerySet):
    def for_user(self, user):
        """Coordination sees every event; a prescriber the published ones where their households are invited;
        a partner the published ones it runs the onboarding of; anyone else nothing."""
        if user.is_coordination:
            return self
        published = self.filter(status__in=PUBLISHED_EVENT_STATUSES)
        if user.is_prescriber and user.organisation_id:
            invited = Invitation.objects.filter(household__structure_id=user.organisation_id).values("event_id")
            return published.filter(pk__in=invited)
        if user.is_partner and user.organisation_id:
            return published.filter(partner_id=user.organisation_id)
        return self.none()


class Event(models.Model):
    """A distribution event: an afternoon where packs are handed to invited households (e.g. Raismes, 40 places)."""

    title = models.CharField("titre", max_length=200)
    date = models.DateField("date")
    start_time = models.TimeField("heure de début")
    place = models.CharField("lieu", max_length=200, help_text="Par exemple : Salle des fêtes, Raismes.")
    address = models.CharField("adresse du lieu", max_length=300, blank=True)
    capacity = models.PositiveSmallIntegerField("nombre de places", default=40)
    status = models.CharField(
        "statut", max_length=20, choices=EventStatus.choices, default=EventStatus.DRAFT, db_index=True
    )
    partner = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="partenaire de la prise en main",
        on_delete=models.PROTECT,
        related_name="events",
        limit_choices_to={"kind": OrganisationKind.PARTNER},
        null=True,
        blank=True,
    )
    notes = models.TextField("informations pratiques", blank=True, help_text="Imprimées sur la convocation.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="créé par", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = "événement de remise"
        verbose_name_plural = "événements de remise"
        ordering = ["-date", "-start_time", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=EventStatus.values), name="event_status_known"),
            models.CheckConstraint(
                condition=Q(capacity__gte=1),
                name="event_capacity_positive",
                violation_error_message="Un événement compte au moins une place.",
            ),
            models.CheckConstraint(condition=~Q(title="") & ~Q(place=""), name="event_title_and_place_set"),
        ]

    def __str__(self):
        return f"{self.title} ({self.date:%d/%m/%Y})"

    def get_absolute_url(self):
        return reverse("distributions:detail", args=[self.pk])


class AgendaItem(models.Model):
    """One line of an event's agenda: a time and what happens (« 16:00 Accueil des foyers »)."""

    event = models.ForeignKey(Event, verbose_name="événement", on_delete=models.CASCADE, related_name="agenda")
    time = models.TimeField("heure")
    label = models.CharField("étape", max_length=200)

    class Meta:
        verbose_name = "étape du programme"
        verbose_name_plural = "programme de l'événement"
        ordering = ["time", "id"]
        constraints = [models.CheckConstraint(condition=~Q(label=""), name="agendaitem_label_set")]

    def __str__(self):
        return f"{self.time:%H:%M} {self.label}"


class InvitationQuerySet(models.QuerySet):
    def seated(self):
        """Invitations holding one of the event's places."""
        return self.filter(status__in=_SEATED)

    def for_user(self, user):
        """Coordination sees every invitation; a prescriber their structure's; a partner its events' attendees."""
        if user.is_coordination:
            return self
        if user.is_prescriber and user.organisation_id:
            return self.filter(
                household__structure_id=user.organisation_id, event__status__in=PUBLISHED_EVENT_STATUSES
            )
        if user.is_partner and user.organisation_id:
            return self.filter(
                event__partner_id=user.organisation_id, event__status__in=PUBLISHED_EVENT_STATUSES
            ).exclude(status=InvitationStatus.WITHDRAWN)
        return self.none()


class Invitation(models.Model):
    """A household invited to an event, with the pack promised to it and what happened on the day."""

    event = models.ForeignKey(Event, verbose_name="événement", on_delete=models.PROTECT, related_name="invitations")
    household = models.ForeignKey(
        "beneficiaries.Household", verbose_name="foyer", on_delete=models.PROTECT, related_name="invitations"
    )
    status = models.CharField(
        "statut", max_length=20, choices=InvitationStatus.choices, default=InvitationStatus.INVITED, db_index=True
    )
    pack = models.ForeignKey(
        "distributions.Pack",
        verbose_name="pack attribué",
        on_delete=models.PROTECT,
        related_name="invitations",
        null=True,
        blank=True,
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="invité par", on_delete=models.PROTECT, related_name="+"
    )
    invited_at = models.DateTimeField("invité le", auto_now_add=True)
    status_changed_at = models.DateTimeField("statut changé le", null=True, blank=True)
    checked_in_at = models.DateTimeField("arrivé à", null=True, blank=True)
    handed_over_at = models.DateTimeField("remis à", null=True, blank=True)
    handed_over_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="remis par",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    price_amount = models.DecimalField(
        "participation solidaire (€)", max_digits=6, decimal_places=2, null=True, blank=True
    )
    payment_means = models.CharField("moyen de paiement", max_length=10, choices=PaymentMeans.choices, blank=True)
    sheet_signed = models.BooleanField("fiche de remise signée", default=False)
    onboarding_attended = models.BooleanField("présent à la prise en main", null=True, blank=True)
    onboarding_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="prise en main notée par",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    onboarding_recorded_at = models.DateTimeField("prise en main notée le", null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = "invitation"
        verbose_name_plural = "invitations"
        ordering = ["household__last_name", "household__first_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "household"],
                name="invitation_once_per_event",
                violation_error_message="Ce foyer est déjà invité à cet événement.",
            ),
            models.UniqueConstraint(
                fields=["pack"],
                condition=Q(pack__isnull=False, status__in=_SEATED),
                name="invitation_pack_given_once",
                violation_error_message="Ce pack est déjà attribué à un autre foyer.",
            ),
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(status__in=_PENDING),
                name="invitation_one_pending_per_household",
                violation_error_message="Ce foyer est déjà invité à un autre événement.",
            ),
            models.CheckConstraint(condition=Q(status__in=InvitationStatus.values), name="invitation_status_known"),
            models.CheckConstraint(
                condition=Q(pack__isnull=True) | Q(status__in=_SEATED),
                name="invitation_pack_only_when_seated",
                violation_error_message="Un foyer absent, excusé ou retiré ne garde pas de pack.",
            ),
            models.CheckConstraint(
                condition=~Q(status=InvitationStatus.HANDED_OVER)
                | Q(pack__isnull=False, handed_over_at__isnull=False, checked_in_at__isnull=False)
                & ~Q(payment_means=""),
                name="invitation_handover_complete",
                violation_error_message="Une remise a un pack, une heure et un moyen de paiement (ou « gratuit »).",
            ),
            models.CheckConstraint(
                condition=Q(payment_means__in=["", PaymentMeans.FREE], price_amount__isnull=True)
                | Q(payment_means__in=[PaymentMeans.CASH, PaymentMeans.CHEQUE, PaymentMeans.CARD], price_amount__gt=0),
                name="invitation_price_matches_means",
                violation_error_message="Un paiement a un montant positif ; une remise gratuite n'en a pas.",
            ),
        ]

    def __str__(self):
        return f"{self.household} — {self.event}"

    @property
    def holds_seat(self) -> bool:
        return self.status in SEAT_STATUSES

    @property
    def is_pending(self) -> bool:
        return self.status in PENDING_STATUSES
