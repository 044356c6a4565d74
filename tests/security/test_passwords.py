"""Passwords: Argon2 in production, rules after the CNIL's recommendation, explained in French."""

import pytest
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import password_validators_help_texts, validate_password
from django.core.exceptions import ValidationError

from accounts.validators import CnilPasswordValidator
from config import settings as production_settings


@pytest.mark.parametrize(
    "password",
    [
        "Lumiere-2026!x",  # 14 characters of four kinds
        "B0n-Jour@Raismes",
        "cheval agrafe lumière 2026",  # passphrases: 20 characters or more
        "motdepasse-solide-2026",
        "la filière reconditionne",
    ],
)
def test_strong_passwords_are_accepted(password):
    CnilPasswordValidator().validate(password)


@pytest.mark.parametrize(
    ("password", "explains"),
    [
        ("Court-1!", "trop court (8 caractères au lieu de 12 au moins)"),
        ("toutenminuscules", "il lui manque une majuscule, un chiffre, un caractère spécial"),
        ("Lumiere2026abc", "il lui manque un caractère spécial"),
        ("LUMIERE-2026-AB", "il lui manque une minuscule"),
        ("aaaaaaaaaaaaaaaaaaaaaaaa", "il lui manque une majuscule"),  # long, but a repetition is no passphrase
    ],
)
def test_weak_passwords_are_refused_with_what_is_missing(password, explains):
    with pytest.raises(ValidationError) as refused:
        CnilPasswordValidator().validate(password)
    message = refused.value.messages[0]
    assert message.startswith("Mot de passe trop faible")
    assert explains in message
    assert "phrase de passe d'au moins 20 caractères" in message


def test_the_project_validators_include_the_cnil_rules_and_common_passwords():
    assert any("phrase de passe" in text for text in password_validators_help_texts())
    with pytest.raises(ValidationError):
        validate_password("azertyuiop123")  # too weak by the CNIL's rules
    with pytest.raises(ValidationError):
        validate_password("1234567890123456789012")  # only digits, and common


def test_production_hashes_passwords_with_argon2(settings):
    """The production settings put Argon2 first (the tests keep a fast hasher)."""
    settings.PASSWORD_HASHERS = production_settings.PASSWORD_HASHERS
    assert settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    encoded = make_password("Lumiere-2026!x")
    assert encoded.startswith("argon2$argon2id$")
    assert check_password("Lumiere-2026!x", encoded)
