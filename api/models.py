from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from accounts.enums import OrganisationKind


class WorkbenchToken(models.Model):
    """A secret a Workbench USB stick sends with its snapshots (`Authorization: Bearer …`), one per workstation or
    technician. Only its SHA-256 digest is stored: the token is shown once, when created. It opens nothing but the
    snapshot upload (POST /api/v1/snapshot/), for the refurbisher it belongs to; revoked, it opens nothing."""

    name = models.CharField(
        "nom", max_length=100, help_text="Le poste ou le technicien qui s'en sert : « Poste 3 », « Clé de Karim »."
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="reconditionneur",
        on_delete=models.PROTECT,
        related_name="workbench_tokens",
        limit_choices_to={"kind": OrganisationKind.REFURBISHER},
    )
    technician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="technicien",
        on_delete=models.PROTECT,
        related_name="workbench_tokens",
        null=True,
        blank=True,
        help_text="Facultatif : les effacements des rapports envoyés avec ce jeton lui sont attribués.",
    )
    prefix = models.CharField(
        "début du jeton", max_length=12, help_text="Pour reconnaître le jeton, sans le dévoiler."
    )
    key_hash = models.CharField("empreinte", max_length=64, unique=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="créé par",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    revoked_at = models.DateTimeField("révoqué le", null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="révoqué par",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    last_used_at = models.DateTimeField("dernier envoi le", null=True, blank=True)
    last_used_address = models.CharField("dernier envoi depuis", max_length=64, blank=True)

    class Meta:
        verbose_name = "jeton Workbench"
        verbose_name_plural = "jetons Workbench"
        ordering = ["organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="workbenchtoken_name_unique",
                violation_error_message="Un jeton Workbench porte déjà ce nom.",
            ),
            models.CheckConstraint(condition=~Q(name=""), name="workbenchtoken_name_set"),
            models.CheckConstraint(condition=Q(key_hash__regex=r"^[0-9a-f]{64}$"), name="workbenchtoken_hash_sha256"),
            models.CheckConstraint(
                condition=Q(revoked_by__isnull=True) | Q(revoked_at__isnull=False),
                name="workbenchtoken_revoked_by_when_revoked",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
