from django.db import models


class EventStatus(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    PLANNED = "planned", "Programmé"
    DONE = "done", "Terminé"
    CANCELLED = "cancelled", "Annulé"


# Events whose invitations and packs may still change.
OPEN_EVENT_STATUSES = frozenset({EventStatus.DRAFT, EventStatus.PLANNED})
# Events people outside coordination may see (a draft is coordination's own work).
PUBLISHED_EVENT_STATUSES = frozenset({EventStatus.PLANNED, EventStatus.DONE})


class InvitationStatus(models.TextChoices):
    INVITED = "invited", "Invité"
    CONFIRMED = "confirmed", "Venue confirmée"
    PRESENT = "present", "Présent"
    ABSENT = "absent", "Absent"
    EXCUSED = "excused", "Excusé"
    HANDED_OVER = "handed_over", "Équipement remis"
    WITHDRAWN = "withdrawn", "Invitation retirée"


# Invitations that hold one of the event's places (and may hold a pack).
SEAT_STATUSES = frozenset(
    {InvitationStatus.INVITED, InvitationStatus.CONFIRMED, InvitationStatus.PRESENT, InvitationStatus.HANDED_OVER}
)
# Invitations still waiting for their handover: a household has at most one of them, all events together.
PENDING_STATUSES = frozenset({InvitationStatus.INVITED, InvitationStatus.CONFIRMED, InvitationStatus.PRESENT})
# Check-in outcomes coordination records on the day.
CHECK_IN_STATUSES = (InvitationStatus.PRESENT, InvitationStatus.ABSENT, InvitationStatus.EXCUSED)


class PaymentMeans(models.TextChoices):
    FREE = "free", "Gratuit"
    CASH = "cash", "Espèces"
    CHEQUE = "cheque", "Chèque"
    CARD = "card", "Carte bancaire"
