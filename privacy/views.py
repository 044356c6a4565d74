"""Right of access: coordination downloads everything held about one household (JSON or PDF); each export is
logged (and appears in the export itself)."""

from django.http import HttpResponse

from accounts.decorators import access_required
from accounts.permissions import Capability
from beneficiaries.access_log import access_log_record
from beneficiaries.enums import AccessAction
from beneficiaries.selectors import household_visible_or_404
from core.pdf import pdf_response
from privacy.subject_access import household_data, household_data_json, household_data_pdf


def _filename(household, extension: str) -> str:
    return f"donnees-foyer-{household.pk}.{extension}"


@access_required(Capability.HOUSEHOLD_DATA_EXPORT)
def household_export_json(request, pk):
    household = household_visible_or_404(request.user, pk)
    access_log_record(user=request.user, action=AccessAction.EXPORT_JSON, household=household)
    response = HttpResponse(household_data_json(household_data(household, by=request.user)))
    response["Content-Type"] = "application/json; charset=utf-8"
    response["Content-Disposition"] = f'attachment; filename="{_filename(household, "json")}"'
    return response


@access_required(Capability.HOUSEHOLD_DATA_EXPORT)
def household_export_pdf(request, pk):
    household = household_visible_or_404(request.user, pk)
    access_log_record(user=request.user, action=AccessAction.EXPORT_PDF, household=household)
    content = household_data_pdf(household_data(household, by=request.user))
    return pdf_response(content, _filename(household, "pdf"), attachment=True)
