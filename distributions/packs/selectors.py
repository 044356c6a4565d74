"""Reads about packs: what a pack holds against its template, which items may still go in."""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from distributions.packs.models import Pack, PackItem
from equipment.enums import ItemCategory, ItemStatus
from equipment.models import Item


@dataclass
class CompositionLine:
    """One category of a pack: how many the template wants, which items are in, how many are missing."""

    category: str
    wanted: int
    pack_items: list[PackItem] = field(default_factory=list)

    @property
    def label(self) -> str:
        return ItemCategory(self.category).label

    @property
    def missing(self) -> int:
        return max(self.wanted - len(self.pack_items), 0)

    @property
    def extra(self) -> int:
        return max(len(self.pack_items) - self.wanted, 0)


CATEGORY_ORDER = {value: index for index, value in enumerate(ItemCategory.values)}


def items_in_category_order(items) -> list[Item]:
    """Screen first, as templates list categories; then by asset tag."""
    return sorted(items, key=lambda item: (CATEGORY_ORDER.get(item.category, 99), item.asset_tag))


def packs_with_contents(packs: QuerySet[Pack]) -> list[Pack]:
    """The packs, each with `contents`: its live items in category order (three queries however many packs)."""
    live = PackItem.objects.filter(is_live=True).select_related("item").order_by("id")
    packs = list(packs.select_related("template").prefetch_related(Prefetch("pack_items", live, to_attr="live")))
    for pack in packs:
        pack.contents = items_in_category_order(pack_item.item for pack_item in pack.live)
    return packs


def pack_live_items(pack: Pack) -> list[PackItem]:
    """The pack's items (for a dissolved or handed-over pack: what it held), with their item, in two queries."""
    return list(pack.pack_items.filter(is_live=pack.is_live).select_related("item"))


def pack_composition(pack: Pack, pack_items: list[PackItem] | None = None) -> list[CompositionLine]:
    """The pack's content set against its template, line by line in the usual category order."""
    pack_items = pack_live_items(pack) if pack_items is None else pack_items
    lines = {line.category: CompositionLine(line.category, line.quantity) for line in pack.template.sorted_lines()}
    for pack_item in pack_items:
        category = pack_item.item.category
        lines.setdefault(category, CompositionLine(category, 0)).pack_items.append(pack_item)
    return list(lines.values())


def pack_missing_text(composition: list[CompositionLine]) -> str:
    """« 1 souris, 1 connectique » — what the pack still lacks, in words; empty when nothing is missing."""
    return ", ".join(f"{line.missing} {line.label.lower()}" for line in composition if line.missing)


def composition_matches(*, wanted: dict[str, int], present: Counter) -> bool:
    return {category: count for category, count in present.items() if count} == {
        category: quantity for category, quantity in wanted.items() if quantity
    }


def items_free_for_packs() -> QuerySet[Item]:
    """Refurbished items that are in no live pack: what a technician may pick."""
    in_live_pack = PackItem.objects.filter(item=OuterRef("pk"), is_live=True)
    return Item.objects.filter(status=ItemStatus.REFURBISHED).filter(~Exists(in_live_pack))


def items_fitting_pack(pack: Pack) -> QuerySet[Item]:
    """Free refurbished items of a category the pack still lacks."""
    missing = [line.category for line in pack_composition(pack) if line.missing]
    return items_free_for_packs().filter(category__in=missing)
