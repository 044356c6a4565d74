import datetime
from operator import itemgetter

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.decorators import access_required
from accounts.permissions import Capability, may
from beneficiaries.access_log import access_log_record
from beneficiaries.duplicates import duplicate_warning
from beneficiaries.enums import AccessAction, HouseholdStatus
from beneficiaries.filters import EXPIRING_WITHIN_DAYS, HouseholdFilter
from beneficiaries.forms import CertificationForm, HouseholdCreateForm, HouseholdEditForm, PeriodOverrideForm
from beneficiaries.hooks import household_sections
from beneficiaries.models import Household
from beneficiaries.retention import anonymisation_due_on
from beneficiaries.selectors import (
    household_current_certification,
    household_list_rows,
    household_list_values,
    household_pack_situation,
    household_visible_or_404,
)
from beneficiaries.services import (
    DuplicateSuspected,
    HouseholdChanged,
    household_certify,
    household_register,
    household_update,
    period_override_grant,
)
from core.components import Column, date_text, table
from core.forms import add_service_errors
from core.pagination import LargeTablePaginator
from territory.selectors import commune_choices, commune_has_qpv

PAGE_SIZE = 25

# How a household's status shows, on the list and on its page: a badge of this Bootstrap colour.
STATUS_BADGE_CLASSES = {
    HouseholdStatus.ELIGIBLE: "text-bg-success",
    HouseholdStatus.EXPIRED: "text-bg-warning",
    HouseholdStatus.INVITED: "text-bg-info",
    HouseholdStatus.EQUIPPED: "text-bg-primary",
    HouseholdStatus.REGISTERED: "text-bg-secondary",
}


def household_columns(list_url: str, *, with_structure: bool) -> list[Column]:
    """The list's columns (core.components writes the table). Household pages live under the list's URL. On a
    phone (below 768 px) the table keeps the name, the commune (under the name) and the status with its expiry:
    no sideways scrolling."""
    wide = "d-none d-md-table-cell"
    columns = [
        Column(
            "Nom",
            itemgetter("name"),
            href=lambda row: f"{list_url}{row['pk']}/",
            phone_note=itemgetter("commune_name"),
        ),
        Column("Date de naissance", lambda row: date_text(row["birth_date"]), css=wide),
        Column("Commune", itemgetter("commune_name"), css=wide),
        Column("Structure", itemgetter("structure_name"), css="d-none d-lg-table-cell"),
        Column(
            "Statut",
            lambda row: HouseholdStatus(row["status"]).label,
            badge=lambda row: STATUS_BADGE_CLASSES[row["status"]],
            phone_note=_expiry_note,
        ),
        Column("Certification expire le", lambda row: date_text(row["current_expires_on"], empty="—"), css=wide),
        Column("Inscrit le", lambda row: date_text(row["created_at"]), css=wide),
    ]
    return columns if with_structure else [column for column in columns if column.header != "Structure"]


def _expiry_note(row) -> str:
    expires = date_text(row["current_expires_on"], empty="—")
    if row["status"] == HouseholdStatus.EXPIRED:
        return f"expirée le {expires}"
    if row["status"] in (HouseholdStatus.ELIGIBLE, HouseholdStatus.INVITED):
        return f"valable jusqu'au {expires}"
    return ""


def _household_or_404(request, pk, **annotations):
    return household_visible_or_404(request.user, pk, **annotations)


def _form_context(form, **extra):
    return {"form": form, "communes": commune_choices(), "data_notice": settings.FILIERE["DATA_NOTICE"], **extra}


def _anonymised_redirect(request, household):
    messages.error(request, "Ce foyer a été anonymisé : ses informations ne peuvent plus être modifiées.")
    return redirect(household)


def _changed_fields(form, current: Household) -> list[tuple[str, str]]:
    """(label, value saved by the other person) for each field where it differs from what this person typed."""
    changed = []
    for name in form.household_fields():
        saved, typed = getattr(current, name), form.cleaned_data.get(name)
        if saved != typed:
            shown = saved.strftime("%d/%m/%Y") if hasattr(saved, "strftime") else saved
            changed.append((form.fields[name].label, shown if shown not in (None, "") else "(vide)"))
    return changed


def _duplicate_message(request, error: DuplicateSuspected, doing: str) -> str:
    """The service's warning the first time; after « Confirmer » with no reason, what is still missing."""
    if "confirm_duplicate" in request.POST:
        return f"Indiquez pourquoi {doing} malgré tout."
    return error.messages[0]


def _qpv_commune(commune) -> str:
    return commune.name if commune is not None and commune.qpvs.exists() else ""


@access_required(Capability.HOUSEHOLDS)
def household_list(request):
    households = Household.objects.for_user(request.user)
    household_filter = HouseholdFilter(request.GET, queryset=households, user=request.user)
    page = LargeTablePaginator(household_list_values(household_filter.qs), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = household_list_rows(
        page,
        commune_names=household_filter.commune_names,
        structure_names=household_filter.structure_names,
        today=household_filter.today,
    )
    coordination = request.user.is_coordination
    households_table = table(
        household_columns(reverse("beneficiaries:list"), with_structure=coordination),
        rows,
        caption="Foyers de toutes les structures" if coordination else f"Foyers de {request.user.organisation}",
        empty="Aucun foyer ne correspond.",
        css="table table-sm table-striped table-tight household-table",
    )
    access_log_record(user=request.user, action=AccessAction.LIST)
    context = {"filter": household_filter, "page": page, "table": households_table}
    return render(request, "beneficiaries/household_list.html", context)


@access_required(Capability.HOUSEHOLD_CERTIFY)
def household_create(request):
    form = HouseholdCreateForm(request.POST or None)
    similar = []
    if request.method == "POST" and not form.is_valid():
        # The duplicate step found with the form's other errors: the warning is traced and bounded the same way.
        similar = duplicate_warning(user=request.user, similar=form.similar) if form.similar else []
    elif request.method == "POST":
        try:
            household = household_register(
                structure=request.user.organisation,
                by=request.user,
                typed_commune=form.data.get("commune", ""),
                duplicate_reason=form.cleaned_data["duplicate_reason"],
                **form.household_values(),
                **form.certification_values(),
            )
        except DuplicateSuspected as exc:
            similar = duplicate_warning(user=request.user, similar=exc.similar)
            form.add_error("duplicate_reason", _duplicate_message(request, exc, "vous inscrivez ce foyer"))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Foyer {household} inscrit et certifié éligible.")
            return redirect(household)
    qpv_commune = _qpv_commune(form.cleaned_data.get("commune")) if form.is_bound else ""
    context = _form_context(form, similar=similar, creating=True, qpv_commune=qpv_commune)
    return render(request, "beneficiaries/household_form.html", context)


def _renewal_first(household: Household, today) -> bool:
    """Renewing is what follows when the household has no valid certification, or one that ends within a month
    (before a distribution is likely to invite it); otherwise it only lengthens a valid one."""
    if household.status in {HouseholdStatus.EXPIRED, HouseholdStatus.REGISTERED}:
        return True
    return (
        household.status == HouseholdStatus.ELIGIBLE
        and household.current_expires_on is not None
        and household.current_expires_on <= today + datetime.timedelta(days=EXPIRING_WITHIN_DAYS)
    )


@access_required(Capability.HOUSEHOLDS)
def household_detail(request, pk):
    household = _household_or_404(request, pk, commune_has_qpv=commune_has_qpv())
    certifications = list(household.certifications.select_related("author", "structure"))
    pack = household_pack_situation(household)
    today = timezone.localdate()
    context = {
        "renewal_first": _renewal_first(household, today),
        "household": household,
        "status_badge": {
            "label": HouseholdStatus(household.status).label,
            "css_class": STATUS_BADGE_CLASSES[household.status],
        },
        "certification": certifications[0] if certifications else None,
        "certifications": certifications,
        "commune_has_qpv": household.commune_has_qpv,
        "may_receive_pack": pack.may_receive_pack,
        "next_pack_allowed_on": pack.next_pack_allowed_on,
        "active_override": pack.active_override,
        "duplicate_confirmations": household.duplicate_confirmations.select_related("confirmed_by"),
        "override_form": PeriodOverrideForm() if may(request.user, Capability.PERIOD_OVERRIDE) else None,
        "sections": household_sections(request, household),
        "today": today,
        "anonymisation_due_on": None if household.is_anonymised else anonymisation_due_on(household),
        "retention_years": settings.FILIERE["RETENTION_YEARS"],
    }
    access_log_record(user=request.user, action=AccessAction.VIEW, household=household)
    return render(request, "beneficiaries/household_detail.html", context)


@access_required(Capability.HOUSEHOLDS)
def household_edit(request, pk):
    household = _household_or_404(request, pk)
    if household.is_anonymised:
        return _anonymised_redirect(request, household)
    form = HouseholdEditForm(request.POST or None, instance=household)
    similar, changed_meanwhile, conflict = [], [], False
    if request.method == "GET":
        access_log_record(user=request.user, action=AccessAction.VIEW, household=household)
    if request.method == "POST" and not form.is_valid():
        # The duplicate step found with the form's other errors: the warning is traced and bounded the same way.
        similar = duplicate_warning(user=request.user, similar=form.similar) if form.similar else []
    elif request.method == "POST":
        try:
            household_update(
                household=household,
                by=request.user,
                duplicate_reason=form.cleaned_data["duplicate_reason"],
                version=form.cleaned_data["version"],
                **form.household_values(),
            )
        except DuplicateSuspected as exc:
            similar = duplicate_warning(user=request.user, similar=exc.similar)
            form.add_error("duplicate_reason", _duplicate_message(request, exc, "vous gardez ces informations"))
        except HouseholdChanged as exc:
            # What this person typed stays on the page beside what was saved meanwhile; saving again (the form now
            # carries the current version) is a decision taken knowing the other change.
            conflict, changed_meanwhile = True, _changed_fields(form, exc.current)
            form.add_error(None, exc)
            form.data = form.data.copy()
            form.data["version"] = exc.current.version
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Les informations du foyer sont enregistrées.")
            return redirect(household)
    context = _form_context(
        form,
        similar=similar,
        creating=False,
        household=household,
        changed_meanwhile=changed_meanwhile,
        conflict=conflict,
    )
    return render(request, "beneficiaries/household_form.html", context)


@access_required(Capability.HOUSEHOLD_CERTIFY)
def household_renew(request, pk):
    household = _household_or_404(request, pk)
    if household.is_anonymised:
        return _anonymised_redirect(request, household)
    if request.method == "GET":
        access_log_record(user=request.user, action=AccessAction.VIEW, household=household)
    current = household_current_certification(household)
    initial = {"criteria": [criterion.value for criterion in current.criteria]} if current else {}
    form = CertificationForm(request.POST or None, initial=initial, household=household)
    if request.method == "POST" and form.is_valid():
        try:
            certification = household_certify(household=household, by=request.user, **form.certification_values())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            expires_on = f"{certification.expires_on:%d/%m/%Y}"
            messages.success(request, f"Certification renouvelée : elle expire le {expires_on}.")
            return redirect(household)
    context = {
        "form": form,
        "household": household,
        "current": current,
        "qpv_commune": _qpv_commune(household.commune),
        "today": timezone.localdate(),
        "data_notice": settings.FILIERE["DATA_NOTICE"],
    }
    return render(request, "beneficiaries/certification_form.html", context)


@require_POST
@access_required(Capability.PERIOD_OVERRIDE)
def household_override(request, pk):
    household = _household_or_404(request, pk)
    form = PeriodOverrideForm(request.POST)
    if form.is_valid():
        try:
            period_override_grant(household=household, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Dérogation enregistrée : ce foyer peut recevoir un nouveau pack.")
    else:
        messages.error(request, "Indiquez le motif de la dérogation.")
    return redirect(household)
