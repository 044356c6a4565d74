"""Shared set-up for the distribution-event tests: complete packs, invited households, the day's steps."""

from distributions.events.services import invitation_allocate_pack, invitation_check_in, invitation_hand_over
from distributions.packs.models import PackTemplate, PackTemplateLine
from distributions.packs.services import pack_add_item, pack_create
from equipment.enums import ItemCategory, ItemStatus
from tests.distributions.factories import InvitationFactory
from tests.equipment.factories import ItemFactory

OFFICE = [ItemCategory.SCREEN, ItemCategory.DESKTOP, ItemCategory.KEYBOARD, ItemCategory.MOUSE, ItemCategory.CABLE]
MAKES = {
    ItemCategory.SCREEN: ("Dell", "P2217H"),
    ItemCategory.DESKTOP: ("HP", "ProDesk 400 G4"),
    ItemCategory.KEYBOARD: ("Logitech", "K120"),
    ItemCategory.MOUSE: ("Logitech", "B100"),
    ItemCategory.CABLE: ("", "Câble HDMI"),
}


def default_template():
    """The « Pack bureautique » the migration creates (created again after a flush by transactional tests)."""
    template = PackTemplate.objects.default()
    if template is None:
        template = PackTemplate.objects.create(name="Pack bureautique", is_default=True)
        for category in OFFICE:
            PackTemplateLine.objects.create(template=template, category=category, quantity=1)
    return template


def complete_pack(by=None):
    """A « Pack bureautique » holding one refurbished item of each category (five items)."""
    pack = pack_create(template=default_template(), by=by)
    for category in OFFICE:
        manufacturer, model = MAKES[category]
        item = ItemFactory(category=category, status=ItemStatus.REFURBISHED, manufacturer=manufacturer, model=model)
        pack_add_item(pack=pack, item=item, by=by)
    pack.refresh_from_db()
    return pack


def invitation_with_pack(coordinator, **kwargs):
    invitation = InvitationFactory(**kwargs)
    return invitation_allocate_pack(invitation=invitation, pack=complete_pack(), by=coordinator)


def hand_over(invitation, coordinator, **payment):
    invitation_check_in(invitation=invitation, status="present", by=coordinator)
    payment = payment or {"payment_means": "free"}
    return invitation_hand_over(invitation=invitation, by=coordinator, **payment).invitation
