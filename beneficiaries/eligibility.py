"""The programme's eligibility rules, in one place: the forms ask them early, the services enforce them."""

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError

from beneficiaries.enums import COMPUTED_CRITERIA, EligibilityCriterion
from core.dates import add_months, age_on
from territory.models import Commune
from territory.selectors import commune_suggestions, strip_postal_code

MAX_AGE = 120


def territory_name() -> str:
    return settings.FILIERE["TERRITORY_NAME"]


def is_senior(birth_date: datetime.date, on: datetime.date) -> bool:
    return age_on(birth_date, on) >= settings.FILIERE["SENIOR_AGE"]


def certification_expiry(certified_on: datetime.date) -> datetime.date:
    """First day a certification made on `certified_on` is no longer valid."""
    return add_months(certified_on, settings.FILIERE["CERTIFICATION_VALIDITY_MONTHS"])


def certified_criteria(
    declared: Iterable[str], birth_date: datetime.date, on: datetime.date
) -> set[EligibilityCriterion]:
    """What the certification records: the criteria ticked, plus senior when the birth date says so.

    Computed criteria are never taken from input: senior is true exactly when the age reaches the threshold.
    """
    criteria = {EligibilityCriterion(value) for value in declared} - COMPUTED_CRITERIA
    if is_senior(birth_date, on):
        criteria.add(EligibilityCriterion.SENIOR)
    return criteria


def outside_territory_message(commune_name: str) -> str:
    return (
        f"{commune_name} n'est pas une commune de {territory_name()} : ce foyer ne peut pas bénéficier du programme."
    )


def residence_error(typed: str, commune: Commune | None) -> str | None:
    """Why the commune typed does not establish residence in the territory, or None when it does."""
    typed = (typed or "").strip()
    if commune is not None:
        return None if commune.is_active else outside_territory_message(commune.name)
    if not typed:
        return "Indiquez la commune où vit le foyer."
    if not any(char.isalpha() for char in typed):
        return (
            "Indiquez le nom de la commune, pas seulement le code postal : certains codes postaux sont partagés "
            f"avec des communes qui ne font pas partie de {territory_name()}."
        )
    message = outside_territory_message(strip_postal_code(typed) or typed)
    suggestions = commune_suggestions(typed)
    if suggestions:
        # A typo is likelier than a neighbour: offer the closest names of the territory.
        message += f" Vouliez-vous dire {' ou '.join(commune.name for commune in suggestions)} ?"
    return message


def criteria_error(criteria: set[EligibilityCriterion]) -> str | None:
    if criteria:
        return None
    return (
        "Aucun critère d'éligibilité : cochez au moins un critère dont vous avez vu le justificatif "
        f"(le critère « Senior » s'applique seul à partir de {settings.FILIERE['SENIOR_AGE']} ans)."
    )


def confirmation_errors(*, proof_seen: bool, data_notice_given: bool) -> dict[str, str]:
    """What a certification states beside the criteria: the proof was seen, the household was told about its data."""
    errors = {}
    if not data_notice_given:
        errors["data_notice_given"] = "Le foyer doit avoir été informé de l'usage de ses données (texte ci-dessus)."
    if not proof_seen:
        errors["proof_seen"] = "Cochez cette case une fois le justificatif vu : la certification en dépend."
    return errors


def birth_date_error(birth_date: datetime.date, on: datetime.date) -> str | None:
    if birth_date > on:
        return "La date de naissance est dans le futur."
    if age_on(birth_date, on) >= MAX_AGE:
        return "La date de naissance semble erronée (plus de 120 ans) : vérifiez l'année."
    return None


def eligibility_validate(
    *,
    commune: Commune | None,
    typed_commune: str,
    declared: Iterable[str],
    birth_date: datetime.date | None,
    on: datetime.date,
    proof_seen: bool = True,
    data_notice_given: bool = True,
) -> set[EligibilityCriterion]:
    """Raise a ValidationError naming every rule that fails (by field), the certification's confirmations
    included; return the criteria to record."""
    errors = {}
    if message := residence_error(typed_commune, commune):
        errors["commune"] = message
    criteria = set()
    if birth_date is not None:
        if message := birth_date_error(birth_date, on):
            errors["birth_date"] = message
        criteria = certified_criteria(declared, birth_date, on)
    else:
        criteria = {EligibilityCriterion(value) for value in declared} - COMPUTED_CRITERIA
    if message := criteria_error(criteria):
        errors["criteria"] = message
    errors.update(confirmation_errors(proof_seen=proof_seen, data_notice_given=data_notice_given))
    if errors:
        raise ValidationError(errors)
    return criteria
