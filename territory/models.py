"""The territory a deployment serves: its communes and priority neighbourhoods (QPV)."""

from django.core.validators import RegexValidator
from django.db import models

from core.text import compact_key


class CommuneQuerySet(models.QuerySet):
    def in_territory(self):
        return self.filter(is_active=True)


class Commune(models.Model):
    """A commune of the territory; one that left it stays, inactive, for the households that refer to it."""

    insee_code = models.CharField(
        "code INSEE", max_length=5, unique=True, validators=[RegexValidator(r"^\d[\dAB]\d{3}$")]
    )
    name = models.CharField("nom", max_length=100)
    postal_codes = models.CharField("codes postaux", max_length=100, help_text="Séparés par « ; ».")
    name_key = models.CharField("nom normalisé", max_length=100, db_index=True, editable=False)
    zrr = models.BooleanField("classée en ZRR", default=False)
    is_active = models.BooleanField(
        "dans le territoire", default=True, help_text="Décochée quand la commune ne fait plus partie du territoire."
    )

    objects = CommuneQuerySet.as_manager()

    class Meta:
        db_table = "beneficiaries_commune"  # created by beneficiaries before the territory had an app of its own
        verbose_name = "commune"
        verbose_name_plural = "communes"
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # Derived key used to match what people type; kept in step with the name whatever writes the row.
        self.name_key = compact_key(self.name)
        super().save(*args, **kwargs)

    @property
    def postal_code_list(self) -> list[str]:
        return [code.strip() for code in self.postal_codes.split(";") if code.strip()]


class Qpv(models.Model):
    """A priority neighbourhood (quartier prioritaire de la politique de la ville); it covers part of its communes."""

    code = models.CharField("code", max_length=10, unique=True)
    name = models.CharField("nom", max_length=200)
    communes = models.ManyToManyField(Commune, verbose_name="communes", related_name="qpvs", blank=True)

    class Meta:
        db_table = "beneficiaries_qpv"
        verbose_name = "QPV"
        verbose_name_plural = "QPV"
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.code})"
