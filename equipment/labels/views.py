from django.contrib import admin, messages
from django.shortcuts import redirect, render
from django.utils.text import slugify

from accounts.decorators import access_required
from accounts.permissions import Capability
from core.pdf import pdf_response
from equipment.labels.forms import SOURCE_DONATION, SOURCE_SELECTION, LabelSheetForm
from equipment.labels.sheets import LAYOUTS, MAX_LABELS, label_sheet_pdf, labels_for_items, labels_for_tags
from equipment.services import asset_tags_allocate

# The admin action « Imprimer les étiquettes » leaves the chosen tags here for the form.
SESSION_SELECTED_TAGS = "labels_selected_tags"


@admin.action(description="Imprimer les étiquettes", permissions=["view"])
def print_labels(modeladmin, request, queryset):
    """Admin action on the item list: the checked items go to the label form, where the sheet is chosen."""
    tags = list(queryset.order_by("asset_tag").values_list("asset_tag", flat=True)[: MAX_LABELS + 1])
    if len(tags) > MAX_LABELS:
        modeladmin.message_user(
            request, f"Au plus {MAX_LABELS} étiquettes à la fois : cochez moins de matériels.", messages.ERROR
        )
        return None
    request.session[SESSION_SELECTED_TAGS] = tags
    return redirect("equipment:labels")


def _initial(request) -> dict:
    initial = {"source": SOURCE_DONATION, "skip": 0}
    selected = request.session.pop(SESSION_SELECTED_TAGS, None)
    if selected:
        initial.update(source=SOURCE_SELECTION, tags="\n".join(selected))
    elif request.GET.get("don", "").isdigit():
        initial["donation"] = int(request.GET["don"])
    return initial


@access_required(Capability.EQUIPMENT)
def label_sheet(request):
    """Choose what to label and on which sheet; the answer is the PDF to print."""
    if request.method != "POST":
        form = LabelSheetForm(initial=_initial(request))
        return render(request, "equipment/labels_form.html", {"form": form, "max_labels": MAX_LABELS})
    form = LabelSheetForm(request.POST)
    if not form.is_valid():
        return render(request, "equipment/labels_form.html", {"form": form, "max_labels": MAX_LABELS}, status=400)
    data = form.cleaned_data
    source = data["source"]
    if source == SOURCE_DONATION:
        donation = data["donation"]
        items = donation.items.order_by("asset_tag")[: MAX_LABELS + 1]
        labels = labels_for_items(items)
        title = f"Étiquettes — don {donation.reference}"
        filename = f"etiquettes-don-{slugify(donation.reference)}.pdf"
    elif source == SOURCE_SELECTION:
        labels = labels_for_items(data["items"])
        title = f"Étiquettes — {len(labels)} matériels"
        filename = "etiquettes-selection.pdf"
    else:  # SOURCE_RANGE, the only other choice the form accepts
        tags = asset_tags_allocate(count=data["count"])
        labels = labels_for_tags(tags)
        title = f"Étiquettes vierges {tags[0]} à {tags[-1]}"
        filename = f"etiquettes-{tags[0]}-a-{tags[-1]}.pdf".lower()
    if not labels or len(labels) > MAX_LABELS:
        message = (
            "Ce don n'a encore aucun matériel enregistré : rien à imprimer."
            if not labels
            else f"Ce don compte plus de {MAX_LABELS} matériels : imprimez-les par listes d'étiquettes."
        )
        form.add_error(None, message)
        return render(request, "equipment/labels_form.html", {"form": form, "max_labels": MAX_LABELS}, status=400)
    layout = LAYOUTS[data["layout"]]
    pdf = label_sheet_pdf(
        labels,
        layout=layout,
        margins=form.margins(layout),
        skip=data.get("skip") or 0,
        title=title,
        outline=data["outline"],
        request=request,
    )
    return pdf_response(pdf, filename)
