"""Reads on organisations for coordination's pages."""

from django.db.models import Count, Q, QuerySet
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.enums import OrganisationKind
from accounts.models import Organisation, User


def organisation_list() -> QuerySet[Organisation]:
    """Every organisation with its member counts, in one query whatever the number of rows."""
    return Organisation.objects.annotate(
        member_count=Count("members"),
        active_member_count=Count("members", filter=Q(members__is_active=True)),
    ).order_by("name")


def organisation_members(organisation: Organisation) -> QuerySet[User]:
    return organisation.members.order_by("-is_active", "last_name", "first_name", "username")


def structures_serving(commune) -> list[Organisation]:
    """Active prescribing structures that receive the residents of a commune (public home page)."""
    return list(
        Organisation.objects.active()
        .structures()
        .filter(communes_served=commune)
        .only("name", "address", "phone", "opening_hours")
        .order_by("name")
    )


def programme_contact() -> Organisation | None:
    """The coordination, whom residents call when no structure is listed for their commune."""
    return (
        Organisation.objects.active()
        .filter(kind=OrganisationKind.COORDINATION)
        .only("name", "address", "phone", "opening_hours")
        .order_by("pk")
        .first()
    )


def two_factor_user_ids(members) -> list[int]:
    """Which of these members have an authenticator app or backup codes (both device kinds in one query)."""
    ids = [member.pk for member in members]
    totp = TOTPDevice.objects.filter(user_id__in=ids).values_list("user_id", flat=True)
    static = StaticDevice.objects.filter(user_id__in=ids).values_list("user_id", flat=True)
    return list(totp.union(static))
