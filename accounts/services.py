"""Every write on organisations and their members: the only way to change them (the admin only shows them).

Nothing is ever deleted: organisations and accounts are deactivated, so households, certifications and logs that
point at them keep their history. A person belongs to one organisation; moving someone is not a silent edit.
Each change made by a person (`by`) is written to the admin's history of the object (LogEntry): who, when, what.
"""

from collections.abc import Iterable

from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.enums import OrganisationKind
from accounts.models import Organisation, User
from core.validators import phone_normalise
from security.lockout import login_failures_clear
from security.sessions import sessions_end

# Members of these organisations work in the Django admin (the workshop); the others never get admin access.
STAFF_KINDS = frozenset({OrganisationKind.COORDINATION, OrganisationKind.REFURBISHER})

_ORGANISATION_FIELDS = ("name", "kind", "address", "phone", "email", "opening_hours")


def _log(by: User | None, obj, flag: int, message: str) -> None:
    """One line of the object's history (admin « Historique »); commands run on the server name no person."""
    if by is not None:
        LogEntry.objects.log_actions(
            user_id=by.pk, queryset=[obj], action_flag=flag, change_message=message, single_object=True
        )


def _clean_text(value: str | None) -> str:
    return " ".join((value or "").split())


def _save_organisation(
    organisation: Organisation, errors: dict[str, list], communes_served: Iterable | None = None
) -> Organisation:
    """Validate everything at once (each message on its field), then save; `communes_served=None` keeps them."""
    communes_served = None if communes_served is None else list(communes_served)
    if communes_served and organisation.kind != OrganisationKind.STRUCTURE:
        errors["communes_served"] = [
            "Seule une structure prescriptrice reçoit les habitants de communes : décochez les communes "
            "ou choisissez le type « Structure prescriptrice »."
        ]
    existing = Organisation.objects.filter(name__iexact=organisation.name).exclude(pk=organisation.pk).first()
    if organisation.name and existing is not None:
        errors["name"] = [f"Une organisation porte déjà ce nom : « {existing.name} »."]
    if organisation.phone:
        # The rule of every phone number on the site (donors, households): French, written « 03 27 09 00 00 ».
        try:
            organisation.phone = phone_normalise(organisation.phone)
        except ValidationError as error:
            errors["phone"] = error.messages
    try:
        organisation.full_clean(exclude=list(errors))
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)
    organisation.save()
    if communes_served is not None:
        organisation.communes_served.set(communes_served)
    return organisation


@transaction.atomic
def organisation_create(
    *,
    name: str,
    kind: str,
    address: str = "",
    phone: str = "",
    email: str = "",
    opening_hours: str = "",
    communes_served: Iterable | None = None,
    by: User | None = None,
) -> Organisation:
    """Create an organisation (structure, partner, refurbisher or coordination)."""
    organisation = Organisation(
        name=_clean_text(name),
        kind=kind,
        address=_clean_text(address),
        phone=_clean_text(phone),
        email=(email or "").strip(),
        opening_hours=_clean_text(opening_hours),
    )
    organisation = _save_organisation(organisation, {}, communes_served)
    _log(by, organisation, ADDITION, f"Organisation créée ({organisation.get_kind_display()}) depuis Structures.")
    return organisation


@transaction.atomic
def organisation_update(
    *,
    organisation: Organisation,
    name: str,
    kind: str,
    address: str = "",
    phone: str = "",
    email: str = "",
    opening_hours: str = "",
    communes_served: Iterable | None = None,
    by: User | None = None,
) -> Organisation:
    """Change an organisation's name, type, contact details or communes served; the type is fixed once it has
    members."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    before = {field: getattr(organisation, field) for field in _ORGANISATION_FIELDS}
    communes_before = set(organisation.communes_served.values_list("pk", flat=True))
    errors = {}
    if kind != organisation.kind and organisation.members.exists():
        errors["kind"] = [
            f"Le type de « {organisation.name} » ne peut plus être changé : elle a déjà des membres, "
            "dont les droits dépendent de ce type. Créez plutôt une nouvelle organisation."
        ]
    organisation.name = _clean_text(name)
    organisation.kind = kind
    organisation.address = _clean_text(address)
    organisation.phone = _clean_text(phone)
    organisation.email = (email or "").strip()
    organisation.opening_hours = _clean_text(opening_hours)
    organisation = _save_organisation(organisation, errors, communes_served)
    changed = [
        str(Organisation._meta.get_field(field).verbose_name)
        for field in _ORGANISATION_FIELDS
        if getattr(organisation, field) != before[field]
    ]
    if communes_served is not None and {commune.pk for commune in communes_served} != communes_before:
        changed.append("communes desservies")
    if changed:
        _log(by, organisation, CHANGE, f"Modifiée depuis Structures : {', '.join(changed)}.")
    return organisation


@transaction.atomic
def organisation_deactivate(*, organisation: Organisation, by: User | None = None) -> Organisation:
    """Deactivate an organisation: its members can no longer log in; everything it did is kept."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if not organisation.is_active:
        raise ValidationError(f"« {organisation.name} » est déjà désactivée.")
    if by is not None and by.organisation_id == organisation.pk:
        raise ValidationError(
            f"Vous ne pouvez pas désactiver votre propre organisation (« {organisation.name} ») : "
            "vous perdriez vous-même l'accès."
        )
    organisation.is_active = False
    organisation.save(update_fields=["is_active"])
    # Ended, not suspended: reactivating the organisation must not bring its members' old sessions back.
    ended = sessions_end(user_ids=organisation.members.values_list("pk", flat=True))
    _log(by, organisation, CHANGE, f"Désactivée depuis Structures ; sessions de ses membres fermées : {ended}.")
    return organisation


@transaction.atomic
def organisation_reactivate(*, organisation: Organisation, by: User | None = None) -> Organisation:
    """Reactivate an organisation: its active members can log in again."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if organisation.is_active:
        raise ValidationError(f"« {organisation.name} » est déjà active.")
    organisation.is_active = True
    organisation.save(update_fields=["is_active"])
    _log(by, organisation, CHANGE, "Réactivée depuis Structures.")
    return organisation


@transaction.atomic
def member_create(
    *,
    organisation: Organisation,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    password: str,
    by: User | None = None,
) -> User:
    """Open an account in `organisation` with an initial password chosen by coordination.

    The admin flag follows the organisation: coordination and refurbisher staff get it, prescribers and
    partners never do.
    """
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if not organisation.is_active:
        raise ValidationError(f"« {organisation.name} » est désactivée : réactivez-la avant de lui ajouter un membre.")
    username = (username or "").strip()
    errors: dict[str, list] = {}
    existing = User.objects.select_related("organisation").filter(username__iexact=username).first()
    if username and existing is not None:
        where = f"compte de « {existing.organisation} »" if existing.organisation else "compte sans organisation"
        errors["username"] = [
            f"Le nom d'utilisateur « {existing.username} » est déjà pris ({where}). Une personne appartient à "
            "une seule structure : pour la rattacher ailleurs, désactivez son ancien compte puis créez-en un "
            "nouveau avec un autre nom d'utilisateur."
        ]
    user = User(
        username=username,
        first_name=_clean_text(first_name),
        last_name=_clean_text(last_name),
        email=(email or "").strip(),
        organisation=organisation,
        is_staff=organisation.kind in STAFF_KINDS,
        is_superuser=False,
        is_demo=False,
    )
    for field, label in (("first_name", "Le prénom"), ("last_name", "Le nom"), ("email", "L'e-mail")):
        if not getattr(user, field):
            errors[field] = [f"{label} est obligatoire."]
    try:
        user.full_clean(exclude=["password", *errors])
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    try:
        validate_password(password, user)
    except ValidationError as error:
        errors["password"] = error.messages
    if errors:
        raise ValidationError(errors)
    user.set_password(password)
    user.save()
    _log(by, user, ADDITION, f"Compte créé dans « {organisation.name} » depuis Structures.")
    _log(by, organisation, CHANGE, f"Membre ajouté depuis Structures : {user.username}.")
    return user


@transaction.atomic
def member_deactivate(*, member: User, by: User | None = None) -> User:
    """Close a person's account (it can no longer log in); what they recorded stays attributed to them."""
    member = User.objects.select_for_update().get(pk=member.pk)
    if not member.is_active:
        raise ValidationError(f"Le compte « {member.username} » est déjà désactivé.")
    if by is not None and by.pk == member.pk:
        raise ValidationError("Vous ne pouvez pas désactiver votre propre compte.")
    member.is_active = False
    member.save(update_fields=["is_active"])
    ended = sessions_end(user_ids=[member.pk])  # ended, not suspended: reactivation starts from the login page
    _log(by, member, CHANGE, f"Compte désactivé depuis Structures ; sessions fermées : {ended}.")
    return member


@transaction.atomic
def member_unlock(*, member: User, by: User | None = None) -> int:
    """Forget the refused logins that blocked an account (coordination checked with the person); in its history."""
    name = member.get_full_name() or member.username
    forgotten = login_failures_clear(username=member.username)
    if not forgotten:
        raise ValidationError(f"Le compte de {name} n'était pas bloqué.")
    _log(by, member, CHANGE, f"Compte débloqué depuis Structures ; tentatives refusées oubliées : {forgotten}.")
    return forgotten


@transaction.atomic
def member_reactivate(*, member: User, by: User | None = None) -> User:
    """Reopen a deactivated account in the same organisation."""
    member = User.objects.select_for_update().get(pk=member.pk)
    if member.is_active:
        raise ValidationError(f"Le compte « {member.username} » est déjà actif.")
    member.is_active = True
    member.save(update_fields=["is_active"])
    _log(by, member, CHANGE, "Compte réactivé depuis Structures.")
    return member
