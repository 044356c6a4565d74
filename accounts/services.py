"""Every write on organisations and their members.

Nothing is ever deleted: organisations and accounts are deactivated, so households, certifications and logs that
point at them keep their history. A person belongs to one organisation; moving someone is not a silent edit.
"""

import re
from collections.abc import Iterable

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.enums import OrganisationKind
from accounts.models import Organisation, User
from security.sessions import sessions_end

# Members of these organisations work in the Django admin (the workshop); the others never get admin access.
STAFF_KINDS = frozenset({OrganisationKind.COORDINATION, OrganisationKind.REFURBISHER})

_PHONE_CHARACTERS = re.compile(r"^[0-9+().\s-]+$")


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
    phone = organisation.phone
    if phone and (not _PHONE_CHARACTERS.match(phone) or sum(c.isdigit() for c in phone) < 10):
        errors["phone"] = ["Numéro de téléphone invalide : saisissez au moins 10 chiffres (ex. 03 27 09 00 00)."]
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
    return _save_organisation(organisation, {}, communes_served)


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
) -> Organisation:
    """Change an organisation's name, type, contact details or communes served; the type is fixed once it has
    members."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
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
    return _save_organisation(organisation, errors, communes_served)


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
    sessions_end(user_ids=organisation.members.values_list("pk", flat=True))
    return organisation


@transaction.atomic
def organisation_reactivate(*, organisation: Organisation) -> Organisation:
    """Reactivate an organisation: its active members can log in again."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if organisation.is_active:
        raise ValidationError(f"« {organisation.name} » est déjà active.")
    organisation.is_active = True
    organisation.save(update_fields=["is_active"])
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
    sessions_end(user_ids=[member.pk])  # ended, not suspended: reactivation starts from the login page
    return member


@transaction.atomic
def member_reactivate(*, member: User) -> User:
    """Reopen a deactivated account in the same organisation."""
    member = User.objects.select_for_update().get(pk=member.pk)
    if member.is_active:
        raise ValidationError(f"Le compte « {member.username} » est déjà actif.")
    member.is_active = True
    member.save(update_fields=["is_active"])
    return member
