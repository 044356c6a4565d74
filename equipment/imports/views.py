"""Upload page for the equipment CSV import: upload -> check -> preview -> confirm (writes) or cancel."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.decorators import access_required
from accounts.permissions import Capability
from core.text import plural, plural_suffix
from equipment.enums import ItemCategory, ItemStatus
from equipment.imports.csv_rows import HEADER, lower_first
from equipment.imports.forms import ItemImportForm
from equipment.imports.items_csv import items_csv_check, items_import_csv
from equipment.imports.pending import pending_discard, pending_load, pending_store

PREVIEW_ROWS = 20
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
        content = form.cleaned_data["file"]
        report = items_csv_check(content=content, filename=form.filename)
        if not report.is_valid:
            return _upload_page(request, ItemImportForm(), report)
        pending_store(request.session, content=content, filename=form.filename)
        return redirect("equipment:import_confirm")
    return _upload_page(request, form)


@access_required(Capability.EQUIPMENT)
@require_http_methods(["GET", "POST"])
def item_import_confirm(request):
    pending = pending_load(request.session)
    if pending is None:
        messages.info(request, "Aucun fichier en attente d'import : choisissez le fichier à importer.")
        return redirect("equipment:import")
    content, filename, digest = pending
    if request.method == "POST":
        if "cancel" in request.POST:
            pending_discard(request.session)
            messages.info(request, "Import annulé : rien n'a été enregistré.")
            return redirect("equipment:import")
        if request.POST.get("digest") != digest:
            messages.warning(
                request, "Le fichier en attente a changé depuis l'aperçu : vérifiez cet aperçu puis confirmez."
            )
            return redirect("equipment:import_confirm")
        report = items_import_csv(content=content, by=request.user, filename=filename)
        if report.is_valid:
            pending_discard(request.session)
            messages.success(
                request,
                f"Import de « {filename} » terminé : {plural(len(report.created), 'matériel')} "
                f"créé{plural_suffix(len(report.created))}, {len(report.unchanged)} déjà "
                f"enregistré{plural_suffix(len(report.unchanged))} à l'identique.",
            )
            return redirect("equipment:list")
    else:
        # Checked again: the recorded items may have changed since the upload.
        report = items_csv_check(content=content, filename=filename)
    if not report.is_valid:
        pending_discard(request.session)
        return _upload_page(request, ItemImportForm(), report)
    context = {
        "report": report,
        "digest": digest,
        "statuses": ItemStatus.labels,
        "first_rows": report.to_create[:PREVIEW_ROWS],
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
