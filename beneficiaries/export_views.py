"""Right of access: coordination downloads everything held about one household (JSON or PDF); each export is
logged (and appears in the export itself)."""

from django.http import HttpResponse

from beneficiaries.access_log import access_log_record
from beneficiaries.enums import AccessAction
from beneficiaries.subject_access import household_data, household_data_json, household_data_pdf
from beneficiaries.views import _household_or_404, coordination_only
from config.pdf import pdf_response


def _filename(household, extension: str) -> str:
    return f"donnees-foyer-{household.pk}.{extension}"


@coordination_only
def household_export_json(request, pk):
    household = _household_or_404(request, pk)
    access_log_record(user=request.user, action=AccessAction.EXPORT_JSON, household=household)
    response = HttpResponse(household_data_json(household_data(household, by=request.user)))
    response["Content-Type"] = "application/json; charset=utf-8"
    response["Content-Disposition"] = f'attachment; filename="{_filename(household, "json")}"'
    return response


@coordination_only
def household_export_pdf(request, pk):
    household = _household_or_404(request, pk)
    access_log_record(user=request.user, action=AccessAction.EXPORT_PDF, household=household)
    content = household_data_pdf(household_data(household, by=request.user))
    return pdf_response(content, _filename(household, "pdf"), attachment=True)
