"""Coordination's pages to manage organisations (structures, partners, refurbisher) and their members."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts import selectors, services
from accounts.decorators import access_required
from accounts.filters import OrganisationFilter
from accounts.forms import MemberForm, OrganisationForm
from accounts.models import Organisation, User
from accounts.permissions import Capability
from core.forms import add_service_errors
from core.text import plural
from security import lockout, two_factor


@access_required(Capability.ORGANISATIONS)
def organisation_list(request):
    organisation_filter = OrganisationFilter(request.GET, queryset=selectors.organisation_list())
    page = Paginator(organisation_filter.qs, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/organisation_list.html", {"filter": organisation_filter, "page": page})


@access_required(Capability.ORGANISATIONS)
def organisation_detail(request, pk):
    organisation = get_object_or_404(selectors.organisation_list(), pk=pk)
    members = list(selectors.organisation_members(organisation))
    context = {
        "organisation": organisation,
        "members": members,
        "locked": lockout.locked_usernames([member.username for member in members]),
        "two_factor_users": set(selectors.two_factor_user_ids(members)),
    }
    return render(request, "accounts/organisation_detail.html", context)


@access_required(Capability.ORGANISATIONS)
@require_http_methods(["GET", "POST"])
def organisation_create(request):
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_create(**form.cleaned_data, by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"« {organisation.name} » a été créée. Ajoutez-lui maintenant ses membres.")
            return redirect("structures:detail", pk=organisation.pk)
    return render(request, "accounts/organisation_form.html", {"form": form, "organisation": None})


@access_required(Capability.ORGANISATIONS)
@require_http_methods(["GET", "POST"])
def organisation_update(request, pk):
    organisation = get_object_or_404(Organisation, pk=pk)
    # The form works on a copy so that a refused change never shows up as saved on the page.
    form = OrganisationForm(request.POST or None, instance=Organisation.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_update(
                organisation=organisation, **form.cleaned_data, by=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"« {organisation.name} » a été mise à jour.")
            return redirect("structures:detail", pk=organisation.pk)
    return render(request, "accounts/organisation_form.html", {"form": form, "organisation": organisation})


def _active_members(organisation, plural_verb: str, singular_verb: str) -> str:
    """« Ses 3 membres actifs ne pourront… », « Son seul membre actif ne pourra… », with the verb agreeing."""
    count = organisation.active_member_count
    if count == 0:
        return "Elle n'a aucun membre actif."
    if count == 1:
        return f"Son seul membre actif {singular_verb}"
    return f"Ses {plural(count, 'membre actif', 'membres actifs')} {plural_verb}"


def _confirm(request, *, title, question, consequences, button, button_class, cancel_url, action):
    """A confirmation page (GET) for an action done on POST; refusals come back as an error message."""
    if request.method == "POST":
        try:
            success = action()
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, success)
        return redirect(cancel_url)
    context = {
        "title": title,
        "question": question,
        "consequences": consequences,
        "button": button,
        "button_class": button_class,
        "cancel_url": cancel_url,
    }
    return render(request, "accounts/confirm.html", context)


@access_required(Capability.ORGANISATIONS)
@require_http_methods(["GET", "POST"])
def organisation_deactivate(request, pk):
    organisation = get_object_or_404(selectors.organisation_list(), pk=pk)

    def action():
        services.organisation_deactivate(organisation=organisation, by=request.user)
        return f"« {organisation.name} » est désactivée : ses membres ne peuvent plus se connecter."

    return _confirm(
        request,
        title=f"Désactiver « {organisation.name} »",
        question=f"Désactiver « {organisation.name} » ?",
        consequences=[
            _active_members(organisation, "ne pourront plus se connecter, y compris ceux connectés en ce moment.",
                           "ne pourra plus se connecter, même s'il est connecté en ce moment."),
            "Rien n'est effacé : foyers, certifications et historique restent consultables par la coordination.",
            "Leurs sessions ouvertes sont fermées : après une réactivation, chacun se reconnecte (mot de passe "
            "et code de double authentification).",
            "Vous pourrez la réactiver plus tard ; ses membres retrouveront alors leur accès.",
        ],
        button="Désactiver",
        button_class="btn-danger",
        cancel_url=reverse("structures:detail", args=[organisation.pk]),
        action=action,
    )


@access_required(Capability.ORGANISATIONS)
@require_http_methods(["GET", "POST"])
def organisation_reactivate(request, pk):
    organisation = get_object_or_404(selectors.organisation_list(), pk=pk)

    def action():
        services.organisation_reactivate(organisation=organisation, by=request.user)
        return f"« {organisation.name} » est réactivée : ses membres actifs peuvent de nouveau se connecter."

    return _confirm(
        request,
        title=f"Réactiver « {organisation.name} »",
        question=f"Réactiver « {organisation.name} » ?",
        consequences=[
            _active_members(organisation, "pourront de nouveau se connecter.", "pourra de nouveau se connecter.")
        ],
        button="Réactiver",
        button_class="btn-primary",
        cancel_url=reverse("structures:detail", args=[organisation.pk]),
        action=action,
    )


@access_required(Capability.ORGANISATIONS)
@require_http_methods(["GET", "POST"])
def member_create(request, pk):
    organisation = get_object_or_404(Organisation, pk=pk)
    form = MemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {key: value for key, value in form.cleaned_data.items() if key != "password_confirm"}
        try:
            member = services.member_create(organisation=organisation, **data, by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"Le compte « {member.username} » est créé. Communiquez le mot de passe initial de vive voix : "
                "la personne le changera dès sa première connexion (« Changer mon mot de passe »).",
            )
            return redirect("structures:detail", pk=organisation.pk)
    return render(request, "accounts/member_form.html", {"form": form, "organisation": organisation})


def _member_or_404(organisation_pk, member_pk):
    organisation = get_object_or_404(Organisation, pk=organisation_pk)
    return get_object_or_404(User.objects.select_related("organisation"), pk=member_pk, organisation=organisation)


@access_required(Capability.ORGANISATIONS)
@require_http_methods(["GET", "POST"])
def member_deactivate(request, pk, member_pk):
    member = _member_or_404(pk, member_pk)
    name = member.get_full_name() or member.username

    def action():
        services.member_deactivate(member=member, by=request.user)
        return f"Le compte de {name} est désactivé."

    return _confirm(
        request,
        title=f"Désactiver le compte de {name}",
        question=f"Désactiver le compte « {member.username} » ({name}, {member.organisation}) ?",
        consequences=[
            "Cette personne ne pourra plus se connecter, même si elle est connectée en ce moment.",
            "Ce qu'elle a enregistré reste à son nom : rien n'est effacé.",
        ],
        button="Désactiver le compte",
        button_class="btn-danger",
        cancel_url=reverse("structures:detail", args=[member.organisation_id]),
        action=action,
    )


@access_required(Capability.ORGANISATIONS)
@require_http_methods(["GET", "POST"])
def member_reactivate(request, pk, member_pk):
    member = _member_or_404(pk, member_pk)
    name = member.get_full_name() or member.username

    def action():
        services.member_reactivate(member=member, by=request.user)
        return f"Le compte de {name} est réactivé."

    consequences = ["Cette personne pourra de nouveau se connecter avec son mot de passe actuel."]
    if not member.organisation.is_active:
        consequences.append(
            f"« {member.organisation} » étant désactivée, elle ne pourra pas se connecter avant sa réactivation."
        )
    return _confirm(
        request,
        title=f"Réactiver le compte de {name}",
        question=f"Réactiver le compte « {member.username} » ({name}, {member.organisation}) ?",
        consequences=consequences,
        button="Réactiver le compte",
        button_class="btn-primary",
        cancel_url=reverse("structures:detail", args=[member.organisation_id]),
        action=action,
    )


@access_required(Capability.ORGANISATIONS)
@require_http_methods(["GET", "POST"])
def member_unlock(request, pk, member_pk):
    """Unblock an account locked after too many failed logins (security.lockout)."""
    member = _member_or_404(pk, member_pk)
    name = member.get_full_name() or member.username

    def action():
        services.member_unlock(member=member, by=request.user)
        return f"Le compte de {name} est débloqué : la personne peut de nouveau se connecter."

    return _confirm(
        request,
        title=f"Débloquer le compte de {name}",
        question=f"Débloquer le compte « {member.username} » ({name}, {member.organisation}) ?",
        consequences=[
            "Le compte a été bloqué après plusieurs mots de passe erronés. Vérifiez auprès de la personne que "
            "c'était bien elle : sinon, quelqu'un essaie peut-être de deviner son mot de passe.",
            "Les tentatives échouées sont oubliées : elle peut se reconnecter tout de suite.",
        ],
        button="Débloquer",
        button_class="btn-primary",
        cancel_url=reverse("structures:detail", args=[member.organisation_id]),
        action=action,
    )


@access_required(Capability.ORGANISATIONS)
@require_http_methods(["GET", "POST"])
def member_two_factor_reset(request, pk, member_pk):
    """Remove someone's authenticator app and backup codes (lost phone): they enrol again at their next login."""
    member = _member_or_404(pk, member_pk)
    name = member.get_full_name() or member.username

    def action():
        two_factor.two_factor_reset(member=member, by=request.user)
        return f"La double authentification de {name} est réinitialisée."

    return _confirm(
        request,
        title=f"Réinitialiser la double authentification de {name}",
        question=f"Réinitialiser la double authentification de « {member.username} » ({name}) ?",
        consequences=[
            "Faites-le seulement après avoir vérifié l'identité de la personne (de vive voix, par exemple) : "
            "son téléphone perdu ou volé ne permettra plus de se connecter.",
            "Son application et ses codes de secours cessent de fonctionner, y compris dans une session ouverte.",
            "À sa prochaine connexion, elle scannera un nouveau code QR avec son téléphone.",
        ],
        button="Réinitialiser",
        button_class="btn-danger",
        cancel_url=reverse("structures:detail", args=[member.organisation_id]),
        action=action,
    )
