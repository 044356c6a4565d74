"""Demo packs: two complete « Pack bureautique » and one still being assembled, from the demo's refurbished items."""

from distributions.packs.models import Pack, PackTemplate, PackTemplateLine
from distributions.packs.selectors import items_fitting_pack
from distributions.packs.services import pack_add_item, pack_create
from equipment.enums import ItemCategory

COMPLETE_PACKS = 2


def _fill(pack, technician, *, limit=None) -> None:
    """Add the first fitting free item of each missing category, up to `limit` items."""
    added = 0
    while limit is None or added < limit:
        item = items_fitting_pack(pack).order_by("category", "asset_tag").first()
        if item is None:
            return
        pack_add_item(pack=pack, item=item, by=technician)
        added += 1


def populate(users) -> None:
    if Pack.objects.exists():
        return
    technician = users["technicien"]
    laptop, created = PackTemplate.objects.get_or_create(
        name="Pack portable", defaults={"description": "Un ordinateur portable et une souris."}
    )
    if created:
        PackTemplateLine.objects.create(template=laptop, category=ItemCategory.LAPTOP, quantity=1)
        PackTemplateLine.objects.create(template=laptop, category=ItemCategory.MOUSE, quantity=1)
    for _ in range(COMPLETE_PACKS):
        _fill(pack_create(by=technician), technician)
    _fill(pack_create(by=technician, notes="Démo : pack en cours de préparation."), technician, limit=2)
