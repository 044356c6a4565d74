"""Upload page for the equipment CSV import: upload -> check -> preview -> confirm (writes) or cancel.

The check and the import run as background jobs (equipment.imports.jobs): the page follows the check, then shows
its preview; the import is followed on its job's page.
"""

from types import SimpleNamespace

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.decorators import access_required
from accounts.permissions import Capability
from equipment.enums import ItemCategory, ItemStatus
from equipment.imports.csv_rows import HEADER, lower_first
from equipment.imports.forms import ItemImportForm
from equipment.imports.jobs import CHECK_KIND, IMPORT_KIND, PREVIEW_ROWS
from equipment.imports.pending import (
    pending_discard,
    pending_entry,
    pending_hand_over,
    pending_note,
    pending_store,
)
from jobs.models import Job, JobStatus
from jobs.selectors import worker_alive
from jobs.tasks import job_enqueue

EXAMPLE_ROWS = [
    "PH-000101,screen,Dell,P2217H,CN0ABC123,received,2024-03-15,Médiathèque de Denain,4.2,",
    ",desktop,HP,ProDesk 400 G4 MT,CZC1234XYZ,in_audit,2024-03-15,Médiathèque de Denain,,",
    ',keyboard,Logitech,K120,,recycled,2024-04-02,Mairie de Raismes,0.55,"Touches manquantes, hors d\'usage"',
]


def _upload_page(request, form, report=None):
    context = {
        "form": form,
        "report": report,
        "header": ",".join(HEADER),
        "codes": [
            ("category", [(code, lower_first(label)) for code, label in ItemCategory.choices]),
            ("status", [(code, lower_first(label)) for code, label in ItemStatus.choices]),
        ],
    }
    return render(request, "equipment/import_upload.html", context)


@access_required(Capability.EQUIPMENT)
@require_http_methods(["GET", "POST"])
def item_import(request):
    form = ItemImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        entry = pending_store(request.session, content=form.cleaned_data["file"], filename=form.filename)
        # Checked in the background: a file of 100,000 lines takes longer than a page may.
        title = f"Vérification de « {form.filename} »"
        check = job_enqueue(kind=CHECK_KIND, title=title, by=request.user, params=entry)
        pending_note(request.session, check_job=str(check.pk))
        return redirect("equipment:import_confirm")
    return _upload_page(request, form)


def _refused(request, data: dict, filename: str):
    """The check found errors: the upload page lists them; the file is already gone."""
    pending_hand_over(request.session)
    report = SimpleNamespace(filename=filename, errors=data.get("errors", []), error_count=data.get("error_count", 0))
    return _upload_page(request, ItemImportForm(), report)


@access_required(Capability.EQUIPMENT)
@require_http_methods(["GET", "POST"])
def item_import_confirm(request):
    entry = pending_entry(request.session)
    check = None
    if entry and entry.get("check_job"):
        check = Job.objects.filter(pk=entry["check_job"], created_by=request.user, kind=CHECK_KIND).first()
    if check is None:
        pending_discard(request.session)
        messages.info(request, "Aucun fichier en attente d'import : choisissez le fichier à importer.")
        return redirect("equipment:import")
    filename = entry["filename"]
    if request.method == "POST" and "cancel" in request.POST:
        pending_discard(request.session)
        messages.info(request, "Import annulé : rien n'a été enregistré.")
        return redirect("equipment:import")
    if not check.is_finished:
        no_worker = check.status == JobStatus.QUEUED and not worker_alive()
        context = {"job": check, "filename": filename, "refresh": 2, "no_worker": no_worker}
        return render(request, "equipment/import_checking.html", context)
    data = check.result_data or {}
    if check.status == JobStatus.FAILED:
        pending_discard(request.session)
        messages.error(request, check.error)
        return redirect("equipment:import")
    if not data.get("valid"):
        return _refused(request, data, filename)
    if request.method == "POST":
        if request.POST.get("digest") != entry["digest"]:
            messages.warning(
                request, "Le fichier en attente a changé depuis l'aperçu : vérifiez cet aperçu puis confirmez."
            )
            return redirect("equipment:import_confirm")
        job = job_enqueue(
            kind=IMPORT_KIND,
            title=f"Import de « {filename} »",
            by=request.user,
            params={"name": entry["name"], "filename": filename, "digest": entry["digest"]},
        )
        pending_hand_over(request.session)
        return redirect(job)
    context = {
        "preview": data,
        "digest": entry["digest"],
        "statuses": ItemStatus.labels,
        "preview_rows": PREVIEW_ROWS,
    }
    return render(request, "equipment/import_preview.html", context)


@access_required(Capability.EQUIPMENT)
def item_import_example(request):
    """A small valid file to start from."""
    content = "\n".join([",".join(HEADER), *EXAMPLE_ROWS]) + "\n"
    response = HttpResponse(content.encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="modele-import-materiel.csv"'
    return response
