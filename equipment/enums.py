from django.db import models


class ItemCategory(models.TextChoices):
    SCREEN = "screen", "Écran"
    DESKTOP = "desktop", "Unité centrale"
    LAPTOP = "laptop", "Ordinateur portable"
    KEYBOARD = "keyboard", "Clavier"
    MOUSE = "mouse", "Souris"
    UPS = "ups", "Onduleur"
    CABLE = "cable", "Connectique"
    OTHER = "other", "Autre"


COMPUTER_CATEGORIES = frozenset({ItemCategory.DESKTOP, ItemCategory.LAPTOP})


class FormFactor(models.TextChoices):
    TOWER = "tower", "Tour"
    MINI_TOWER = "mini_tower", "Mini tour"
    SMALL_FORM = "small_form", "Format compact"


class ItemStatus(models.TextChoices):
    RECEIVED = "received", "Reçu"
    IN_AUDIT = "in_audit", "En audit"
    REFURBISHED = "refurbished", "Reconditionné"
    RESERVED = "reserved", "Réservé"
    DISTRIBUTED = "distributed", "Distribué"
    RECYCLED = "recycled", "Recyclé (DEEE)"


# The one map of allowed status moves (docs/developing.md, « Le parcours du matériel »).
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    ItemStatus.RECEIVED: frozenset({ItemStatus.IN_AUDIT, ItemStatus.RECYCLED}),
    ItemStatus.IN_AUDIT: frozenset({ItemStatus.REFURBISHED, ItemStatus.RECYCLED}),
    ItemStatus.REFURBISHED: frozenset({ItemStatus.RESERVED, ItemStatus.IN_AUDIT, ItemStatus.RECYCLED}),
    ItemStatus.RESERVED: frozenset({ItemStatus.DISTRIBUTED, ItemStatus.REFURBISHED, ItemStatus.RECYCLED}),
    ItemStatus.DISTRIBUTED: frozenset({ItemStatus.IN_AUDIT}),  # returned by the household
    ItemStatus.RECYCLED: frozenset(),
}


class StatusChangeSource(models.TextChoices):
    TRANSITION = "transition", "Changement de statut"
    IMPORT = "import", "Import"
    SNAPSHOT = "snapshot", "Rapport matériel"


class SnapshotChannel(models.TextChoices):
    """How a hardware snapshot reached Filière."""

    UPLOAD = "upload", "Envoi de fichier dans l'atelier"
    COMMAND = "command", "Commande import_snapshot"
    API = "api", "Envoi direct du Workbench"


class Grade(models.TextChoices):
    A = "A", "A — comme neuf"
    B = "B", "B — traces d'usage"
    C = "C", "C — fonctionnel, usé"


class DriveKind(models.TextChoices):
    HDD = "hdd", "Disque dur"
    SSD = "ssd", "SSD"
    NVME = "nvme", "SSD NVMe"
    OTHER = "other", "Autre"


class DriveFate(models.TextChoices):
    """What became of a drive when its computer went to WEEE recycling."""

    ERASED = "erased", "Effacé"
    DESTROYED = "destroyed", "Détruit"
    REMOVED_KEPT = "removed_kept", "Retiré et conservé"


# Statuses a computer reaches only with its storage accounted for (or exempt): it may leave the workshop.
CLEARED_STATUSES = frozenset({ItemStatus.REFURBISHED, ItemStatus.RESERVED, ItemStatus.DISTRIBUTED})


class ErasureMethod(models.TextChoices):
    CLEAR = "clear", "NIST 800-88 Clear (réécriture)"
    PURGE = "purge", "NIST 800-88 Purge (effacement sécurisé)"
    DESTROY = "destroy", "NIST 800-88 Destroy (destruction physique)"


class ErasureResult(models.TextChoices):
    PASSED = "passed", "Réussi"
    FAILED = "failed", "Échoué"


class WeeeCategory(models.TextChoices):
    """DEEE categories (décret 2014-928, annexe: catégories applicables depuis le 15 août 2018)."""

    HEAT_EXCHANGE = "1", "1 — Équipements d'échange thermique"
    SCREENS = "2", "2 — Écrans et moniteurs"
    LAMPS = "3", "3 — Lampes"
    LARGE = "4", "4 — Gros équipements"
    SMALL = "5", "5 — Petits équipements"
    SMALL_IT = "6", "6 — Petits équipements informatiques et de télécommunications"
    PHOTOVOLTAIC = "7", "7 — Panneaux photovoltaïques"


DEFAULT_WEEE_CATEGORY = {
    ItemCategory.SCREEN: WeeeCategory.SCREENS,
    ItemCategory.LAPTOP: WeeeCategory.SCREENS,
    ItemCategory.DESKTOP: WeeeCategory.SMALL_IT,
    ItemCategory.KEYBOARD: WeeeCategory.SMALL_IT,
    ItemCategory.MOUSE: WeeeCategory.SMALL_IT,
    ItemCategory.UPS: WeeeCategory.SMALL,
    ItemCategory.CABLE: WeeeCategory.SMALL_IT,
    ItemCategory.OTHER: WeeeCategory.SMALL,
}

# Audit checklist questions by category (keys stored in Audit.checklist).
AUDIT_CHECKLIST: dict[str, list[tuple[str, str]]] = {
    ItemCategory.SCREEN: [
        ("powers_on", "S'allume"),
        ("display", "Affichage sans défaut (pixels, rayures)"),
        ("inputs", "Entrées vidéo fonctionnelles"),
        ("stand", "Pied présent et stable"),
    ],
    ItemCategory.DESKTOP: [
        ("powers_on", "S'allume"),
        ("boots", "Démarre un système"),
        ("ports", "Ports USB et vidéo fonctionnels"),
        ("network", "Réseau fonctionnel"),
        ("fans", "Ventilation silencieuse"),
    ],
    ItemCategory.LAPTOP: [
        ("powers_on", "S'allume"),
        ("display", "Écran sans défaut"),
        ("keys", "Toutes les touches répondent"),
        ("battery", "Batterie tient la charge"),
        ("ports", "Ports fonctionnels"),
        ("wifi", "Wi-Fi fonctionnel"),
    ],
    ItemCategory.KEYBOARD: [("keys", "Toutes les touches répondent"), ("cable", "Câble ou liaison en bon état")],
    ItemCategory.MOUSE: [("buttons", "Boutons et molette répondent"), ("tracking", "Suivi du curseur correct")],
    ItemCategory.UPS: [("powers_on", "S'allume"), ("battery", "Batterie tient la charge")],
    ItemCategory.CABLE: [("continuity", "Connecteurs et gaine en bon état")],
    ItemCategory.OTHER: [("works", "Fonctionne")],
}
