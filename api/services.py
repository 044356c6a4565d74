"""Workbench tokens: created (the secret shown once), revoked, and checked on each upload."""

import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.enums import OrganisationKind
from api.models import WorkbenchToken

# Says what the secret is when it turns up somewhere (a shell history, a ticket). Not a secret itself.
TOKEN_PREFIX = "fwb_"  # noqa: S105
_QUOTES = "'\""


class TokenRefused(Exception):
    """The token presented opens nothing: `reason` says why, in French, for the client's log."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def token_digest(key: str) -> str:
    # A token is 256 random bits: a plain digest is enough (no password-style stretching needed).
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def workbench_token_create(*, name: str, organisation, technician=None, by=None) -> tuple[WorkbenchToken, str]:
    """A new token for a refurbisher's workstation or technician: the token object and the secret, which is
    not stored and cannot be shown again."""
    name = " ".join((name or "").split())
    errors = []
    if not name:
        errors.append("le nom du jeton est obligatoire (le poste ou le technicien qui s'en sert)")
    elif len(name) > WorkbenchToken._meta.get_field("name").max_length:
        errors.append("le nom du jeton dépasse 100 caractères")
    if organisation is None or organisation.kind != OrganisationKind.REFURBISHER:
        errors.append("un jeton Workbench appartient à un reconditionneur")
    elif not organisation.is_active:
        errors.append(f"« {organisation} » est désactivé")
    if technician is not None and (technician.organisation_id != getattr(organisation, "pk", None)):
        errors.append(f"{technician.get_username()} n'est pas membre de « {organisation} »")
    if name and WorkbenchToken.objects.filter(name__iexact=name).exists():
        errors.append(f"un jeton s'appelle déjà « {name} »")
    if errors:
        raise ValidationError("Jeton refusé : " + " ; ".join(errors) + ".")
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    try:
        with transaction.atomic():
            token = WorkbenchToken.objects.create(
                name=name,
                organisation=organisation,
                technician=technician,
                prefix=key[:10],
                key_hash=token_digest(key),
                created_by=by,
            )
    except IntegrityError as error:  # the same name created at the same moment
        raise ValidationError(f"Jeton refusé : un jeton s'appelle déjà « {name} ».") from error
    return token, key


@transaction.atomic
def workbench_token_revoke(*, token: WorkbenchToken, by=None) -> WorkbenchToken:
    """From now on the token opens nothing; the snapshots it sent stay, with its name."""
    token = WorkbenchToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.revoked_by = by
        token.save(update_fields=["revoked_at", "revoked_by"])
    return token


def workbench_token_authenticate(*, key: str, address: str) -> WorkbenchToken:
    """The active token matching `key` (its last use recorded), or TokenRefused saying why."""
    key = (key or "").strip().strip(_QUOTES).strip()  # settings.ini examples put the token between quotes
    if not key:
        raise TokenRefused("Le jeton est vide : écrivez-le après « token = » dans settings.ini.")
    token = (
        WorkbenchToken.objects.select_related("organisation", "technician").filter(key_hash=token_digest(key)).first()
    )
    if token is None:
        raise TokenRefused("Ce jeton n'est pas reconnu : vérifiez la ligne « token = » de settings.ini.")
    if token.revoked_at is not None:
        raise TokenRefused(
            f"Ce jeton (« {token.name} ») a été révoqué le {timezone.localtime(token.revoked_at):%d/%m/%Y} : "
            "demandez-en un nouveau dans l'atelier."
        )
    if not token.organisation.is_active:
        raise TokenRefused(f"« {token.organisation} » est désactivé : ses jetons n'ouvrent plus rien.")
    if token.technician is not None and not token.technician.is_active:
        raise TokenRefused(f"Le compte du technicien de ce jeton (« {token.name} ») est désactivé.")
    now = timezone.now()
    WorkbenchToken.objects.filter(pk=token.pk).update(last_used_at=now, last_used_address=address[:64])
    token.last_used_at, token.last_used_address = now, address[:64]
    return token
