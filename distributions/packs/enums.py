from django.db import models


class PackStatus(models.TextChoices):
    ASSEMBLING = "assembling", "En préparation"
    COMPLETE = "complete", "Complet"
    ALLOCATED = "allocated", "Attribué"
    HANDED_OVER = "handed_over", "Remis"
    DISSOLVED = "dissolved", "Défait"


# A live pack holds its items: an item is in at most one of them (PackItem.is_live mirrors this).
LIVE_PACK_STATUSES = frozenset({PackStatus.ASSEMBLING, PackStatus.COMPLETE, PackStatus.ALLOCATED})
# Packs whose content technicians may still change.
EDITABLE_PACK_STATUSES = frozenset({PackStatus.ASSEMBLING, PackStatus.COMPLETE})
