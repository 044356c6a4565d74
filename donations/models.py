from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse

from donations.enums import DonorKind


class Donor(models.Model):
    """Who gives equipment: a company, a public body, an association or a person."""

    name = models.CharField("nom", max_length=200)
    kind = models.CharField("type", max_length=20, choices=DonorKind.choices, default=DonorKind.COMPANY)
    siret = models.CharField("SIRET", max_length=14, blank=True)
    contact_name = models.CharField("contact", max_length=200, blank=True)
    email = models.EmailField("e-mail", blank=True)
    phone = models.CharField("téléphone", max_length=30, blank=True)
    address = models.CharField("adresse", max_length=300, blank=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    class Meta:
        verbose_name = "donateur"
        verbose_name_plural = "donateurs"
        ordering = ["name"]
        constraints = [models.UniqueConstraint("name", name="donor_name_unique")]

    def __str__(self):
        return self.name


class DonationQuerySet(models.QuerySet):
    def with_counts(self):
        return self.annotate(counted_count=Count("items", distinct=True))


class Donation(models.Model):
    """A lot of equipment given by one donor on one day."""

    reference = models.CharField("référence", max_length=40, unique=True)
    donor = models.ForeignKey(Donor, verbose_name="donateur", on_delete=models.PROTECT, related_name="donations")
    received_on = models.DateField("reçu le", db_index=True)
    collection_place = models.CharField("lieu de collecte", max_length=300, blank=True)
    announced_count = models.PositiveIntegerField("nombre annoncé", null=True, blank=True)
    notes = models.TextField("notes", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="saisi par", on_delete=models.PROTECT, null=True, blank=True
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    objects = DonationQuerySet.as_manager()

    class Meta:
        verbose_name = "don"
        verbose_name_plural = "dons"
        ordering = ["-received_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(announced_count__isnull=True) | Q(announced_count__gte=0),
                name="donation_announced_count_non_negative",
            )
        ]

    def __str__(self):
        return f"{self.reference} — {self.donor.name}"

    def get_absolute_url(self):
        return reverse("donations:detail", args=[self.pk])
