from django.conf import settings
from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse

from donations.enums import DonorKind, OfferStatus, StoredData
from equipment.enums import ItemCategory
from equipment.models import Item


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
        # A correlated subquery, not a JOIN + GROUP BY: the database counts items only for the rows it returns
        # (a page of 50 donations), through the (donation, category) index, instead of grouping every item.
        items = Item.objects.filter(donation=OuterRef("pk")).order_by().values("donation").annotate(n=Count("pk"))
        return self.annotate(counted_count=Coalesce(Subquery(items.values("n")), 0))


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


# --- Donation offers: what a donor announces on the public form, before anything arrives ---

OFFER_LINE_MAX_QUANTITY = 500


class OfferReferenceCounter(models.Model):
    """Last offer number handed out for a year; locked row so two donors never get the same reference."""

    year = models.PositiveIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "compteur de propositions"

    def __str__(self):
        return f"{self.year}: {self.last_number}"


class DonationOfferQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(status__in=[OfferStatus.DECLINED, OfferStatus.PROCESSED])

    def with_totals(self):
        return self.annotate(total_quantity=Sum("lines__quantity"))


class DonationOffer(models.Model):
    """Equipment a donor offers on the public form; followed by the donor through a private link."""

    reference = models.CharField("référence", max_length=20, unique=True)
    status = models.CharField(
        "statut", max_length=20, choices=OfferStatus.choices, default=OfferStatus.OFFERED, db_index=True
    )
    organisation_name = models.CharField("organisation", max_length=200)
    donor_kind = models.CharField("type de donateur", max_length=20, choices=DonorKind.choices)
    siret = models.CharField("SIRET", max_length=14, blank=True)
    contact_name = models.CharField("personne à contacter", max_length=120)
    email = models.EmailField("e-mail")
    phone = models.CharField("téléphone", max_length=20)
    pickup_address = models.CharField("adresse d'enlèvement", max_length=250)
    pickup_postal_code = models.CharField("code postal", max_length=5)
    pickup_commune = models.CharField("commune", max_length=100)
    computers_hold_data = models.CharField(
        "données sur les ordinateurs", max_length=10, choices=StoredData.choices, blank=True
    )
    preferred_dates = models.CharField("disponibilités", max_length=500, blank=True)
    wants_erasure_certificate = models.BooleanField("souhaite un certificat d'effacement", default=False)
    message = models.TextField("message du donateur", max_length=2000, blank=True)
    terms_accepted_at = models.DateTimeField("conditions acceptées le")
    decline_reason = models.CharField("motif du refus", max_length=500, blank=True)
    collection_on = models.DateField("date de collecte", null=True, blank=True)
    collection_note = models.CharField("précisions sur la collecte", max_length=300, blank=True)
    donation = models.OneToOneField(
        Donation,
        verbose_name="don",
        on_delete=models.PROTECT,
        related_name="offer",
        null=True,
        blank=True,
    )
    # SHA-256 of the private tracking token: the token itself is only ever e-mailed to the donor.
    tracking_token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    tracking_token_issued_at = models.DateTimeField("lien de suivi émis le", null=True, blank=True)
    status_changed_at = models.DateTimeField("statut changé le", null=True, blank=True)
    created_at = models.DateTimeField("reçue le", auto_now_add=True)

    objects = DonationOfferQuerySet.as_manager()

    class Meta:
        verbose_name = "proposition de don"
        verbose_name_plural = "propositions de don"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=OfferStatus.values),
                name="donationoffer_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(siret="") | Q(siret__regex=r"^[0-9]{14}$"),
                name="donationoffer_siret_14_digits",
                violation_error_message="Le SIRET compte 14 chiffres.",
            ),
            models.CheckConstraint(
                condition=~Q(status=OfferStatus.DECLINED) | ~Q(decline_reason=""),
                name="donationoffer_declined_has_reason",
                violation_error_message="Une proposition déclinée porte un motif.",
            ),
            models.CheckConstraint(
                condition=~Q(status=OfferStatus.SCHEDULED) | Q(collection_on__isnull=False),
                name="donationoffer_scheduled_has_date",
                violation_error_message="Une collecte planifiée a une date.",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[OfferStatus.COLLECTED, OfferStatus.PROCESSED]) | Q(donation__isnull=False),
                name="donationoffer_collected_has_donation",
                violation_error_message="Une proposition reçue est liée à un don.",
            ),
            models.CheckConstraint(
                condition=~Q(organisation_name="") & ~Q(contact_name="") & ~Q(email="") & ~Q(phone=""),
                name="donationoffer_contact_set",
                violation_error_message="Organisation, contact, e-mail et téléphone sont obligatoires.",
            ),
        ]

    def __str__(self):
        return f"{self.reference} — {self.organisation_name}"

    def get_absolute_url(self):
        return reverse("donations:offer_detail", args=[self.pk])

    @property
    def pickup_place(self) -> str:
        return f"{self.pickup_address}, {self.pickup_postal_code} {self.pickup_commune}"


class DonationOfferLine(models.Model):
    """How many items of one category an offer announces."""

    offer = models.ForeignKey(
        DonationOffer, verbose_name="proposition", on_delete=models.CASCADE, related_name="lines"
    )
    category = models.CharField("catégorie", max_length=20, choices=ItemCategory.choices)
    quantity = models.PositiveIntegerField("quantité")

    class Meta:
        verbose_name = "ligne de proposition"
        verbose_name_plural = "lignes de proposition"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint("offer", "category", name="donationofferline_one_per_category"),
            models.CheckConstraint(
                condition=Q(quantity__gte=1) & Q(quantity__lte=OFFER_LINE_MAX_QUANTITY),
                name="donationofferline_quantity_bounded",
                violation_error_message=f"La quantité va de 1 à {OFFER_LINE_MAX_QUANTITY}.",
            ),
            models.CheckConstraint(
                condition=Q(category__in=ItemCategory.values), name="donationofferline_category_valid"
            ),
        ]

    def __str__(self):
        return f"{self.quantity} × {self.get_category_display()}"


class DonationOfferStatusChange(models.Model):
    """Append-only log of an offer's status changes (and link re-issues), shown to staff."""

    offer = models.ForeignKey(
        DonationOffer, verbose_name="proposition", on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField("de", max_length=20, choices=OfferStatus.choices, blank=True)
    to_status = models.CharField("vers", max_length=20, choices=OfferStatus.choices)
    note = models.CharField("note", max_length=500, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="par", on_delete=models.PROTECT, null=True, blank=True
    )
    at = models.DateTimeField("le", auto_now_add=True)

    class Meta:
        verbose_name = "changement de statut de proposition"
        verbose_name_plural = "changements de statut de proposition"
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.offer.reference}: {self.from_status or '—'} → {self.to_status}"
