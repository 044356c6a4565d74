from django.db import models


class DonorKind(models.TextChoices):
    COMPANY = "company", "Entreprise"
    PUBLIC_BODY = "public_body", "Organisme public"
    ASSOCIATION = "association", "Association"
    PERSON = "person", "Particulier"


class OfferStatus(models.TextChoices):
    OFFERED = "offered", "Proposée"
    ACCEPTED = "accepted", "Acceptée"
    DECLINED = "declined", "Déclinée"
    SCHEDULED = "scheduled", "Collecte planifiée"
    COLLECTED = "collected", "Reçue"
    PROCESSED = "processed", "Traitée"


# The one map of allowed offer status moves; rescheduling keeps SCHEDULED.
OFFER_TRANSITIONS: dict[str, frozenset[str]] = {
    OfferStatus.OFFERED: frozenset({OfferStatus.ACCEPTED, OfferStatus.DECLINED}),
    OfferStatus.ACCEPTED: frozenset({OfferStatus.SCHEDULED, OfferStatus.COLLECTED, OfferStatus.DECLINED}),
    OfferStatus.SCHEDULED: frozenset({OfferStatus.SCHEDULED, OfferStatus.COLLECTED, OfferStatus.DECLINED}),
    OfferStatus.COLLECTED: frozenset({OfferStatus.PROCESSED}),
    OfferStatus.DECLINED: frozenset(),
    OfferStatus.PROCESSED: frozenset(),
}


class StoredData(models.TextChoices):
    """Whether the donated computers still hold data, as the donor says."""

    YES = "yes", "Oui, ils contiennent encore des données"
    NO = "no", "Non, ils ont déjà été effacés"
    UNKNOWN = "unknown", "Je ne sais pas"
