"""Pairs of objects for the query-count case: each page is loaded once with about 10 rows and once with about 200
(a donation of 10 items and one of 200, an event of 10 households and one of 200, a structure of 10 households and
one of 200…). Written with bulk_create on top of the generated volume."""

import datetime
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from accounts.enums import OrganisationKind
from accounts.models import Organisation, User
from bench.data import PASSWORD
from beneficiaries.models import Certification, Household, household_name_key
from core.text import compact_key
from distributions.events.models import Event, Invitation
from distributions.packs.models import Pack, PackItem, PackTemplate
from donations.enums import OfferStatus
from donations.models import Donation, DonationOffer, DonationOfferLine, Donor
from equipment.enums import ItemCategory, ItemStatus
from equipment.models import Item, StatusChange
from territory.models import Commune

SIZES = {"small": 10, "large": 200}


def _items(donation: Donation, count: int, *, prefix: str, status=ItemStatus.RECEIVED, categories=None) -> list[Item]:
    categories = categories or [ItemCategory.SCREEN, ItemCategory.DESKTOP, ItemCategory.KEYBOARD, ItemCategory.MOUSE]
    return Item.objects.bulk_create(
        Item(
            asset_tag=f"{prefix}-{n:04d}",
            category=categories[n % len(categories)],
            status=status,
            donation=donation,
            received_on=donation.received_on,
            manufacturer="Dell",
            model="OptiPlex 7050",
            serial_number=f"{prefix}S{n:05d}",
            weight_kg=Decimal("4.2"),
            # Written past the audit straight away, as history the CSV import brings in (the storage rule's
            # triggers accept such computers only as exempt).
            erasure_exempt=status not in (ItemStatus.RECEIVED, ItemStatus.IN_AUDIT),
        )
        for n in range(count)
    )


def _households(structure, author, count: int, *, prefix: str, today) -> list[Household]:
    commune = Commune.objects.order_by("pk").first()
    households = Household.objects.bulk_create(
        Household(
            last_name=f"{prefix}{n:03d}",
            first_name="Camille",
            birth_date=datetime.date(1970, 1, 1 + n % 28),
            address=f"{n + 1} rue du Banc d'essai",
            commune=commune,
            structure=structure,
            created_by=author,
            name_key=household_name_key(f"{prefix}{n:03d}", "Camille"),
            address_key=compact_key(f"{n + 1} rue du Banc d'essai"),
        )
        for n in range(count)
    )
    Certification.objects.bulk_create(
        Certification(
            household=household,
            author=author,
            structure=structure,
            certified_on=today - datetime.timedelta(days=30),
            expires_on=today + datetime.timedelta(days=150),
            rsa=True,
            proof_seen=True,
            data_notice_given=True,
        )
        for household in households
    )
    return households


def create(people: dict) -> dict:
    """The pairs, keyed "small" / "large"; returns ids and users the cases need."""
    today, now = timezone.localdate(), timezone.now()
    coordination, technician = people["coordination"], people["technician"]
    donor = Donor.objects.create(name="Donateur du banc d'essai")
    template = PackTemplate.objects.default()
    lines = [line.category for line in template.lines.all() for _ in range(line.quantity)]
    password = make_password(PASSWORD)
    result = {"donation": {}, "item": {}, "event": {}, "structure": {}, "prescriber": {}, "household": {}, "offer": {}}
    for size, count in SIZES.items():
        donation = Donation.objects.create(reference=f"BANC-{size}", donor=donor, received_on=today)
        result["donation"][size] = donation.pk
        items = _items(donation, count, prefix=f"BANC-{size}")
        # An item whose status log has `count` lines (the admin's item page shows them all).
        item = items[0]
        StatusChange.objects.bulk_create(
            StatusChange(
                item=item,
                from_status=ItemStatus.RECEIVED if n % 2 else ItemStatus.IN_AUDIT,
                to_status=ItemStatus.IN_AUDIT if n % 2 else ItemStatus.RECEIVED,
                by=technician,
                at=now - datetime.timedelta(minutes=count - n),
            )
            for n in range(count)
        )
        result["item"][size] = item.asset_tag
        result["item_pk"] = {**result.get("item_pk", {}), size: item.pk}

        structure = Organisation.objects.create(name=f"Structure banc {size}", kind=OrganisationKind.STRUCTURE)
        prescriber = User.objects.create(username=f"bench-banc-{size}", organisation=structure, password=password)
        result["structure"][size], result["prescriber"][size] = structure.pk, prescriber
        households = _households(structure, prescriber, count, prefix=f"Banc{size.title()}", today=today)
        # One household with as many certifications as the size (renewals over the years).
        Certification.objects.bulk_create(
            Certification(
                household=households[0],
                author=prescriber,
                structure=structure,
                certified_on=today - datetime.timedelta(days=40 + 200 * n),
                expires_on=today - datetime.timedelta(days=35 + 200 * n),
                rsa=True,
                proof_seen=True,
                data_notice_given=True,
            )
            for n in range(min(count, 20))
        )
        result["household"][size] = households[1].pk

        # An event with `count` households invited, each with an allocated pack of refurbished items.
        event = Event.objects.create(
            title=f"Remise banc {size}",
            date=today + datetime.timedelta(days=20),
            start_time=datetime.time(14),
            place="Salle du banc d'essai",
            capacity=count,
            status="planned",
            created_by=coordination,
        )
        result["event"][size] = event.pk
        pack_items = _items(
            donation, count * len(lines), prefix=f"BANC-P{size}", status=ItemStatus.RESERVED, categories=lines
        )
        packs = Pack.objects.bulk_create(
            Pack(reference=f"BANC-{size}-{n:04d}", template=template, status="allocated", completed_at=now)
            for n in range(count)
        )
        PackItem.objects.bulk_create(
            PackItem(pack=packs[n // len(lines)], item=item, is_live=True) for n, item in enumerate(pack_items)
        )
        Invitation.objects.bulk_create(
            Invitation(event=event, household=household, status="confirmed", pack=pack, invited_by=coordination)
            for household, pack in zip(households, packs, strict=True)
        )
        result["invitation_one"] = {**result.get("invitation_one", {}), size: event.invitations.first().pk}

        # Donation offers: `count` accepted ones (the staff queue), one offer with every category line.
        offers = DonationOffer.objects.bulk_create(
            DonationOffer(
                reference=f"PROP-{size}-{n:04d}",
                status=OfferStatus.ACCEPTED if size == "large" else OfferStatus.OFFERED,
                organisation_name=f"Entreprise {n}",
                donor_kind="company",
                contact_name="Alex Martin",
                email="contact@example.org",
                phone="0327000000",
                pickup_address="1 rue de la Gare",
                pickup_postal_code="59300",
                pickup_commune="Valenciennes",
                terms_accepted_at=now,
            )
            for n in range(count)
        )
        categories = ItemCategory.values[: 2 if size == "small" else len(ItemCategory.values)]
        DonationOfferLine.objects.bulk_create(
            DonationOfferLine(offer=offer, category=category, quantity=3)
            for offer in offers
            for category in categories
        )
        result["offer"][size] = offers[0].pk
    return result
