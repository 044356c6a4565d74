"""/materiel/export.csv: the equipment list with the filters of /materiel/, streamed as it is written."""

from urllib.parse import urlencode

from django.contrib import messages
from django.http import StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from accounts.decorators import access_required
from accounts.permissions import Capability
from equipment.exports.csv import export_blocks, export_filter


@access_required(Capability.EQUIPMENT)
def item_export(request):
    item_filter = export_filter(request.GET)
    if not item_filter.is_valid():
        problems = "; ".join(
            f"{item_filter.form.fields[name].label} : {' '.join(errors)}" if name in item_filter.form.fields else ""
            for name, errors in item_filter.errors.items()
        )
        messages.error(request, f"Export impossible, un filtre est invalide — {problems}")
        query = urlencode([(key, value) for key, value in request.GET.items() if key != "page"])
        return redirect(f"{reverse('equipment:list')}?{query}" if query else reverse("equipment:list"))
    response = StreamingHttpResponse(export_blocks(item_filter.qs), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="materiel-{timezone.localdate():%Y-%m-%d}.csv"'
    return response
