import html
from functools import cached_property

from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from accounts.decorators import access_required
from accounts.permissions import Capability
from core.pagination import LargeTablePaginator
from equipment.filters import ItemFilter
from equipment.labels.qr import item_qr_svg
from equipment.models import Item
from equipment.selectors import item_list_rows, item_list_values
from jobs.tasks import job_enqueue


class ItemListPaginator(LargeTablePaginator):
    """Pages over the rows' values(), counts the filtered items alone. Counted through the values(), the count's
    subquery kept their columns and the joins to the donor (62 ms instead of a few for a search by model)."""

    def __init__(self, rows, per_page, *, items):
        super().__init__(rows, per_page)
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
    item_filter = ItemFilter(request.GET, queryset=Item.objects.all())
    items = item_filter.qs
    query = request.GET.get("q", "").strip()
    if query:
        exact = items.filter(asset_tag__iexact=query).values_list("asset_tag", flat=True).first()
        if exact is not None:
            # A barcode scanner types the tag and Enter: open the item at once.
            return redirect("equipment:detail", exact)
    page = ItemListPaginator(item_list_values(items), 50, items=items).get_page(request.GET.get("page"))
    rows = item_list_rows(page, list_url=reverse("equipment:list"))
    context = {"filter": item_filter, "page": page, "rows": rows, "rows_html": _item_rows_html(rows)}
    return render(request, "equipment/item_list.html", context)


# One row of the list's table, and the row's values in the order of its {} (each escaped).
ITEM_ROW_HTML = (
    '<tr><td><a href="{}">{}</a></td><td>{}</td><td>{} {}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>'
)
ITEM_ROW_CELLS = (
    "url",
    "asset_tag",
    "category_label",
    "manufacturer",
    "model",
    "serial_number",
    "status_label",
    "received",
    "donor_name",
)


def _item_rows_html(rows: list[dict]) -> str:
    """The table's rows, every value escaped. Written here rather than by a {% for %} in the template: fifty rows
    of eight cells were 400 template variables, the largest part of the page's Python time. (html.escape is what
    django.utils.html.escape calls; format_html_join would cost five times more for these 450 values.)"""
    return mark_safe(  # noqa: S308 (every value is escaped)
        "\n".join(ITEM_ROW_HTML.format(*[html.escape(row[cell]) for cell in ITEM_ROW_CELLS]) for row in rows)
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
