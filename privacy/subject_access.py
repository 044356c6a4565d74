"""Right of access (RGPD art. 15): everything Filière holds about one household, as JSON and as PDF.

One read gathers it all — the household, its certifications, overrides, confirmed duplicates, invitations with the
pack and items received, and the access log — so that the two formats always say the same.
"""

import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch
from django.utils import timezone

from beneficiaries.models import Household
from core.pdf import render_pdf
from distributions.events.models import Invitation
from distributions.packs.models import PackItem


def _person(user) -> str:
    if user is None:
        return "opération automatique"
    return user.get_full_name() or user.username


def _local(moment):
    return timezone.localtime(moment) if moment else None


def household_data(household: Household, *, by) -> dict:
    """Every piece of data about `household`, in plain values (dates, text, numbers), for the export."""
    household = Household.objects.select_related("commune", "structure", "created_by").get(pk=household.pk)
    certifications = household.certifications.select_related("author", "structure").order_by("certified_on", "id")
    invitations = (
        Invitation.objects.filter(household=household)
        .select_related("event", "pack", "invited_by", "handed_over_by")
        .prefetch_related(
            Prefetch("pack__pack_items", queryset=PackItem.objects.select_related("item").order_by("id"))
        )
        .order_by("event__date", "id")
    )
    return {
        "export": {
            "programme": settings.FILIERE["PROGRAMME_NAME"],
            "generated_at": timezone.localtime(),
            "generated_by": _person(by),
            "data_notice": settings.FILIERE["DATA_NOTICE"],
        },
        "household": {
            "id": household.pk,
            "last_name": household.last_name,
            "first_name": household.first_name,
            "birth_date": household.birth_date,
            "address": household.address,
            "commune": household.commune.name,
            "commune_insee_code": household.commune.insee_code,
            "phone": household.phone,
            "email": household.email,
            "size": household.size,
            "note": household.note,
            "structure": household.structure.name,
            "registered_by": _person(household.created_by),
            "registered_at": _local(household.created_at),
            "updated_at": _local(household.updated_at),
            "last_contact_at": _local(household.last_activity_at),
            "equipped_on": household.equipped_on,
            "anonymised_at": _local(household.anonymised_at),
            "pseudonym": household.pseudonym,
        },
        "certifications": [
            {
                "certified_on": certification.certified_on,
                "expires_on": certification.expires_on,
                "author": _person(certification.author),
                "structure": certification.structure.name,
                "criteria": [criterion.label for criterion in certification.criteria],
                "proof_seen": certification.proof_seen,
                "data_notice_given": certification.data_notice_given,
            }
            for certification in certifications
        ],
        "period_overrides": [
            {
                "granted_on": override.granted_on,
                "granted_by": _person(override.granted_by),
                "reason": override.reason,
                "used_on": override.used_on,
            }
            for override in household.period_overrides.select_related("granted_by").order_by("granted_on", "id")
        ],
        "duplicate_confirmations": [
            {
                "confirmed_at": _local(item.created_at),
                "confirmed_by": _person(item.confirmed_by),
                "reason": item.reason,
            }
            for item in household.duplicate_confirmations.select_related("confirmed_by").order_by("created_at")
        ],
        "invitations": [_invitation(invitation) for invitation in invitations],
        "access_log": [
            {
                "at": _local(entry.at),
                "action": entry.get_action_display(),
                "user": _person(entry.user),
                "structure": entry.structure.name if entry.structure else "",
            }
            for entry in household.access_log.select_related("user", "structure").order_by("at", "id")
        ],
    }


def _invitation(invitation: Invitation) -> dict:
    event = invitation.event
    items = [pack_item.item for pack_item in invitation.pack.pack_items.all()] if invitation.pack else []
    return {
        "event": event.title,
        "event_date": event.date,
        "event_place": event.place,
        "status": invitation.get_status_display(),
        "invited_at": _local(invitation.invited_at),
        "invited_by": _person(invitation.invited_by),
        "checked_in_at": _local(invitation.checked_in_at),
        "handed_over_at": _local(invitation.handed_over_at),
        "handed_over_by": _person(invitation.handed_over_by) if invitation.handed_over_by else "",
        "payment_means": invitation.get_payment_means_display() if invitation.payment_means else "",
        "price_amount": invitation.price_amount,
        "sheet_signed": invitation.sheet_signed,
        "onboarding_attended": invitation.onboarding_attended,
        "pack": invitation.pack.reference if invitation.pack else "",
        "items": [
            {
                "asset_tag": item.asset_tag,
                "category": item.get_category_display(),
                "manufacturer": item.manufacturer,
                "model": item.model,
                "serial_number": item.serial_number,
                "status": item.get_status_display(),
            }
            for item in items
        ],
    }


def household_data_json(data: dict) -> bytes:
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode()


def household_data_pdf(data: dict) -> bytes:
    context = {"data": data, "access_log_months": settings.FILIERE["ACCESS_LOG_RETENTION_MONTHS"]}
    return render_pdf("privacy/household_export_pdf.html", context)
