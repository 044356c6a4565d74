"""Two-factor authentication (TOTP, RFC 6238) with django-otp, and backup codes for when the phone is lost.

Who must use it: every role listed in FILIERE["TWO_FACTOR_ROLES"] (by default the roles that read households:
coordination, prescribers, partners), every account that opens the Django admin (is_staff / is_superuser), and
anyone who turned it on of their own accord (it is offered to every account). Demo accounts are exempt while
DEMO_MODE is on (DEBUG), so that `make run` stays one command; they cannot log in at all when DEMO_MODE is off, so
no production account is ever exempt.
"""

import base64

import segno
from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import ValidationError
from django.db import transaction
from django_otp import user_has_device
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

BACKUP_CODES = 10
TOTP_NAME = "Application d'authentification"
BACKUP_NAME = "Codes de secours"


def two_factor_required_by_role(user) -> bool:
    """The account must have a second factor whether or not it chose one (its role or its admin access)."""
    if not user.is_authenticated:
        return False
    if user.is_demo and settings.DEMO_MODE:
        return False
    return bool(user.is_staff or user.is_superuser or user.role in settings.FILIERE["TWO_FACTOR_ROLES"])


def two_factor_required(user) -> bool:
    """A code is asked at login: required by the role, or turned on by the person (then it protects them too)."""
    if two_factor_required_by_role(user):
        return True
    if not user.is_authenticated or (user.is_demo and settings.DEMO_MODE):
        return False
    return two_factor_enrolled(user)  # one query, only for accounts whose role does not require it


def two_factor_enrolled(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def totp_device_pending(user) -> TOTPDevice:
    """The not-yet-confirmed TOTP device the enrolment page shows (the same one until it is confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)


def totp_manual_key(device: TOTPDevice) -> str:
    """The secret in the base32 form authenticator apps accept when typed, in groups of four."""
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def totp_qr_svg(device: TOTPDevice) -> str:
    return segno.make(device.config_url, error="m").svg_inline(scale=4, border=2, title="Code QR à scanner")


def _clean(token: str | None) -> str:
    return "".join((token or "").split()).replace("-", "")


def _backup_codes_create(user) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(user=user, name=BACKUP_NAME, defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def two_factor_enrol(*, user, device: TOTPDevice, token: str) -> list[str]:
    """Confirm the TOTP device with a first code from the app; return the backup codes, shown only once."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user)
        if device.confirmed:
            raise ValidationError("La double authentification est déjà activée pour ce compte.")
        verified = device.verify_token(_clean(token))  # a failure is counted (throttling) and committed
        if verified:
            TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            return _backup_codes_create(user)
    raise ValidationError(
        "Code incorrect. Vérifiez que le téléphone est à l'heure et tapez le code à 6 chiffres affiché maintenant "
        "par l'application (attendez quelques secondes entre deux essais)."
    )


def two_factor_verify(*, user, token: str) -> Device:
    """The device that accepts this code (app code or backup code); throttled by django-otp after failures.

    The failure count is committed before the refusal is raised: a rolled-back count would not slow anyone down.
    """
    token = _clean(token)
    if not token:
        raise ValidationError("Tapez le code à 6 chiffres de votre application, ou un code de secours.")
    # Six digits: the app's code; anything else: a backup code. Trying only the matching kind keeps a typed backup
    # code from counting as a failed app code (and slowing the next one down).
    kind = TOTPDevice if token.isdigit() and len(token) == 6 else StaticDevice
    throttled = False
    with transaction.atomic():
        for device in kind.objects.devices_for_user(user, confirmed=True).select_for_update():
            allowed, _ = device.verify_is_allowed()
            if not allowed:
                throttled = True
            elif device.verify_token(token):
                return device
    if throttled:
        raise ValidationError(
            "Trop de codes incorrects : par sécurité, attendez une minute avant de réessayer. "
            "Vérifiez l'heure de votre téléphone, ou utilisez un code de secours."
        )
    raise ValidationError("Code incorrect ou déjà utilisé. Tapez le code affiché maintenant par l'application.")


@transaction.atomic
def backup_codes_regenerate(*, user) -> list[str]:
    """New backup codes; the old ones stop working."""
    if not two_factor_enrolled(user):
        raise ValidationError("Activez d'abord la double authentification.")
    return _backup_codes_create(user)


def backup_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user).count()


@transaction.atomic
def two_factor_reset(*, member, by) -> None:
    """Coordination removes someone's devices (lost phone): they enrol again at their next page."""
    if not by.is_coordination:
        raise ValidationError("Seule la coordination peut réinitialiser la double authentification.")
    if member.pk == by.pk:
        raise ValidationError(
            "Vous ne pouvez pas réinitialiser votre propre double authentification : utilisez un code de secours, "
            "ou demandez-le à une autre personne de la coordination."
        )
    if not user_has_device(member, confirmed=None):
        raise ValidationError(f"Le compte « {member.username} » n'a pas de double authentification à réinitialiser.")
    TOTPDevice.objects.filter(user=member).delete()
    StaticDevice.objects.filter(user=member).delete()
    LogEntry.objects.log_actions(  # in the account's history (admin), beside the Structures changes
        user_id=by.pk,
        queryset=[member],
        action_flag=CHANGE,
        change_message="Double authentification réinitialisée depuis Structures.",
        single_object=True,
    )
