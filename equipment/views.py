from functools import cached_property
from operator import itemgetter
from urllib.parse import quote

from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.decorators import access_required
from accounts.permissions import Capability
from core.components import Column, date_text, table
from core.pagination import DEFAULT_EXACT_LIMIT, LargeTablePaginator
from equipment.enums import ItemCategory, ItemStatus
from equipment.filters import ItemFilter
from equipment.labels.qr import item_qr_svg
from equipment.models import Item
from equipment.selectors import item_list_values, whole_matches
from jobs.tasks import job_enqueue

# A search (tag, serial number, model) is counted exactly up to 250 matches, then reads « plus de 250 » with 5 pages
# to browse: past that, people type more of the model or add a filter rather than page on. Counting the matches of a
# common model (« ProDesk »: 6,659 of 100,000) reads the table until the limit is passed: up to 1,000 it cost more
# than the rest of the page's SQL, and the list's throughput over HTTP fell under 0.3 × the bare view's (0.18–0.26).
SEARCH_EXACT_LIMIT = 250


class ItemListPaginator(LargeTablePaginator):
    """Pages over the rows' values(), counts the filtered items alone. Counted through the values(), the count's
    subquery kept their columns and the joins to the donor (62 ms instead of a few for a search by model)."""

    def __init__(self, rows, per_page, *, items, exact_limit=DEFAULT_EXACT_LIMIT):
        super().__init__(rows, per_page, exact_limit=exact_limit)
        self.items = items

    @cached_property
    def count(self) -> int:
        rows, self.object_list = self.object_list, self.items
        try:
            return LargeTablePaginator.count.func(self)
        finally:
            self.object_list = rows


@access_required(Capability.EQUIPMENT)
def item_list(request):
    query = request.GET.get("q", "").strip()
    whole = whole_matches(query) if query else None
    if whole is not None and whole.tag is not None:
        # A barcode scanner types the tag and Enter: open the item at once, whatever the other filters say.
        return redirect("equipment:detail", whole.tag)
    item_filter = ItemFilter(request.GET, queryset=Item.objects.all(), whole=whole)
    items = item_filter.qs
    page = ItemListPaginator(
        item_list_values(items), 50, items=items, exact_limit=SEARCH_EXACT_LIMIT if query else DEFAULT_EXACT_LIMIT
    ).get_page(request.GET.get("page"))
    items_table = table(
        item_columns(reverse("equipment:list")),
        page,
        caption="Matériels, les plus récemment reçus d'abord",
        empty="Aucun matériel ne correspond.",
    )
    context = {"filter": item_filter, "page": page, "table": items_table}
    return render(request, "equipment/item_list.html", context)


def item_columns(list_url: str) -> tuple[Column, ...]:
    """The list's columns, from the rows' values (core.components writes the table: fifty rows of seven cells were
    400 template variables, most of the page's Python time). Item pages live under the list's URL."""
    categories, statuses = dict(ItemCategory.choices), dict(ItemStatus.choices)
    return (
        Column(
            "Étiquette", itemgetter("asset_tag"), href=lambda row: f"{list_url}{quote(row['asset_tag'], safe='')}/"
        ),
        Column("Catégorie", lambda row: categories.get(row["category"], row["category"])),
        Column("Marque / modèle", lambda row: f"{row['manufacturer']} {row['model']}"),
        Column("N° de série", itemgetter("serial_number")),
        Column("Statut", lambda row: statuses.get(row["status"], row["status"])),
        Column("Reçu le", lambda row: date_text(row["received_on"])),
        Column("Don", lambda row: row["donor_name"] or ""),
    )


@require_POST
@access_required(Capability.EQUIPMENT)
def item_export_background(request):
    """The list's CSV export (same filters, same file as /materiel/export.csv) prepared by a task worker: for big
    exports, the person follows it on the job's page, may leave, and downloads it when ready."""
    query = request.POST.get("query", "")
    job = job_enqueue(
        kind="equipment.items_export",
        title="Export CSV du matériel" + (" (liste filtrée)" if query else ""),
        by=request.user,
        params={"query": query},
    )
    return redirect(job)


@access_required(Capability.EQUIPMENT)
def item_detail(request, asset_tag):
    item = get_object_or_404(Item.objects.select_related("donation__donor", "weee_shipment"), asset_tag=asset_tag)
    return render(request, "equipment/item_detail.html", {"item": item})


@access_required(Capability.EQUIPMENT)
def item_label(request, asset_tag):
    """One printable label: QR code of the item page, the tag in clear, category and short model."""
    item = get_object_or_404(Item, asset_tag=asset_tag)
    return render(request, "equipment/item_label.html", {"item": item, "qr": item_qr_svg(item.asset_tag, request)})
