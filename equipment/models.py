from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from equipment.enums import (
    COMPUTER_CATEGORIES,
    DriveFate,
    DriveKind,
    ErasureMethod,
    ErasureResult,
    FormFactor,
    Grade,
    ItemCategory,
    ItemStatus,
    SnapshotChannel,
    StatusChangeSource,
    WeeeCategory,
)


class AssetTagCounter(models.Model):
    """Last number handed out for an asset-tag prefix; locked row so two technicians never get the same tag."""

    prefix = models.CharField(max_length=10, primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "compteur d'étiquettes"

    def __str__(self):
        return f"{self.prefix}: {self.last_number}"


class WeeeShipment(models.Model):
    """A departure of items to a WEEE (DEEE) recycler."""

    recycler = models.CharField("recycleur", max_length=200)
    shipped_on = models.DateField("date d'enlèvement")
    slip_number = models.CharField("numéro de bordereau", max_length=60, unique=True)
    notes = models.TextField("notes", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "enlèvement DEEE"
        verbose_name_plural = "enlèvements DEEE"
        ordering = ["-shipped_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(slip_number="") & ~Q(recycler=""),
                name="weeeshipment_slip_and_recycler_set",
                violation_error_message="Un enlèvement DEEE a un recycleur et un numéro de bordereau.",
            ),
        ]

    def __str__(self):
        return f"Bordereau {self.slip_number} — {self.recycler} ({self.shipped_on:%d/%m/%Y})"


class ItemQuerySet(models.QuerySet):
    def with_status(self, *statuses):
        return self.filter(status__in=statuses)

    def available(self):
        """Refurbished items not yet reserved: what packs are made of."""
        return self.filter(status=ItemStatus.REFURBISHED)

    def received_in(self, year: int):
        return self.filter(received_on__year=year)


class Item(models.Model):
    """One physical thing with an asset tag, followed from donation to household or recycling."""

    asset_tag = models.CharField("étiquette", max_length=30, unique=True)
    category = models.CharField("catégorie", max_length=20, choices=ItemCategory.choices)
    form_factor = models.CharField("format", max_length=20, choices=FormFactor.choices, blank=True)
    status = models.CharField("statut", max_length=20, choices=ItemStatus.choices, default=ItemStatus.RECEIVED)
    donation = models.ForeignKey(
        "donations.Donation",
        verbose_name="don",
        on_delete=models.PROTECT,
        related_name="items",
        null=True,
        blank=True,
    )
    received_on = models.DateField("reçu le")
    manufacturer = models.CharField("marque", max_length=100, blank=True)
    model = models.CharField("modèle", max_length=200, blank=True)
    serial_number = models.CharField("numéro de série", max_length=100, blank=True)
    cpu = models.CharField("processeur", max_length=200, blank=True)
    ram_mb = models.PositiveIntegerField("mémoire vive (Mo)", null=True, blank=True)
    os_installed = models.CharField("système installé", max_length=100, blank=True)
    weight_kg = models.DecimalField("poids (kg)", max_digits=7, decimal_places=2, null=True, blank=True)
    notes = models.TextField("notes", blank=True)
    # Set when the item goes to WEEE recycling.
    recycling_reason = models.CharField("motif de recyclage", max_length=300, blank=True)
    weee_category = models.CharField("catégorie DEEE", max_length=2, choices=WeeeCategory.choices, blank=True)
    weee_shipment = models.ForeignKey(
        WeeeShipment,
        verbose_name="enlèvement DEEE",
        on_delete=models.PROTECT,
        related_name="items",
        null=True,
        blank=True,
    )
    # Storage accounted for without drives: the technician checked the computer holds none (who, when).
    no_storage_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="« aucun support de stockage » confirmé par",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )
    no_storage_confirmed_at = models.DateTimeField(
        "« aucun support de stockage » confirmé le", null=True, blank=True, editable=False
    )
    # Brought in by the historical import already past the audit: its erasures were never recorded here. Only the
    # import sets it; it ends when the item comes back to the audit (database constraint and trigger).
    erasure_exempt = models.BooleanField(
        "entré par l'import historique (effacement non suivi ici)", default=False, editable=False
    )
    status_changed_at = models.DateTimeField("statut changé le", null=True, blank=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at", "status_changed_at"])
    objects = ItemQuerySet.as_manager()

    class Meta:
        verbose_name = "matériel"
        verbose_name_plural = "matériels"
        ordering = ["-received_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                "category",
                "serial_number",
                condition=~Q(serial_number=""),
                name="item_serial_unique_per_category",
                violation_error_message="Un matériel de cette catégorie porte déjà ce numéro de série.",
            ),
            models.CheckConstraint(
                condition=Q(weight_kg__isnull=True) | Q(weight_kg__gte=0),
                name="item_weight_non_negative",
                violation_error_message="Le poids ne peut pas être négatif.",
            ),
            models.CheckConstraint(
                condition=~Q(status=ItemStatus.RECYCLED)
                | (Q(weight_kg__isnull=False) & ~Q(weee_category="") & ~Q(recycling_reason="")),
                name="item_recycled_has_weee_data",
                violation_error_message="Un matériel recyclé doit avoir un motif, une catégorie DEEE et un poids.",
            ),
            models.CheckConstraint(
                condition=Q(weee_shipment__isnull=True) | Q(status=ItemStatus.RECYCLED),
                name="item_shipped_only_when_recycled",
                violation_error_message="Seul un matériel recyclé peut partir dans un enlèvement DEEE.",
            ),
            models.CheckConstraint(
                condition=~Q(asset_tag=""),
                name="item_asset_tag_not_empty",
            ),
            models.CheckConstraint(
                condition=Q(erasure_exempt=False) | ~Q(status__in=[ItemStatus.RECEIVED, ItemStatus.IN_AUDIT]),
                name="item_erasure_exempt_past_audit_only",
                violation_error_message="Un matériel revenu à l'audit n'est plus dispensé de preuve d'effacement.",
            ),
            # A scanner or a person may type the tag in any case: "ph-000001" must not be another item.
            models.UniqueConstraint(
                Upper("asset_tag"),
                name="item_asset_tag_unique_ignoring_case",
                violation_error_message="Un matériel porte déjà cette étiquette (sans tenir compte des majuscules).",
            ),
            models.CheckConstraint(condition=Q(status__in=ItemStatus.values), name="item_status_valid"),
            models.CheckConstraint(condition=Q(category__in=ItemCategory.values), name="item_category_valid"),
            models.CheckConstraint(
                condition=Q(form_factor="") | Q(form_factor__in=FormFactor.values), name="item_form_factor_valid"
            ),
            models.CheckConstraint(
                condition=Q(weee_category="") | Q(weee_category__in=WeeeCategory.values),
                name="item_weee_category_valid",
            ),
        ]
        # The list's order (received_on, id), alone and after each filter of the list: a page of 50 is read
        # straight from an index, first or last (scanned backwards), whatever the table's size. The search
        # (tag, serial, model, case-insensitive) has its UPPER() indexes; the model's « contains » a trigram
        # index on PostgreSQL (migration 0003). No B-tree on the model: read in model order, the items of a common
        # model sit together, and PostgreSQL counted a search's first 250 matches by reading 78,000 index entries.
        indexes = [
            models.Index(fields=["received_on", "id"], name="item_received_idx"),
            models.Index(fields=["status", "received_on", "id"], name="item_status_received_idx"),
            # The workshop's usual filter (« reconditionnés », one category): its count reads this index alone.
            models.Index(fields=["status", "category", "received_on", "id"], name="item_status_category_idx"),
            models.Index(fields=["category", "received_on", "id"], name="item_category_received_idx"),
            models.Index(fields=["serial_number"], name="item_serial_idx"),
            models.Index(Upper("serial_number"), name="item_serial_upper_idx"),
            models.Index(fields=["donation", "category"], name="item_donation_category_idx"),
        ]

    def __str__(self):
        label = " ".join(part for part in (self.manufacturer, self.model) if part)
        return f"{self.asset_tag} — {self.get_category_display()}" + (f" {label}" if label else "")

    def get_absolute_url(self):
        return reverse("equipment:detail", args=[self.asset_tag])

    @property
    def needs_erasure(self) -> bool:
        return self.category in COMPUTER_CATEGORIES


class StatusChange(models.Model):
    """One line of an item's append-only status log."""

    item = models.ForeignKey(Item, verbose_name="matériel", on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField("de", max_length=20, choices=ItemStatus.choices, blank=True)
    to_status = models.CharField("vers", max_length=20, choices=ItemStatus.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="par", on_delete=models.PROTECT, null=True, blank=True
    )
    at = models.DateTimeField("le", db_index=True)
    source = models.CharField(
        "origine", max_length=20, choices=StatusChangeSource.choices, default=StatusChangeSource.TRANSITION
    )
    note = models.TextField("note", blank=True)

    class Meta:
        verbose_name = "changement de statut"
        verbose_name_plural = "journal des statuts"
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(from_status=F("to_status")), name="statuschange_moves"),
            models.CheckConstraint(
                condition=(Q(from_status="") | Q(from_status__in=ItemStatus.values))
                & Q(to_status__in=ItemStatus.values),
                name="statuschange_statuses_valid",
            ),
            models.CheckConstraint(
                condition=Q(source__in=StatusChangeSource.values), name="statuschange_source_valid"
            ),
        ]

    def __str__(self):
        return f"{self.item.asset_tag} : {self.get_from_status_display() or '—'} → {self.get_to_status_display()}"


class DriveQuerySet(models.QuerySet):
    def current(self):
        """Drives still in their computer (not marked removed by a newer snapshot)."""
        return self.filter(removed_at__isnull=True)


class Drive(models.Model):
    """A storage device inside a computer; each must be erased or destroyed before the computer is refurbished."""

    item = models.ForeignKey(Item, verbose_name="matériel", on_delete=models.CASCADE, related_name="drives")
    kind = models.CharField("type", max_length=10, choices=DriveKind.choices, default=DriveKind.HDD)
    manufacturer = models.CharField("marque", max_length=100, blank=True)
    model = models.CharField("modèle", max_length=200, blank=True)
    serial_number = models.CharField("numéro de série", max_length=100, blank=True)
    size_gb = models.DecimalField("capacité (Go)", max_digits=9, decimal_places=1, null=True, blank=True)
    # What became of the drive when its computer went to WEEE recycling (asked by the recycling form).
    fate = models.CharField(
        "devenu au recyclage", max_length=20, choices=DriveFate.choices, blank=True, editable=False
    )
    fate_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="devenu noté par",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )
    fate_recorded_at = models.DateTimeField("devenu noté le", null=True, blank=True, editable=False)
    # Snapshots follow the machine: the newest one that saw this drive, and when a newer one no longer listed it.
    last_seen_in = models.ForeignKey(
        "SnapshotImport",
        verbose_name="vu pour la dernière fois dans",
        on_delete=models.SET_NULL,
        related_name="drives_seen",
        null=True,
        blank=True,
    )
    removed_at = models.DateTimeField(
        "retiré le",
        null=True,
        blank=True,
        help_text="Absent du rapport matériel le plus récent : plus dans l'ordinateur. Ses effacements restent.",
    )

    objects = DriveQuerySet.as_manager()

    class Meta:
        verbose_name = "support de stockage"
        verbose_name_plural = "supports de stockage"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                "item",
                "serial_number",
                condition=~Q(serial_number=""),
                name="drive_serial_unique_per_item",
            ),
            models.CheckConstraint(
                condition=Q(size_gb__isnull=True) | Q(size_gb__gte=0), name="drive_size_non_negative"
            ),
            models.CheckConstraint(condition=Q(kind__in=DriveKind.values), name="drive_kind_valid"),
            models.CheckConstraint(
                condition=Q(fate="", fate_recorded_at__isnull=True)
                | Q(fate__in=DriveFate.values, fate_recorded_at__isnull=False),
                name="drive_fate_valid_and_dated",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.serial_number or '(sans n° de série)'}"

    @property
    def is_cleared(self) -> bool:
        """True when an erasure passed or the drive was physically destroyed."""
        return any(
            record.result == ErasureResult.PASSED or record.method == ErasureMethod.DESTROY
            for record in self.erasures.all()
        )


class ErasureRecord(models.Model):
    """One erasure (or destruction) of a drive, as NIST SP 800-88 describes it."""

    drive = models.ForeignKey(Drive, verbose_name="support", on_delete=models.CASCADE, related_name="erasures")
    method = models.CharField("méthode", max_length=10, choices=ErasureMethod.choices)
    tool = models.CharField("outil", max_length=200, blank=True)
    passes = models.PositiveSmallIntegerField("passes", default=1)
    started_at = models.DateTimeField("début", null=True, blank=True)
    finished_at = models.DateTimeField("fin", null=True, blank=True)
    result = models.CharField("résultat", max_length=10, choices=ErasureResult.choices)
    technician = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="technicien", on_delete=models.PROTECT, null=True, blank=True
    )
    from_snapshot = models.BooleanField("issu d'un rapport matériel", default=False)
    notes = models.TextField("notes", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "effacement"
        verbose_name_plural = "effacements"
        ordering = ["started_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(started_at__isnull=True)
                | Q(finished_at__isnull=True)
                | Q(finished_at__gte=F("started_at")),
                name="erasure_finishes_after_start",
                violation_error_message="La fin de l'effacement précède son début.",
            ),
            models.CheckConstraint(
                condition=Q(method__in=ErasureMethod.values) & Q(result__in=ErasureResult.values),
                name="erasure_method_and_result_valid",
            ),
        ]

    def __str__(self):
        return f"{self.get_method_display()} — {self.get_result_display()}"


class Audit(models.Model):
    """A technician's check of an item: checklist by category, grade and notes."""

    item = models.ForeignKey(Item, verbose_name="matériel", on_delete=models.CASCADE, related_name="audits")
    technician = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="technicien", on_delete=models.PROTECT, null=True, blank=True
    )
    audited_on = models.DateField("date")
    grade = models.CharField("grade", max_length=1, choices=Grade.choices)
    checklist = models.JSONField("points de contrôle", default=dict, blank=True)
    notes = models.TextField("notes", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "audit"
        verbose_name_plural = "audits"
        ordering = ["-audited_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(grade__in=Grade.values), name="audit_grade_valid"),
        ]

    def __str__(self):
        return f"Audit {self.audited_on:%d/%m/%Y} — {self.grade}"


class SnapshotImport(models.Model):
    """A hardware snapshot (eReuse Workbench JSON) as received, kept for traceability: the file itself in the
    default storage (S3 when configured), and what it said of the computer, so that the most recently *taken*
    snapshot decides the item's current specs whatever the order they arrive in."""

    item = models.ForeignKey(Item, verbose_name="matériel", on_delete=models.CASCADE, related_name="snapshots")
    uuid = models.CharField("identifiant du rapport", max_length=64, blank=True)
    software = models.CharField("logiciel", max_length=100, blank=True)
    taken_at = models.DateTimeField(
        "pris le",
        default=timezone.now,
        help_text="Selon l'horloge de l'ordinateur (endTime, timestamp) ; à défaut, l'heure de l'import.",
    )
    file = models.FileField("fichier", upload_to="snapshots/%Y/%m/", blank=True)
    # Snapshots imported before the file was kept in storage hold their JSON here.
    raw = models.JSONField("contenu", null=True, blank=True)
    channel = models.CharField("reçu par", max_length=10, choices=SnapshotChannel.choices, blank=True)
    sender = models.CharField("envoyé par", max_length=100, blank=True, help_text="Nom du jeton du Workbench.")
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="importé par", on_delete=models.PROTECT, null=True, blank=True
    )
    imported_at = models.DateTimeField("importé le", auto_now_add=True)
    # What this snapshot said (empty: it did not say): the newest snapshot that says a thing decides it.
    manufacturer = models.CharField("marque", max_length=100, blank=True)
    model = models.CharField("modèle", max_length=200, blank=True)
    cpu = models.CharField("processeur", max_length=200, blank=True)
    ram_mb = models.PositiveIntegerField("mémoire vive (Mo)", null=True, blank=True)
    lists_drives = models.BooleanField("relève les supports", default=True)

    class Meta:
        verbose_name = "rapport matériel"
        verbose_name_plural = "rapports matériels"
        ordering = ["-imported_at"]
        constraints = [
            models.UniqueConstraint("uuid", condition=~Q(uuid=""), name="snapshot_uuid_unique"),
            models.CheckConstraint(
                condition=Q(channel="") | Q(channel__in=SnapshotChannel.values), name="snapshot_channel_valid"
            ),
        ]
        indexes = [models.Index(fields=["item", "taken_at"], name="snapshot_item_taken_idx")]

    def __str__(self):
        return f"Rapport {self.uuid or self.pk} — {self.item.asset_tag}"
