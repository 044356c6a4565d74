from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from distributions.packs.enums import LIVE_PACK_STATUSES, PackStatus
from equipment.enums import ItemCategory


class PackTemplateQuerySet(models.QuerySet):
    def default(self):
        return self.filter(is_default=True).first()


class PackTemplate(models.Model):
    """What a pack must hold: so many items of each category (e.g. « Pack bureautique »)."""

    name = models.CharField("nom", max_length=100, unique=True)
    description = models.TextField("description", blank=True)
    is_default = models.BooleanField(
        "modèle par défaut", default=False, help_text="Proposé d'office quand on prépare un nouveau pack."
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    objects = PackTemplateQuerySet.as_manager()

    class Meta:
        verbose_name = "modèle de pack"
        verbose_name_plural = "modèles de pack"
        ordering = ["-is_default", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=Q(is_default=True),
                name="packtemplate_one_default",
                violation_error_message="Un autre modèle est déjà le modèle par défaut : décochez-le d'abord.",
            ),
        ]

    def __str__(self):
        return self.name

    def sorted_lines(self) -> list["PackTemplateLine"]:
        """Lines in the order of the category list (screen, desktop, laptop, keyboard…); uses prefetched lines."""
        order = {value: index for index, value in enumerate(ItemCategory.values)}
        return sorted(self.lines.all(), key=lambda line: order.get(line.category, len(order)))

    def summary(self) -> str:
        return ", ".join(f"{line.quantity} {line.get_category_display().lower()}" for line in self.sorted_lines())


class PackTemplateLine(models.Model):
    """One category of a pack template and how many items of it the pack takes."""

    template = models.ForeignKey(PackTemplate, verbose_name="modèle", on_delete=models.CASCADE, related_name="lines")
    category = models.CharField("catégorie", max_length=20, choices=ItemCategory.choices)
    quantity = models.PositiveSmallIntegerField("quantité", default=1)

    class Meta:
        verbose_name = "ligne de modèle"
        verbose_name_plural = "contenu du modèle"
        constraints = [
            models.UniqueConstraint(
                fields=["template", "category"],
                name="packtemplateline_category_once",
                violation_error_message="Cette catégorie figure déjà dans le modèle : changez plutôt sa quantité.",
            ),
            models.CheckConstraint(
                condition=Q(category__in=ItemCategory.values), name="packtemplateline_category_valid"
            ),
            models.CheckConstraint(
                condition=Q(quantity__gte=1),
                name="packtemplateline_quantity_positive",
                violation_error_message="La quantité doit être d'au moins 1.",
            ),
        ]

    def __str__(self):
        return f"{self.quantity} × {self.get_category_display()}"


class PackQuerySet(models.QuerySet):
    def live(self):
        return self.filter(status__in=LIVE_PACK_STATUSES)

    def complete(self):
        """Complete packs not yet given to a household: what an event can allocate."""
        return self.filter(status=PackStatus.COMPLETE)


class Pack(models.Model):
    """A set of refurbished items assembled after a template, numbered so it can be labelled and found."""

    reference = models.CharField("numéro", max_length=20, unique=True)
    template = models.ForeignKey(PackTemplate, verbose_name="modèle", on_delete=models.PROTECT, related_name="packs")
    status = models.CharField(
        "statut", max_length=20, choices=PackStatus.choices, default=PackStatus.ASSEMBLING, db_index=True
    )
    items = models.ManyToManyField(
        "equipment.Item", through="PackItem", verbose_name="matériels", related_name="packs", blank=True
    )
    assembled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="préparé par",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    notes = models.TextField("notes", blank=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    completed_at = models.DateTimeField("complet depuis le", null=True, blank=True)
    status_changed_at = models.DateTimeField("statut changé le", null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["status_changed_at"])
    objects = PackQuerySet.as_manager()

    class Meta:
        verbose_name = "pack"
        verbose_name_plural = "packs"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=PackStatus.values), name="pack_status_known"),
            models.CheckConstraint(condition=~Q(reference=""), name="pack_reference_not_empty"),
        ]

    def __str__(self):
        return f"{self.reference} — {self.template}"

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_PACK_STATUSES


class PackItem(models.Model):
    """An item placed in a pack; `is_live` mirrors the pack being live, so the database can refuse a second one."""

    pack = models.ForeignKey(Pack, verbose_name="pack", on_delete=models.CASCADE, related_name="pack_items")
    item = models.ForeignKey(
        "equipment.Item", verbose_name="matériel", on_delete=models.PROTECT, related_name="pack_items"
    )
    # Denormalised from pack.status (services keep them in step): a partial unique index can only
    # look at this table's own columns.
    is_live = models.BooleanField("pack en cours", default=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="ajouté par",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    added_at = models.DateTimeField("ajouté le", auto_now_add=True)

    class Meta:
        verbose_name = "matériel du pack"
        verbose_name_plural = "matériels du pack"
        ordering = ["added_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["item"],
                condition=Q(is_live=True),
                name="packitem_item_in_one_live_pack",
                violation_error_message="Ce matériel est déjà dans un pack en cours.",
            ),
            models.UniqueConstraint(fields=["pack", "item"], name="packitem_item_once_per_pack"),
        ]

    def __str__(self):
        return f"{self.pack.reference} : {self.item.asset_tag}"


# Distribution events live in their own module; imported here so Django registers them with the app.
from distributions.events.models import AgendaItem, Event, Invitation  # noqa: E402, F401
