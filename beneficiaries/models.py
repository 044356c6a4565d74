import datetime

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from beneficiaries.enums import AccessAction, EligibilityCriterion
from beneficiaries.status import household_status_annotations
from core.text import compact_key
from territory.models import Commune


class HouseholdQuerySet(models.QuerySet):
    def for_user(self, user):
        """What a user may see: coordination everything, a prescriber their structure's, anyone else nothing."""
        if user.is_coordination:
            return self
        if user.is_prescriber and user.organisation_id:
            return self.filter(structure_id=user.organisation_id)
        return self.none()

    def with_status(self, today: datetime.date | None = None):
        return self.annotate(**household_status_annotations(today))


class Household(models.Model):
    """A household followed by a structure, represented by one reference person; personal data kept minimal."""

    last_name = models.CharField("nom", max_length=100)
    first_name = models.CharField("prénom", max_length=100)
    # Null only once anonymised (see the household_identity_or_anonymised constraint).
    birth_date = models.DateField("date de naissance", null=True)
    address = models.CharField("adresse", max_length=250, help_text="Numéro et rue, complément éventuel.")
    # No index of their own: the list's indexes below start with them and serve their lookups too.
    commune = models.ForeignKey(
        Commune, verbose_name="commune", on_delete=models.PROTECT, related_name="households", db_index=False
    )
    phone = models.CharField("téléphone", max_length=30, blank=True)
    email = models.EmailField("e-mail", blank=True)
    size = models.PositiveSmallIntegerField(
        "nombre de personnes", default=1, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    note = models.TextField(
        "note",
        max_length=500,
        validators=[MaxLengthValidator(500)],
        blank=True,
        help_text="Seulement ce qui sert au programme (disponibilités, besoin particulier). "
        "Pas de données de santé ni de détail sur la situation.",
    )
    structure = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="structure",
        on_delete=models.PROTECT,
        related_name="households",
        db_index=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="inscrit par", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("inscrit le", auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)
    last_activity_at = models.DateTimeField(
        "dernier contact",
        auto_now_add=True,
        db_index=True,
        help_text="Inscription, modification, certification, invitation, réponse, remise : sert à la durée de "
        "conservation des données (beneficiaries.retention).",
    )
    equipped_on = models.DateField("équipé le", null=True, blank=True, editable=False)
    # Kept by the database (triggers of migration 0007 on the certification table), whatever writes certifications:
    # the status filter and its index read one column instead of a subquery per household.
    current_expires_on = models.DateField(
        "certification valable jusqu'au",
        null=True,
        blank=True,
        editable=False,
        help_text="Fin de validité de la dernière certification (la plus récente par date) ; vide sans certification.",
    )
    name_key = models.CharField(max_length=210, editable=False, db_index=True)
    address_key = models.CharField(max_length=250, editable=False)
    # Optimistic locking: each edit from the household page says which version it started from.
    version = models.PositiveIntegerField("version", default=1, editable=False)
    anonymised_at = models.DateTimeField("anonymisé le", null=True, blank=True, editable=False)
    pseudonym = models.CharField(
        "pseudonyme", max_length=12, blank=True, editable=False, help_text="Remplace le nom une fois anonymisé."
    )

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        verbose_name = "foyer"
        verbose_name_plural = "foyers"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["commune", "address_key"], name="household_address_key"),
            # The list, newest first: a structure's households, a commune's (one index probe for a page).
            models.Index(fields=["structure", "-created_at", "-id"], name="household_structure_recent"),
            models.Index(fields=["commune", "-created_at", "-id"], name="household_commune_recent"),
            # The status filters: eligible / expired / registered households, of a structure or of all (those
            # statuses need equipped_on empty; with the id, counting them reads the index alone).
            models.Index(fields=["structure", "current_expires_on"], name="household_structure_expiry"),
            models.Index(
                fields=["current_expires_on", "id"],
                condition=Q(equipped_on__isnull=True),
                name="household_unequipped_expiry",
            ),
            # (A trigram index on name_key, for the name search, is created on PostgreSQL by migration 0007.)
        ]
        constraints = [
            models.CheckConstraint(condition=Q(size__gte=1) & Q(size__lte=20), name="household_size_range"),
            # Anonymised: every identifying field erased and a pseudonym instead; otherwise a birth date, no pseudonym.
            models.CheckConstraint(
                condition=Q(anonymised_at__isnull=True, birth_date__isnull=False, pseudonym="")
                | (
                    Q(anonymised_at__isnull=False, birth_date__isnull=True)
                    & Q(last_name="", first_name="", address="", phone="", email="", note="")
                    & Q(name_key="", address_key="")
                    & ~Q(pseudonym="")
                ),
                name="household_identity_or_anonymised",
            ),
            models.UniqueConstraint(
                fields=["pseudonym"], condition=~Q(pseudonym=""), name="household_pseudonym_unique"
            ),
        ]

    def __str__(self):
        return household_display_name(
            last_name=self.last_name,
            first_name=self.first_name,
            pseudonym=self.pseudonym,
            anonymised=self.anonymised_at is not None,
        )

    def save(self, *args, **kwargs):
        # Keys for duplicate detection follow the fields whatever writes the row.
        if self.anonymised_at is None:
            self.name_key = household_name_key(self.last_name, self.first_name)
            self.address_key = compact_key(self.address)
        if not self._state.adding and kwargs.get("update_fields") is None and not kwargs.get("force_insert"):
            # current_expires_on belongs to the database: an instance read before a certification was added must
            # not write its stale copy back.
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name != "current_expires_on"
            ]
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("beneficiaries:detail", args=[self.pk])

    @property
    def is_anonymised(self) -> bool:
        return self.anonymised_at is not None

    @property
    def full_name(self) -> str:
        return str(self)


def household_display_name(*, last_name: str, first_name: str, pseudonym: str, anonymised: bool) -> str:
    """How a household is named on every page: « DURAND Léa », or its pseudonym once anonymised."""
    if anonymised:
        return f"Foyer #{pseudonym}"
    return f"{last_name.upper()} {first_name}"


def household_name_key(last_name: str, first_name: str) -> str:
    return f"{compact_key(last_name)}|{compact_key(first_name)}"


def _criterion_field(criterion: EligibilityCriterion) -> models.BooleanField:
    return models.BooleanField(criterion.label, default=False)


class CertificationQuerySet(models.QuerySet):
    def valid_on(self, day: datetime.date):
        return self.filter(certified_on__lte=day, expires_on__gt=day)


class Certification(models.Model):
    """A prescriber's statement that a household meets criteria, proof seen; renewing adds a new one."""

    household = models.ForeignKey(
        Household,
        verbose_name="foyer",
        on_delete=models.PROTECT,
        related_name="certifications",
        db_index=False,  # certification_latest starts with household_id and serves the joins too.
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="certifié par", on_delete=models.PROTECT, related_name="+"
    )
    structure = models.ForeignKey(
        "accounts.Organisation", verbose_name="structure", on_delete=models.PROTECT, related_name="certifications"
    )
    certified_on = models.DateField("certifié le")
    expires_on = models.DateField("expire le", help_text="Premier jour où la certification n'est plus valable.")
    # One boolean per criterion (same names as EligibilityCriterion values): plain filters and counts on any database.
    rsa = _criterion_field(EligibilityCriterion.RSA)
    ass = _criterion_field(EligibilityCriterion.ASS)
    aah = _criterion_field(EligibilityCriterion.AAH)
    rqth = _criterion_field(EligibilityCriterion.RQTH)
    job_seeker_12m = _criterion_field(EligibilityCriterion.JOB_SEEKER_12M)
    job_seeker_24m = _criterion_field(EligibilityCriterion.JOB_SEEKER_24M)
    mission_locale = _criterion_field(EligibilityCriterion.MISSION_LOCALE)
    ccas = _criterion_field(EligibilityCriterion.CCAS)
    single_parent = _criterion_field(EligibilityCriterion.SINGLE_PARENT)
    senior = _criterion_field(EligibilityCriterion.SENIOR)
    qpv_zrr = _criterion_field(EligibilityCriterion.QPV_ZRR)
    leaving_detention = _criterion_field(EligibilityCriterion.LEAVING_DETENTION)
    leaving_ase = _criterion_field(EligibilityCriterion.LEAVING_ASE)
    proof_seen = models.BooleanField("justificatif vu")
    data_notice_given = models.BooleanField("foyer informé de l'usage de ses données")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CertificationQuerySet.as_manager()

    class Meta:
        verbose_name = "certification d'éligibilité"
        verbose_name_plural = "certifications d'éligibilité"
        ordering = ["-certified_on", "-id"]
        get_latest_by = ["certified_on", "id"]
        # « The latest certification of a household »: one index probe, no sort.
        indexes = [models.Index(fields=["household", "-certified_on", "-id"], name="certification_latest")]
        constraints = [
            models.CheckConstraint(condition=Q(proof_seen=True), name="certification_proof_seen"),
            models.CheckConstraint(condition=Q(data_notice_given=True), name="certification_data_notice_given"),
            models.CheckConstraint(condition=Q(expires_on__gt=models.F("certified_on")), name="certification_expiry"),
            models.CheckConstraint(
                condition=Q(rsa=True)
                | Q(ass=True)
                | Q(aah=True)
                | Q(rqth=True)
                | Q(job_seeker_12m=True)
                | Q(job_seeker_24m=True)
                | Q(mission_locale=True)
                | Q(ccas=True)
                | Q(single_parent=True)
                | Q(senior=True)
                | Q(qpv_zrr=True)
                | Q(leaving_detention=True)
                | Q(leaving_ase=True),
                name="certification_at_least_one_criterion",
            ),
        ]

    def __str__(self):
        return f"{self.household} — certifié le {self.certified_on:%d/%m/%Y}"

    @property
    def criteria(self) -> list[EligibilityCriterion]:
        return [criterion for criterion in EligibilityCriterion if getattr(self, criterion.value)]

    def is_valid_on(self, day: datetime.date) -> bool:
        return self.certified_on <= day < self.expires_on


class PeriodOverride(models.Model):
    """Coordination's written decision that a household already equipped this period may receive another pack."""

    household = models.ForeignKey(
        Household, verbose_name="foyer", on_delete=models.PROTECT, related_name="period_overrides"
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="accordée par", on_delete=models.PROTECT, related_name="+"
    )
    granted_on = models.DateField("accordée le")
    reason = models.TextField("motif", max_length=1000, validators=[MaxLengthValidator(1000)])
    used_on = models.DateField(
        "utilisée le", null=True, blank=True, editable=False, help_text="Jour de la remise du pack qu'elle a permis."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "dérogation à la période du programme"
        verbose_name_plural = "dérogations à la période du programme"
        ordering = ["-granted_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="period_override_reason_required"),
            # One override waiting to be used at a time: each allows exactly one more pack.
            models.UniqueConstraint(
                fields=["household"], condition=Q(used_on__isnull=True), name="period_override_one_unused"
            ),
        ]

    def __str__(self):
        return f"Dérogation pour {self.household} ({self.granted_on:%d/%m/%Y})"


class DuplicateConfirmation(models.Model):
    """A prescriber's reason for registering a household although similar ones existed."""

    household = models.ForeignKey(
        Household, verbose_name="foyer", on_delete=models.CASCADE, related_name="duplicate_confirmations"
    )
    similar_to = models.ManyToManyField(Household, verbose_name="foyers similaires", related_name="+")
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="confirmé par", on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField("motif", max_length=500, validators=[MaxLengthValidator(500)])
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "doublon confirmé"
        verbose_name_plural = "doublons confirmés"
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(condition=~Q(reason=""), name="duplicate_confirmation_reason_required")]

    def __str__(self):
        return f"Doublon confirmé pour {self.household}"


class HouseholdAccessLog(models.Model):
    """One access to households' personal data: who, from which structure, when, what, which household — ids only.

    Append-only: the app never changes a row (save() refuses, the admin is read-only, a database trigger refuses
    UPDATE); `purge_access_log` deletes rows past their retention.
    """

    at = models.DateTimeField("le", default=timezone.now, db_index=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="utilisateur",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Vide pour une opération automatique (anonymisation).",
    )
    structure = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="structure de l'utilisateur",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField("action", max_length=20, choices=AccessAction.choices)
    household = models.ForeignKey(
        Household,
        verbose_name="foyer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="access_log",
        help_text="Vide pour une liste : la liste ne note pas quels foyers elle montrait.",
    )

    class Meta:
        verbose_name = "accès aux données d'un foyer"
        verbose_name_plural = "journal des accès aux données des foyers"
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(action__in=AccessAction.values), name="access_log_action_known"),
            models.CheckConstraint(
                condition=Q(action=AccessAction.LIST, household__isnull=True)
                | (~Q(action=AccessAction.LIST) & Q(household__isnull=False)),
                name="access_log_household_unless_list",
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | Q(action=AccessAction.ANONYMISE), name="access_log_user_set"
            ),
        ]

    def __str__(self):
        target = f"foyer n° {self.household_id}" if self.household_id else "liste"
        return f"{timezone.localtime(self.at):%d/%m/%Y %H:%M} — {self.get_action_display()} ({target})"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("Le journal des accès ne se modifie pas : une ligne écrite reste telle quelle.")
        super().save(*args, **kwargs)
