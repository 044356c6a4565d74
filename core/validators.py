"""Checks for what people type on the site's forms: SIRET, French phone numbers, postal codes, plain text."""

import re
import unicodedata

from django.core.exceptions import ValidationError

# La Poste's establishments share one SIREN whose SIRETs do not follow Luhn (INSEE rule: digit sum divisible by 5).
LA_POSTE_SIREN = "356000000"

_SEPARATORS = re.compile(r"[\s.\-/()]")
_PHONE_PREFIX = re.compile(r"^(?:\+33|0033)(?:0)?")


def luhn_is_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def siret_normalise(value: str) -> str:
    """Return the SIRET as 14 digits, or raise a ValidationError saying what is wrong."""
    siret = _SEPARATORS.sub("", value or "")
    if not siret.isdigit() or not siret.isascii() or len(siret) != 14:
        raise ValidationError(
            "Le SIRET compte exactement 14 chiffres (par exemple 123 456 789 00012). "
            "Laissez vide si vous n'en avez pas.",
            code="siret_format",
        )
    if siret.startswith(LA_POSTE_SIREN) and not luhn_is_valid(siret):
        valid = sum(int(char) for char in siret) % 5 == 0
    else:
        valid = luhn_is_valid(siret)
    if not valid:
        raise ValidationError(
            "Ce SIRET n'existe pas : un chiffre est sans doute mal recopié. Vérifiez-le sur un document officiel.",
            code="siret_checksum",
        )
    return siret


def phone_normalise(value: str) -> str:
    """Accept French numbers as people write them (06 12 34 56 78, +33 6 12…, 0033…); return « 06 12 34 56 78 »."""
    raw = _SEPARATORS.sub("", value or "")
    national = _PHONE_PREFIX.sub("0", raw) if raw.startswith(("+33", "0033")) else raw
    if not re.fullmatch(r"0[1-9][0-9]{8}", national):
        raise ValidationError(
            "Numéro de téléphone invalide : indiquez un numéro français à 10 chiffres, par exemple 06 12 34 56 78.",
            code="phone",
        )
    return " ".join(national[i : i + 2] for i in range(0, 10, 2))


def postal_code_check(value: str) -> str:
    code = (value or "").replace(" ", "")
    if not re.fullmatch(r"[0-9]{5}", code) or code.startswith("00"):
        raise ValidationError("Le code postal compte 5 chiffres, par exemple 59220.", code="postal_code")
    return code


def plain_text_check(value: str) -> None:
    """Refuse text with no letter at all (« ---- », « 1234 ») or with control characters."""
    if not value:
        return
    if any(unicodedata.category(char) == "Cc" and char not in "\n\r\t" for char in value):
        raise ValidationError("Ce texte contient des caractères invisibles non autorisés.", code="control_chars")
    if not any(char.isalpha() for char in value):
        raise ValidationError("Ce texte doit contenir des lettres.", code="no_letters")
