"""Every write on households: registration, edits, certifications, the programme-period override, handover."""

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.enums import OrganisationKind
from accounts.models import Organisation, User
from accounts.permissions import Capability, may
from beneficiaries.access_log import access_log_record_change
from beneficiaries.eligibility import (
    certification_expiry,
    confirmation_errors,
    eligibility_validate,
    outside_territory_message,
)
from beneficiaries.enums import AccessAction, EligibilityCriterion
from beneficiaries.models import Certification, DuplicateConfirmation, Household, PeriodOverride
from beneficiaries.selectors import (
    SimilarHousehold,
    household_active_override,
    household_next_pack_allowed_on,
    household_similar,
)
from core.validators import phone_normalise
from territory.models import Commune

IDENTITY_FIELDS = ("last_name", "first_name", "birth_date", "address", "commune")
EDITABLE_FIELDS = (*IDENTITY_FIELDS, "phone", "email", "size", "note")


DUPLICATE_MESSAGE = "Un foyer similaire existe déjà : indiquez pourquoi vous l'inscrivez quand même."


class DuplicateSuspected(ValidationError):
    """Similar households exist; the prescriber must stop or confirm with a reason."""

    def __init__(self, similar: list[SimilarHousehold]):
        self.similar = similar
        super().__init__({"duplicate_reason": DUPLICATE_MESSAGE})


class HouseholdChanged(ValidationError):
    """Someone saved the household since the page was opened: nothing is written, the earlier change is kept."""

    def __init__(self, current: Household, *, version_missing: bool = False):
        self.current = current
        when = timezone.localtime(current.updated_at)
        if version_missing:
            # A page that does not say which version it started from (tampered, or cut short) cannot prove it saw
            # the last change: treated as stale, never as « no check ».
            what = (
                f"Cette page ne dit pas quelle version du foyer elle modifie (dernier enregistrement le "
                f"{when:%d/%m/%Y à %H:%M}) : vos modifications ne sont pas enregistrées, pour ne pas effacer celles "
                "de quelqu'un d'autre."
            )
        else:
            what = (
                f"Quelqu'un d'autre a modifié ce foyer le {when:%d/%m/%Y à %H:%M}, après l'ouverture de cette page : "
                "vos modifications ne sont pas enregistrées, pour ne pas effacer les siennes."
            )
        super().__init__(
            f"{what} Comparez avec les informations enregistrées ci-dessous, corrigez si besoin, puis enregistrez à "
            "nouveau."
        )


def _phone_checked(phone: str, *, unchanged_from: str | None = None) -> str:
    """A French number as the donors' form takes it, stored « 06 12 34 56 78 »; empty stays empty, and a number
    saved before this check is kept as it is while nobody changes it."""
    phone = (phone or "").strip()
    if not phone or phone == unchanged_from:
        return phone
    try:
        return phone_normalise(phone)
    except ValidationError as error:
        raise ValidationError({"phone": error.messages}) from error


def _check_not_anonymised(household: Household) -> None:
    if household.anonymised_at is not None:
        raise ValidationError(
            f"Ce foyer a été anonymisé le {timezone.localtime(household.anonymised_at):%d/%m/%Y} (aucun contact "
            f"pendant {settings.FILIERE['RETENTION_YEARS']} ans) : ses informations ne peuvent plus être modifiées. "
            "Inscrivez-le à nouveau s'il revient."
        )


def households_record_contact(*, household_ids: Iterable[int], at=None) -> None:
    """A contact with these households (an invitation, an answer): their retention period starts again."""
    Household.objects.filter(pk__in=list(household_ids), anonymised_at__isnull=True).update(
        last_activity_at=at or timezone.now()
    )


def _check_prescriber(by: User, structure: Organisation) -> None:
    if structure.kind != OrganisationKind.STRUCTURE:
        raise ValidationError("Seule une structure prescriptrice peut inscrire et certifier des foyers.")
    if not structure.is_active:
        raise ValidationError(f"La structure « {structure} » est désactivée : elle ne peut plus inscrire de foyer.")
    if by.organisation_id != structure.pk:
        raise ValidationError(f"Vous n'êtes pas membre de la structure « {structure} ».")


def _check_duplicates(*, values: dict, reason: str, exclude_pk: int | None = None) -> list[SimilarHousehold]:
    similar = household_similar(
        last_name=values["last_name"],
        first_name=values["first_name"],
        birth_date=values["birth_date"],
        address=values["address"],
        commune=values["commune"],
        exclude_pk=exclude_pk,
    )
    if similar and not reason.strip():
        raise DuplicateSuspected(similar)
    return similar


def _record_duplicate(*, household: Household, similar: list[SimilarHousehold], reason: str, by: User) -> None:
    if not similar:
        return
    confirmation = DuplicateConfirmation(household=household, confirmed_by=by, reason=reason.strip())
    confirmation.full_clean()
    confirmation.save()
    confirmation.similar_to.set([item.pk for item in similar])


def _certification_create(
    *,
    household: Household,
    by: User,
    criteria: set[EligibilityCriterion],
    proof_seen: bool,
    data_notice_given: bool,
    on: datetime.date,
) -> Certification:
    if errors := confirmation_errors(proof_seen=proof_seen, data_notice_given=data_notice_given):
        raise ValidationError(errors)
    certification = Certification(
        household=household,
        author=by,
        structure=household.structure,
        certified_on=on,
        expires_on=certification_expiry(on),
        proof_seen=True,
        data_notice_given=True,
        **{criterion.value: True for criterion in criteria},
    )
    certification.full_clean()
    certification.save()
    return certification


@transaction.atomic
def household_register(
    *,
    structure: Organisation,
    by: User,
    last_name: str,
    first_name: str,
    birth_date: datetime.date,
    address: str,
    commune: Commune | None,
    typed_commune: str = "",
    criteria: Iterable[str],
    proof_seen: bool,
    data_notice_given: bool,
    phone: str = "",
    email: str = "",
    size: int = 1,
    note: str = "",
    duplicate_reason: str = "",
    on: datetime.date | None = None,
) -> Household:
    """Register a household and its first certification, or nothing at all.

    Refused (ValidationError by field) when it is not eligible; DuplicateSuspected when similar households exist
    and no reason was given.
    """
    on = on or timezone.localdate()
    _check_prescriber(by, structure)
    certified = eligibility_validate(
        commune=commune,
        typed_commune=typed_commune or (commune.name if commune else ""),
        declared=criteria,
        birth_date=birth_date,
        on=on,
        proof_seen=proof_seen,
        data_notice_given=data_notice_given,
    )
    values = {
        "last_name": last_name.strip(),
        "first_name": first_name.strip(),
        "birth_date": birth_date,
        "address": address.strip(),
        "commune": commune,
    }
    similar = _check_duplicates(values=values, reason=duplicate_reason)
    household = Household(
        **values,
        phone=_phone_checked(phone),
        email=email.strip(),
        size=size,
        note=note.strip(),
        structure=structure,
        created_by=by,
    )
    household.full_clean()
    household.save()
    _certification_create(
        household=household,
        by=by,
        criteria=certified,
        proof_seen=proof_seen,
        data_notice_given=data_notice_given,
        on=on,
    )
    _record_duplicate(household=household, similar=similar, reason=duplicate_reason, by=by)
    access_log_record_change(user=by, action=AccessAction.REGISTER, household=household)
    return household


@transaction.atomic
def household_update(
    *, household: Household, by: User, version: int | None, duplicate_reason: str = "", **changes
) -> Household:
    """Correct a household's identity, address or contact; the structure and certifications never change here.

    `version`: the household's version when the page was opened; HouseholdChanged if it was saved since, or if it
    is unknown (None): an edit that cannot say what it started from never overwrites.
    """
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(f"Champs non modifiables : {', '.join(sorted(unknown))}.")
    household = Household.objects.select_for_update().get(pk=household.pk)
    _check_not_anonymised(household)
    if version is None or household.version != version:
        raise HouseholdChanged(household, version_missing=version is None)
    new_commune = changes.get("commune", household.commune)
    if new_commune.pk != household.commune_id and not new_commune.is_active:
        raise ValidationError({"commune": outside_territory_message(new_commune.name)})
    for name in ("last_name", "first_name", "address", "phone", "email", "note"):
        if name in changes:
            changes[name] = (changes[name] or "").strip()
    if "phone" in changes:
        changes["phone"] = _phone_checked(changes["phone"], unchanged_from=household.phone)
    identity_changed = any(name in changes and changes[name] != getattr(household, name) for name in IDENTITY_FIELDS)
    for name, value in changes.items():
        setattr(household, name, value)
    similar = []
    if identity_changed:
        values = {name: getattr(household, name) for name in IDENTITY_FIELDS}
        similar = _check_duplicates(values=values, reason=duplicate_reason, exclude_pk=household.pk)
    household.last_activity_at = timezone.now()
    household.full_clean()
    # The version moves only if nobody else moved it since we read it (a conditional UPDATE: safe on every database).
    if not Household.objects.filter(pk=household.pk, version=household.version).update(version=F("version") + 1):
        raise HouseholdChanged(Household.objects.get(pk=household.pk))
    household.version += 1
    household.save()
    _record_duplicate(household=household, similar=similar, reason=duplicate_reason, by=by)
    access_log_record_change(user=by, action=AccessAction.UPDATE, household=household)
    return household


@transaction.atomic
def household_certify(
    *,
    household: Household,
    by: User,
    criteria: Iterable[str],
    proof_seen: bool,
    data_notice_given: bool,
    on: datetime.date | None = None,
) -> Certification:
    """Renew (or re-state) eligibility: always a new certification; earlier ones stay as they were."""
    on = on or timezone.localdate()
    household = Household.objects.select_for_update().select_related("commune", "structure").get(pk=household.pk)
    _check_not_anonymised(household)
    _check_prescriber(by, household.structure)
    certified = eligibility_validate(
        commune=household.commune,
        typed_commune=household.commune.name,
        declared=criteria,
        birth_date=household.birth_date,
        on=on,
        proof_seen=proof_seen,
        data_notice_given=data_notice_given,
    )
    certification = _certification_create(
        household=household,
        by=by,
        criteria=certified,
        proof_seen=proof_seen,
        data_notice_given=data_notice_given,
        on=on,
    )
    Household.objects.filter(pk=household.pk).update(last_activity_at=timezone.now())
    access_log_record_change(user=by, action=AccessAction.CERTIFY, household=household)
    return certification


@transaction.atomic
def period_override_grant(
    *, household: Household, by: User, reason: str, on: datetime.date | None = None
) -> PeriodOverride:
    """Coordination allows one more pack within the programme period, with a written reason."""
    on = on or timezone.localdate()
    if not may(by, Capability.PERIOD_OVERRIDE):
        raise ValidationError("Seule la coordination peut accorder une dérogation.")
    household = Household.objects.select_for_update().get(pk=household.pk)
    allowed_on = household_next_pack_allowed_on(household)
    if allowed_on is None:
        raise ValidationError("Ce foyer n'a encore reçu aucun pack : aucune dérogation n'est nécessaire.")
    if on >= allowed_on:
        raise ValidationError("La période du programme est écoulée pour ce foyer : la dérogation est inutile.")
    if not (reason or "").strip():
        raise ValidationError({"reason": "Indiquez le motif de la dérogation."})
    if household_active_override(household) is not None:
        raise ValidationError("Une dérogation est déjà accordée à ce foyer et n'a pas encore servi.")
    override = PeriodOverride(household=household, granted_by=by, granted_on=on, reason=reason.strip())
    override.full_clean()
    override.save()
    access_log_record_change(user=by, action=AccessAction.OVERRIDE, household=household)
    return override


@transaction.atomic
def household_mark_equipped(*, household: Household, on: datetime.date, by: User) -> Household:
    """Record that the household received a pack that day (called by distributions at the handover).

    Refused within the programme period after a previous pack, unless coordination granted an override since.
    """
    locked = Household.objects.select_for_update().get(pk=household.pk)
    allowed_on = household_next_pack_allowed_on(locked)
    if allowed_on is not None and on < allowed_on:
        override = household_active_override(locked)
        if override is None:
            raise ValidationError(
                f"Ce foyer a déjà reçu un pack le {locked.equipped_on:%d/%m/%Y} : un nouveau pack n'est possible "
                f"qu'à partir du {allowed_on:%d/%m/%Y}, sauf dérogation de la coordination."
            )
        PeriodOverride.objects.filter(pk=override.pk).update(used_on=on)
    now = timezone.now()
    Household.objects.filter(pk=locked.pk).update(equipped_on=on, last_activity_at=now)
    # The caller's instance reflects the change too.
    household.equipped_on, household.last_activity_at = on, now
    return household
