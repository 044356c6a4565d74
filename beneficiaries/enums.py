from django.db import models


class EligibilityCriterion(models.TextChoices):
    """The programme's criteria; a household needs one of them (and to live in the territory).

    Each value is also the name of a boolean field on Certification, so that counts stay plain SQL.
    """

    RSA = "rsa", "RSA"
    ASS = "ass", "ASS"
    AAH = "aah", "AAH"
    RQTH = "rqth", "RQTH"
    JOB_SEEKER_12M = "job_seeker_12m", "Demandeur d'emploi de longue durée (12 mois et plus)"
    JOB_SEEKER_24M = "job_seeker_24m", "Demandeur d'emploi de très longue durée (24 mois et plus)"
    MISSION_LOCALE = "mission_locale", "Inscrit à la Mission Locale"
    CCAS = "ccas", "Suivi par le CCAS de la commune"
    SINGLE_PARENT = "single_parent", "Parent isolé"
    SENIOR = "senior", "Senior"
    QPV_ZRR = "qpv_zrr", "QPV ou ZRR"
    LEAVING_DETENTION = "leaving_detention", "Sortant de détention"
    LEAVING_ASE = "leaving_ase", "Sortant de l'ASE (aide sociale à l'enfance)"


# Senior follows from the birth date; the prescriber never ticks it.
COMPUTED_CRITERIA = frozenset({EligibilityCriterion.SENIOR})
DECLARED_CRITERIA = [criterion for criterion in EligibilityCriterion if criterion not in COMPUTED_CRITERIA]


class HouseholdStatus(models.TextChoices):
    """Where a household stands, derived from facts (certifications, invitations, handover), never edited."""

    REGISTERED = "registered", "Inscrit"
    ELIGIBLE = "eligible", "Éligible"
    EXPIRED = "expired", "Certification expirée"
    INVITED = "invited", "Invité"
    EQUIPPED = "equipped", "Équipé"


class AccessAction(models.TextChoices):
    """What someone did with households' personal data (one row of the access log each time)."""

    LIST = "list", "Liste des foyers consultée"
    VIEW = "view", "Fiche du foyer consultée"
    REGISTER = "register", "Foyer inscrit"
    UPDATE = "update", "Informations modifiées"
    CERTIFY = "certify", "Certification enregistrée"
    OVERRIDE = "override", "Dérogation accordée"
    EXPORT_JSON = "export_json", "Données exportées (JSON)"
    EXPORT_PDF = "export_pdf", "Données exportées (PDF)"
    ANONYMISE = "anonymise", "Foyer anonymisé (durée de conservation écoulée)"
    # The duplicate warning of a registration or an edit told someone that this household exists (no criteria, no
    # identity: its structure and registration date), or, past the day's limit, only that it exists elsewhere.
    DUPLICATE_MATCH = "duplicate_match", "Doublon possible signalé"
    DUPLICATE_WITHHELD = "duplicate_withheld", "Doublon possible signalé au-delà de la limite du jour"
