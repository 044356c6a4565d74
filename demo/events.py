"""Demo distribution events: a past one (handed over, signed sheets, onboarding noted, one absent household) and an
upcoming one (households invited, packs allocated), built from the demo households through the real services."""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from accounts.models import Organisation, User
from beneficiaries.models import Household
from distributions.events.models import Event
from distributions.events.services import (
    event_close,
    event_create,
    event_schedule,
    households_invite,
    invitation_allocate_pack,
    invitation_check_in,
    invitation_hand_over,
    invitation_record_onboarding,
    invitation_respond,
)
from distributions.packs.models import PackTemplate
from distributions.packs.services import pack_add_item, pack_create
from donations.enums import DonorKind
from donations.models import Donation, Donor
from equipment.enums import ErasureMethod, ErasureResult, FormFactor, Grade, ItemCategory
from equipment.models import Audit, Drive, ErasureRecord, Item
from equipment.services import item_create, item_refurbish, item_start_audit

PAST_TITLE = "Remise d'équipements — Raismes"
UPCOMING_TITLE = "Remise d'équipements — Denain"
AGENDA = [
    (datetime.time(16, 0), "Accueil des foyers"),
    (datetime.time(16, 30), "Discours"),
    (datetime.time(17, 0), "Remise des équipements"),
    (datetime.time(18, 0), "Verre de l'amitié"),
]
PACKS = 8
MAKES = {
    ItemCategory.SCREEN: ("Dell", "P2219H", Decimal("4.20")),
    ItemCategory.DESKTOP: ("Lenovo", "ThinkCentre M720s", Decimal("6.10")),
    ItemCategory.KEYBOARD: ("Dell", "KB216", Decimal("0.55")),
    ItemCategory.MOUSE: ("Dell", "MS116", Decimal("0.10")),
    ItemCategory.CABLE: ("", "Câbles d'alimentation et HDMI", Decimal("0.30")),
}
# Demo households (demo/beneficiaries.py), by last name.
PAST_HANDED_OVER = ["Delcourt", "Mahieu", "Lefebvre", "Dupuis"]
PAST_ABSENT = "Wattiez"
UPCOMING = ["Lemaire", "Bouchez", "Hennebert", "Carpentier", "Szymanski", "Wattiez"]
UPCOMING_WITH_PACK = 3


def _refurbished_items(technician: User, day: datetime.date, rng: random.Random) -> list[Item]:
    """A lot given by the agglomeration's IT department, audited, wiped and refurbished."""
    donor, _ = Donor.objects.get_or_create(
        name="Porte du Hainaut — Service informatique", defaults={"kind": DonorKind.PUBLIC_BODY, "address": "Wallers"}
    )
    donation = Donation.objects.create(
        reference="DEMO-2025-CAPH",
        donor=donor,
        received_on=day,
        collection_place="Hôtel communautaire, Wallers",
        announced_count=PACKS * len(MAKES),
        created_by=technician,
    )
    items = []
    for category, (manufacturer, model, weight) in MAKES.items():
        for _ in range(PACKS):
            serial = f"{(manufacturer or 'CB')[:2].upper()}{rng.randrange(10**8, 10**9)}"
            item = Item(
                category=category,
                form_factor=FormFactor.SMALL_FORM if category == ItemCategory.DESKTOP else "",
                donation=donation,
                received_on=day,
                manufacturer=manufacturer,
                model=model,
                serial_number=serial if category != ItemCategory.CABLE else "",
                weight_kg=weight,
            )
            item_create(item=item, by=technician)
            item_start_audit(item=item, by=technician)
            Audit.objects.create(item=item, technician=technician, audited_on=day, grade=Grade.A, checklist={})
            if category == ItemCategory.DESKTOP:
                drive = Drive.objects.create(
                    item=item, kind="ssd", serial_number=f"S4X{rng.randrange(10**8, 10**9)}", size_gb=Decimal("256")
                )
                ErasureRecord.objects.create(
                    drive=drive,
                    method=ErasureMethod.PURGE,
                    tool="eReuse Workbench",
                    result=ErasureResult.PASSED,
                    technician=technician,
                )
            items.append(item_refurbish(item=item, by=technician))
    return items


def _packs(technician: User, items: list[Item]) -> list:
    template = PackTemplate.objects.default()
    by_category = {category: [item for item in items if item.category == category] for category in MAKES}
    packs = []
    for index in range(PACKS):
        pack = pack_create(template=template, by=technician, notes="Démo : lot du service informatique.")
        for category in MAKES:
            pack_add_item(pack=pack, item=by_category[category][index], by=technician)
        pack.refresh_from_db()
        packs.append(pack)
    return packs


def _households(names: list[str]) -> list[Household]:
    found = {household.last_name: household for household in Household.objects.filter(last_name__in=names)}
    return [found[name] for name in names if name in found]


def _at(day: datetime.date, hour: int, minute: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def populate(users: dict[str, User]) -> None:
    if Event.objects.filter(title__in=[PAST_TITLE, UPCOMING_TITLE]).exists() or not Household.objects.exists():
        return
    coordination, technician, partner = users["coordination"], users["technicien"], users["partenaire"]
    today = timezone.localdate()
    rng = random.Random(2026)  # noqa: S311 — deterministic demo serials
    packs = iter(_packs(technician, _refurbished_items(technician, today - datetime.timedelta(days=90), rng)))
    emmaus = Organisation.objects.filter(pk=partner.organisation_id).first()

    # A past afternoon in Raismes, recorded after the fact: four households equipped, one absent.
    past_day = today - datetime.timedelta(days=45)
    past = event_create(
        by=coordination,
        title=PAST_TITLE,
        date=past_day,
        start_time=datetime.time(16, 0),
        place="Salle des fêtes de Raismes",
        address="Place Henri Durre, 59590 Raismes",
        capacity=40,
        partner=emmaus,
        agenda=AGENDA,
        today=past_day,
    )
    event_schedule(event=past, by=coordination)
    invited = households_invite(
        event=past, households=_households([*PAST_HANDED_OVER, PAST_ABSENT]), by=coordination, today=past_day
    )
    for invitation in invited:
        invitation_allocate_pack(invitation=invitation, pack=next(packs), by=coordination)
    for minute, invitation in enumerate(invited):
        if invitation.household.last_name == PAST_ABSENT:
            invitation_check_in(invitation=invitation, status="absent", by=coordination, at=_at(past_day, 18, 30))
            continue
        invitation_check_in(invitation=invitation, status="present", by=coordination, at=_at(past_day, 16, minute * 4))
        paid = minute % 2 == 0
        invitation_hand_over(
            invitation=invitation,
            by=coordination,
            payment_means="cash" if paid else "free",
            price_amount=Decimal("10.00") if paid else None,
            sheet_signed=True,
            at=_at(past_day, 17, minute * 6),
        )
        invitation_record_onboarding(invitation=invitation, by=partner, attended=minute != 1)
    event_close(event=past, by=coordination)

    # An upcoming afternoon in Denain: households invited, half of them with a pack already.
    upcoming = event_create(
        by=coordination,
        title=UPCOMING_TITLE,
        date=today + datetime.timedelta(days=12),
        start_time=datetime.time(16, 0),
        place="Salle Aragon, Denain",
        address="Rue de Villars, 59220 Denain",
        capacity=40,
        partner=emmaus,
        notes="Accès par le parking de la rue de Villars. Salle accessible aux personnes à mobilité réduite.",
        agenda=AGENDA,
    )
    event_schedule(event=upcoming, by=coordination)
    invited = households_invite(event=upcoming, households=_households(UPCOMING), by=coordination)
    for invitation in invited[:UPCOMING_WITH_PACK]:
        invitation_allocate_pack(invitation=invitation, pack=next(packs), by=coordination)
    prescriber = users["prescripteur-raismes"]
    answered = next((i for i in invited if i.household.structure_id == prescriber.organisation_id), None)
    if answered is not None:
        invitation_respond(invitation=answered, by=prescriber, coming=True)
