from django.shortcuts import redirect, render

from accounts.decorators import access_required
from accounts.permissions import Capability
from equipment.enums import ItemStatus
from equipment.forms import DriveFatesForm
from equipment.scan.batch import (
    MODE_OPEN,
    BatchTransitionForm,
    Feedback,
    ScanBatch,
    ScanForm,
    item_by_tag,
    tag_from_scan,
)
from equipment.services import items_transition_bulk

# static/js/scan.js asks for the batch fragment only, to update the page without reloading it between scans.
PARTIAL_HEADER = "X-Filiere-Partial"


def _context(request, batch: ScanBatch, *, apply_form=None, fates_form=None) -> dict:
    feedback, report = batch.pop_messages()
    return {
        "scan_form": ScanForm(initial={"mode": batch.mode}),
        "apply_form": apply_form or BatchTransitionForm(),
        "fates_form": fates_form,
        "batch": batch,
        "items": batch.items(),
        "feedback": feedback,
        "report": report,
        "report_done": sum(1 for row in report if row["done"]),
    }


def _scan(request, batch: ScanBatch):
    form = ScanForm(request.POST)
    if not form.is_valid():
        batch.feedback = Feedback("danger", "Choisissez « Ouvrir la fiche » ou « Ajouter au lot », puis scannez.")
        return None
    batch.mode = form.cleaned_data["mode"]
    text = form.cleaned_data["tag"]
    if not tag_from_scan(text):
        batch.feedback = Feedback("danger", "Aucune étiquette lue : scannez à nouveau ou tapez l'étiquette.")
    elif batch.mode == MODE_OPEN:
        item = item_by_tag(tag_from_scan(text))
        if item is not None:
            batch.save()
            return redirect(item)
        batch.feedback = Feedback("danger", f"Étiquette inconnue : « {tag_from_scan(text)} ».")
    else:
        batch.add(text)
    return None


@access_required(Capability.EQUIPMENT)
def scan(request):
    """Scan tags one after the other: open each item, or gather a batch and change the status of all of it."""
    batch = ScanBatch(request.session)
    if request.method == "POST":
        action = request.POST.get("action", "scan")
        if action == "scan":
            response = _scan(request, batch)
            if response is not None:
                return response
        elif action == "remove" and request.POST.get("item", "").isdigit():
            batch.remove(int(request.POST["item"]))
        elif action == "clear":
            batch.clear()
            batch.feedback = Feedback("success", "Le lot est vidé.")
        elif action == "apply":
            apply_form = BatchTransitionForm(request.POST)
            items = batch.items()
            if not items:
                batch.feedback = Feedback("danger", "Le lot est vide : scannez d'abord des matériels.")
                return render(request, "equipment/scan.html", _context(request, batch), status=400)
            if not apply_form.is_valid():
                context = _context(request, batch, apply_form=apply_form)
                return render(request, "equipment/scan.html", context, status=400)
            data = apply_form.cleaned_data
            recycle = {}
            if data["to_status"] == ItemStatus.RECYCLED:
                # Computers in the batch: ask what became of each drive first (a second step of the same form).
                fates_form = DriveFatesForm(request.POST if request.POST.get("fates_step") else None, items=items)
                if fates_form.computers and not fates_form.is_valid():
                    count = len(fates_form.computers)
                    batch.feedback = Feedback(
                        "warning",
                        f"Avant le recyclage : dites ce que sont devenus les supports de stockage de {count} "
                        f"ordinateur{'s' if count > 1 else ''} du lot, puis appliquez à nouveau.",
                    )
                    context = _context(request, batch, apply_form=apply_form, fates_form=fates_form)
                    return render(request, "equipment/scan.html", context, status=400 if fates_form.is_bound else 200)
                recycle = {"reason": data["reason"]}
                if fates_form.computers:
                    recycle["drive_fates"] = fates_form.drive_fates()
                    recycle["no_storage_items"] = fates_form.no_storage_items()
            outcome = items_transition_bulk(
                items=items, to_status=data["to_status"], by=request.user, note=data["note"], **recycle
            )
            batch.record_report(outcome)
            batch.clear()
        batch.save()
        if request.headers.get(PARTIAL_HEADER) == "scan-batch":
            return render(request, "equipment/scan.html#batch", _context(request, batch))
        return redirect("equipment:scan")
    return render(request, "equipment/scan.html", _context(request, batch))
