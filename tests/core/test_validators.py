import pytest
from django.core.exceptions import ValidationError

from core.validators import phone_normalise, plain_text_check, postal_code_check, siret_normalise


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("73282932000074", "73282932000074"),  # a real SIRET (Luhn-valid)
        ("732 829 320 00074", "73282932000074"),
        ("35600000000048", "35600000000048"),  # La Poste head office: Luhn-valid
        ("35600000049837", "35600000049837"),  # a La Poste office: digit sum divisible by 5, not Luhn
    ],
)
def test_a_valid_siret_is_kept_as_14_digits(typed, stored):
    assert siret_normalise(typed) == stored


@pytest.mark.parametrize(
    "typed, message",
    [
        ("73282932000075", "un chiffre est sans doute mal recopié"),
        ("35600000049838", "un chiffre est sans doute mal recopié"),
        ("7328293200007", "exactement 14 chiffres"),
        ("732829320000745", "exactement 14 chiffres"),
        ("ABCDEFGHIJKLMN", "exactement 14 chiffres"),
        ("٧٣٢٨٢٩٣٢٠٠٠٠٧٤", "exactement 14 chiffres"),  # Arabic-Indic digits are digits to Python, not to INSEE
    ],
)
def test_a_wrong_siret_is_refused_with_a_french_reason(typed, message):
    with pytest.raises(ValidationError) as error:
        siret_normalise(typed)
    assert message in error.value.messages[0]


@pytest.mark.parametrize(
    "typed",
    [
        "0612345678",
        "06 12 34 56 78",
        "06.12.34.56.78",
        "06-12-34-56-78",
        "+33 6 12 34 56 78",
        "+33 (0)6 12 34 56 78",
        "0033612345678",
    ],
)
def test_french_phone_numbers_as_people_write_them_are_accepted(typed):
    assert phone_normalise(typed) == "06 12 34 56 78"


@pytest.mark.parametrize(
    "typed", ["", "12345", "0012345678", "06 12 34 56 7", "061234567890", "+44 20 7946 0958", "abc"]
)
def test_other_phone_numbers_are_refused(typed):
    with pytest.raises(ValidationError, match="10 chiffres"):
        phone_normalise(typed)


def test_postal_codes():
    assert postal_code_check("59 220") == "59220"
    assert postal_code_check("97400") == "97400"
    for wrong in ("5922", "592200", "00100", "ABCDE"):
        with pytest.raises(ValidationError, match="5 chiffres"):
            postal_code_check(wrong)


def test_text_without_letters_or_with_control_characters_is_refused():
    plain_text_check("Médiathèque d'Escaudain")
    with pytest.raises(ValidationError, match="lettres"):
        plain_text_check("!!!! 1234")
    with pytest.raises(ValidationError, match="invisibles"):
        plain_text_check("Mairie\x1b[31m")
