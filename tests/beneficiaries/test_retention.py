"""Retention: households without contact for two years are anonymised; the figures and the items' trail stay whole."""

import datetime
import io
import json
import re

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from beneficiaries.enums import AccessAction
from beneficiaries.models import Certification, Household, HouseholdAccessLog
from beneficiaries.services import household_certify, household_update
from distributions.events.documents import handover_sheets_pdf
from distributions.events.selectors import sheet_invitations
from distributions.events.services import households_invite, invitation_respond
from equipment.enums import ItemStatus
from equipment.models import Item
from tests.accounts.factories import UserFactory
from tests.beneficiaries.factories import HouseholdFactory
from tests.distributions.events.helpers import hand_over, invitation_with_pack
from tests.distributions.factories import EventFactory
from tests.pdftext import pdf_text

PARIS = datetime.timezone(datetime.timedelta(hours=1))
LAST_CONTACT = datetime.datetime(2024, 3, 14, 10, 30, tzinfo=PARIS)


def _paris(*args):
    return datetime.datetime(*args, tzinfo=PARIS)


def _household_last_seen(moment, **kwargs):
    household = HouseholdFactory(certified=True, phone="06 12 34 56 78", email="m.lefevre@example.org", **kwargs)
    Household.objects.filter(pk=household.pk).update(last_activity_at=moment)
    return household


def _anonymise_at(moment, *args) -> str:
    out = io.StringIO()
    with time_machine.travel(moment, tick=False):
        call_command("anonymise_households", *args, stdout=out)
    return out.getvalue()


def test_one_day_before_the_limit_nothing_changes():
    household = _household_last_seen(LAST_CONTACT, last_name="Lefèvre", note="Disponible le mardi")

    output = _anonymise_at(_paris(2026, 3, 13, 23, 59))

    household.refresh_from_db()
    assert household.last_name == "Lefèvre" and household.anonymised_at is None
    assert household.certifications.exists()
    assert "0 foyer" in output


@pytest.mark.parametrize("moment", [_paris(2026, 3, 14, 0, 0), _paris(2026, 3, 15, 9, 0)], ids=["le-jour", "après"])
def test_on_and_after_the_limit_identity_contact_and_criteria_are_erased(moment):
    household = _household_last_seen(LAST_CONTACT, last_name="Lefèvre", note="Disponible le mardi")

    output = _anonymise_at(moment)

    household.refresh_from_db()
    assert (household.last_name, household.first_name, household.birth_date) == ("", "", None)
    assert (household.address, household.phone, household.email, household.note) == ("", "", "", "")
    assert not Certification.objects.filter(household=household).exists()
    assert re.fullmatch(r"Foyer #[A-Z2-9]{6}", str(household))
    assert household.anonymised_at == moment
    # What the figures need stays.
    assert (household.commune.name, household.size) == ("Raismes", 2)
    assert "1 foyer sans contact depuis 2 ans" in output
    assert HouseholdAccessLog.objects.filter(
        household=household, action=AccessAction.ANONYMISE, user__isnull=True
    ).exists()


def test_running_twice_changes_nothing_the_second_time():
    household = _household_last_seen(LAST_CONTACT)
    _anonymise_at(_paris(2026, 6, 1, 3, 0))
    household.refresh_from_db()
    first = (household.pseudonym, household.anonymised_at, household.version)

    output = _anonymise_at(_paris(2026, 6, 2, 3, 0))

    household.refresh_from_db()
    assert (household.pseudonym, household.anonymised_at, household.version) == first
    assert "0 foyer" in output
    assert HouseholdAccessLog.objects.filter(action=AccessAction.ANONYMISE).count() == 1


def test_dry_run_counts_and_changes_nothing():
    households = [_household_last_seen(LAST_CONTACT) for _ in range(2)]
    recent = _household_last_seen(_paris(2025, 9, 1, 10, 0))

    output = _anonymise_at(_paris(2026, 6, 1, 3, 0), "--dry-run")

    assert "Simulation : 2 foyers" in output
    assert not Household.objects.filter(anonymised_at__isnull=False).exists()
    assert Certification.objects.filter(household__in=[*households, recent]).count() == 3


def test_every_meaningful_contact_restarts_the_retention_period(coordinator):
    with time_machine.travel(_paris(2025, 1, 5, 10, 0), tick=False):
        registered, certified, invited, answered, edited = HouseholdFactory.create_batch(5, certified=True)
        event = EventFactory(created_by=coordinator, date=datetime.date(2025, 2, 20))
    # Last contact long ago for all of them (certifications still valid for the event).
    Household.objects.update(last_activity_at=LAST_CONTACT)
    with time_machine.travel(_paris(2025, 1, 10, 10, 0), tick=False):
        household_certify(
            household=certified, by=certified.created_by, criteria=["rsa"], proof_seen=True, data_notice_given=True
        )
        household_update(household=edited, by=edited.created_by, version=edited.version, phone="03 27 00 00 00")
        households_invite(event=event, households=[invited], by=coordinator)
        household_certify(
            household=answered, by=answered.created_by, criteria=["rsa"], proof_seen=True, data_notice_given=True
        )
    with time_machine.travel(_paris(2025, 2, 1, 10, 0), tick=False):
        # Answered: its certification on 10/01 counted; the invitation on 01/02 and the answer count too.
        [invitation] = households_invite(event=event, households=[answered], by=coordinator)
        invitation_respond(invitation=invitation, by=coordinator, coming=True)

    _anonymise_at(_paris(2026, 3, 20, 3, 0))

    assert Household.objects.get(pk=registered.pk).anonymised_at is not None
    for household in (certified, edited, invited, answered):
        assert Household.objects.get(pk=household.pk).anonymised_at is None
    assert Household.objects.get(pk=answered.pk).last_activity_at == _paris(2025, 2, 1, 10, 0)


def test_a_handover_is_a_contact(coordinator):
    with time_machine.travel(_paris(2024, 5, 2, 10, 0), tick=False):
        invitation = invitation_with_pack(coordinator, event__date=datetime.date(2024, 6, 1))
        Household.objects.filter(pk=invitation.household_id).update(last_activity_at=_paris(2023, 1, 1, 10, 0))
    with time_machine.travel(_paris(2024, 6, 1, 16, 0), tick=False):
        hand_over(invitation, coordinator)

    assert Household.objects.get(pk=invitation.household_id).last_activity_at == _paris(2024, 6, 1, 16, 0)


def _bilan(year: int) -> dict:
    out = io.StringIO()
    call_command("bilan", "--year", str(year), "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def test_the_bilan_and_the_handover_sheets_stay_whole_after_anonymisation(coordinator):
    with time_machine.travel(_paris(2024, 5, 2, 10, 0), tick=False):
        invitation = invitation_with_pack(
            coordinator, household__last_name="Lemaire", event__date=datetime.date(2024, 6, 1)
        )
        kept = invitation_with_pack(coordinator, event=invitation.event, household__last_name="Carpentier")
    with time_machine.travel(_paris(2024, 6, 1, 16, 0), tick=False):
        hand_over(invitation, coordinator)
        hand_over(kept, coordinator)
    Household.objects.filter(pk=kept.household_id).update(last_activity_at=_paris(2025, 12, 1, 10, 0))
    event = invitation.event
    before = {year: _bilan(year) for year in (2024, 2025)}
    places = dict(Household.objects.values_list("pk", "commune_id"))
    structures = dict(Household.objects.values_list("pk", "structure_id"))
    statuses = dict(Item.objects.values_list("asset_tag", "status"))

    _anonymise_at(_paris(2026, 6, 2, 3, 0))

    household = Household.objects.get(pk=invitation.household_id)
    assert household.anonymised_at is not None
    assert Household.objects.get(pk=kept.household_id).anonymised_at is None
    assert {year: _bilan(year) for year in (2024, 2025)} == before
    assert before[2024]["households_equipped"] == 2
    # Households by commune and by structure (dashboard) count the same households in the same places.
    assert dict(Household.objects.values_list("pk", "commune_id")) == places
    assert dict(Household.objects.values_list("pk", "structure_id")) == structures
    assert dict(Item.objects.values_list("asset_tag", "status")) == statuses
    assert set(statuses.values()) == {ItemStatus.DISTRIBUTED}
    # The past event's sheets still list every item; the household's name is replaced by its pseudonym.
    text = pdf_text(handover_sheets_pdf(event, sheet_invitations(event, None)))
    assert str(household) in text
    assert "LEMAIRE" not in text and "CARPENTIER" in text
    for item in invitation.pack.items.all():
        assert item.asset_tag in text and item.serial_number in text


def test_an_anonymised_household_can_no_longer_be_edited_or_certified(client, prescriber_a):
    household = _household_last_seen(LAST_CONTACT, structure=prescriber_a.organisation, created_by=prescriber_a)
    _anonymise_at(_paris(2026, 6, 1, 3, 0))
    household.refresh_from_db()
    client.force_login(prescriber_a)

    detail = client.get(reverse("beneficiaries:detail", args=[household.pk]))
    edit = client.get(reverse("beneficiaries:edit", args=[household.pk]), follow=True)
    renew = client.post(
        reverse("beneficiaries:renew", args=[household.pk]),
        {"criteria": ["rsa"], "proof_seen": "on", "data_notice_given": "on"},
        follow=True,
    )

    assert "Foyer anonymisé le 01/06/2026" in detail.content.decode()
    assert "Modifier les informations" not in detail.content.decode()
    assert "ne peuvent plus être modifiées" in edit.content.decode()
    assert "ne peuvent plus être modifiées" in renew.content.decode()
    assert not household.certifications.exists()
    with pytest.raises(ValidationError, match="anonymisé"):
        household_update(household=household, by=prescriber_a, version=household.version, phone="06 00 00 00 00")


def test_the_detail_page_says_when_the_household_will_be_anonymised(client, prescriber_a):
    household = _household_last_seen(LAST_CONTACT, structure=prescriber_a.organisation, created_by=prescriber_a)
    client.force_login(prescriber_a)

    with time_machine.travel(_paris(2025, 1, 1, 12, 0), tick=False):
        html = client.get(reverse("beneficiaries:detail", args=[household.pk])).content.decode()

    assert "Dernier contact avec le programme le 14/03/2024" in html
    assert "ce foyer sera anonymisé le 14/03/2026" in html


def test_a_pseudonym_is_never_given_twice():
    households = [_household_last_seen(LAST_CONTACT) for _ in range(20)]

    _anonymise_at(_paris(2026, 6, 1, 3, 0))

    pseudonyms = set(Household.objects.filter(pk__in=[h.pk for h in households]).values_list("pseudonym", flat=True))
    assert len(pseudonyms) == 20


def test_the_user_who_registered_it_stays_but_the_household_cannot_be_found_by_name(client, coordinator):
    household = _household_last_seen(LAST_CONTACT, last_name="Szymanski")
    _anonymise_at(_paris(2026, 6, 1, 3, 0))
    client.force_login(coordinator)

    html = client.get(reverse("beneficiaries:list"), {"q": "Szymanski"}).content.decode()

    assert "Aucun foyer ne correspond" in html
    assert Household.objects.get(pk=household.pk).created_by_id == household.created_by_id
    assert UserFactory._meta.model.objects.filter(pk=household.created_by_id).exists()


def test_a_household_asking_for_erasure_is_anonymised_at_once_and_only_it():
    household, other = HouseholdFactory.create_batch(2, certified=True)

    output = _anonymise_at(_paris(2026, 6, 1, 10, 0), "--foyer", str(household.pk))

    assert f"Foyer n° {household.pk} anonymisé à sa demande." in output
    household.refresh_from_db()
    assert household.anonymised_at is not None and household.last_name == ""
    assert Household.objects.get(pk=other.pk).anonymised_at is None
    again = _anonymise_at(_paris(2026, 6, 2, 10, 0), "--foyer", str(household.pk))
    assert "déjà anonymisé le 01/06/2026" in again


def test_erasure_of_an_unknown_household_changes_nothing():
    household = HouseholdFactory(certified=True)

    with pytest.raises(CommandError, match="introuvable"):
        call_command("anonymise_households", "--foyer", str(household.pk), "--foyer", "999999", stdout=io.StringIO())

    assert Household.objects.get(pk=household.pk).anonymised_at is None
