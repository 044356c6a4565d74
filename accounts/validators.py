"""Password rules from the CNIL's recommendation on passwords (délibération n° 2022-100).

With a login lockout as the only other measure, the CNIL asks for about 80 bits of entropy. Two ways to get there:
- at least 12 characters mixing upper case, lower case, digits and special characters;
- or a passphrase: at least 20 characters that are not a repetition (10 different characters or more), easier
  to remember and as strong.
Django's CommonPasswordValidator, NumericPasswordValidator and UserAttributeSimilarityValidator still apply.
"""

import re

from django.core.exceptions import ValidationError

KINDS = (
    ("une minuscule", re.compile(r"[a-zß-ÿ]")),
    ("une majuscule", re.compile(r"[A-ZÀ-Þ]")),
    ("un chiffre", re.compile(r"[0-9]")),
    ("un caractère spécial (par exemple ! ? - _ @ #)", re.compile(r"[^a-zA-Zß-ÿÀ-Þ0-9]")),
)


class CnilPasswordValidator:
    def __init__(self, min_length: int = 12, passphrase_length: int = 20, passphrase_distinct: int = 10):
        self.min_length = min_length
        self.passphrase_length = passphrase_length
        self.passphrase_distinct = passphrase_distinct

    def _is_passphrase(self, password: str) -> bool:
        return len(password) >= self.passphrase_length and len(set(password)) >= self.passphrase_distinct

    def validate(self, password: str, user=None) -> None:
        if self._is_passphrase(password):
            return
        problems = []
        if len(password) < self.min_length:
            problems.append(f"il est trop court ({len(password)} caractères au lieu de {self.min_length} au moins)")
        missing = [label for label, pattern in KINDS if not pattern.search(password)]
        if missing:
            problems.append("il lui manque " + ", ".join(missing))
        if problems:
            raise ValidationError(
                f"Mot de passe trop faible : {' ; '.join(problems)}. {self.get_help_text()}",
                code="password_too_weak",
            )

    def get_help_text(self) -> str:
        return (
            f"Choisissez au moins {self.min_length} caractères avec des majuscules, des minuscules, des chiffres et "
            f"des caractères spéciaux, ou une phrase de passe d'au moins {self.passphrase_length} caractères "
            "(par exemple « cheval agrafe lumière 2026 »)."
        )
