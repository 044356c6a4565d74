from django.contrib.auth.models import AbstractUser
from django.db import models

from accounts.enums import ROLE_BY_KIND, OrganisationKind, Role


class OrganisationQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def structures(self):
        return self.filter(kind=OrganisationKind.STRUCTURE)


class Organisation(models.Model):
    """A body taking part in the programme: coordination, refurbisher, prescribing structure or partner."""

    name = models.CharField("nom", max_length=200, unique=True)
    kind = models.CharField("type", max_length=20, choices=OrganisationKind.choices)
    address = models.CharField("adresse", max_length=300, blank=True)
    phone = models.CharField("téléphone", max_length=30, blank=True)
    email = models.EmailField("e-mail", blank=True)
    opening_hours = models.CharField("horaires d'ouverture", max_length=300, blank=True)
    communes_served = models.ManyToManyField(
        "territory.Commune",
        verbose_name="communes desservies",
        related_name="structures",
        blank=True,
        help_text="Les habitants de ces communes peuvent s'adresser à cette structure (page d'accueil publique).",
    )
    is_active = models.BooleanField("active", default=True)
    created_at = models.DateTimeField("créée le", auto_now_add=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = "organisation"
        verbose_name_plural = "organisations"
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def role(self) -> Role:
        return ROLE_BY_KIND[self.kind]


class User(AbstractUser):
    """A person with an account; belongs to one organisation, which decides what they may see."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name="organisation",
        on_delete=models.PROTECT,
        related_name="members",
        null=True,
        blank=True,
    )
    is_demo = models.BooleanField(
        "compte de démonstration",
        default=False,
        help_text="Refusé à la connexion quand DEBUG est désactivé.",
    )

    class Meta:
        verbose_name = "utilisateur"
        verbose_name_plural = "utilisateurs"

    @property
    def role(self) -> Role | None:
        if self.organisation_id is None:
            return Role.COORDINATION if self.is_superuser else None
        return self.organisation.role

    @property
    def is_coordination(self) -> bool:
        return self.role == Role.COORDINATION

    @property
    def is_technician(self) -> bool:
        return self.role == Role.TECHNICIAN

    @property
    def is_prescriber(self) -> bool:
        return self.role == Role.PRESCRIBER

    @property
    def is_partner(self) -> bool:
        return self.role == Role.PARTNER
