from demo import accounts as accounts_demo
from demo import beneficiaries as beneficiaries_demo
from demo import equipment as equipment_demo
from demo import events as events_demo
from demo import packs as packs_demo
from distributions.events.enums import EventStatus, InvitationStatus
from distributions.events.models import Event
from equipment.enums import ItemStatus


def test_the_demo_shows_a_past_event_handed_over_and_an_upcoming_one_with_packs_allocated():
    users = accounts_demo.populate()
    equipment_demo.populate(users)
    beneficiaries_demo.populate(users)
    packs_demo.populate(users)

    events_demo.populate(users)
    events_demo.populate(users)  # a second run adds nothing

    past, upcoming = (
        Event.objects.get(title=events_demo.PAST_TITLE),
        Event.objects.get(title=events_demo.UPCOMING_TITLE),
    )
    assert Event.objects.count() == 2
    assert past.status == EventStatus.DONE
    handed = past.invitations.filter(status=InvitationStatus.HANDED_OVER)
    assert handed.count() == 4
    assert all(invitation.sheet_signed for invitation in handed)
    assert all(invitation.household.equipped_on == past.date for invitation in handed)
    assert {item.status for invitation in handed for item in invitation.pack.items.all()} == {ItemStatus.DISTRIBUTED}
    assert past.invitations.filter(status=InvitationStatus.ABSENT, pack__isnull=True).count() == 1

    assert upcoming.status == EventStatus.PLANNED
    assert upcoming.invitations.count() == 6
    allocated = upcoming.invitations.filter(pack__isnull=False)
    assert allocated.count() == 3
    assert {item.status for invitation in allocated for item in invitation.pack.items.all()} == {ItemStatus.RESERVED}
    assert upcoming.invitations.filter(status=InvitationStatus.CONFIRMED).count() == 1
