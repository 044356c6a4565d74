from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils.text import slugify

from accounts.decorators import access_required
from accounts.permissions import Capability
from core.pdf import pdf_response
from equipment.models import WeeeShipment
from equipment.weee.documents import csv_lines, register_rows, shipment_slip, shipment_slip_pdf


@access_required(Capability.EQUIPMENT)
def register_csv(request):
    """The WEEE register as CSV, streamed; `?annee=2025` keeps the items recycled that year."""
    year = request.GET.get("annee", "")
    year = int(year) if year.isdigit() and len(year) == 4 else None
    response = StreamingHttpResponse(csv_lines(register_rows(year)), content_type="text/csv; charset=utf-8")
    filename = f"registre-deee-{year}.csv" if year else "registre-deee.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@access_required(Capability.EQUIPMENT)
def shipment_slip_view(request, pk):
    shipment = get_object_or_404(WeeeShipment, pk=pk)
    pdf = shipment_slip_pdf(shipment_slip(shipment))
    return pdf_response(pdf, f"bordereau-deee-{slugify(shipment.slip_number)}.pdf")
