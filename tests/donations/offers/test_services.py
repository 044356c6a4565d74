import datetime
import threading

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from donations.enums import OfferStatus
from donations.models import Donation, DonationOffer, DonationOfferLine, Donor
from donations.offers.selectors import offer_by_token
from donations.offers.services import (
    offer_accept,
    offer_decline,
    offer_mark_processed,
    offer_receive,
    offer_schedule,
    offer_submit,
    offer_tracking_reissue,
    offer_tracking_revoke,
)
from donations.offers.tokens import tracking_token_digest
from equipment.enums import ItemStatus
from tests.accounts.factories import UserFactory
from tests.donations.factories import DonationFactory, DonationOfferFactory, DonorFactory
from tests.donations.offers.helpers import service_fields
from tests.equipment.factories import ItemFactory

SITE = "https://filiere.example.org"


@pytest.fixture
def submit(django_capture_on_commit_callbacks):
    def do(quantities=None, **fields):
        with django_capture_on_commit_callbacks(execute=True):
            return offer_submit(
                fields=service_fields(**fields),
                quantities={"screen": 10, "desktop": 8} if quantities is None else quantities,
                terms_accepted=True,
                site_url=SITE,
            )

    return do


@pytest.fixture
def staff():
    return UserFactory(technician=True)


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """Run a service and send the e-mails it queues, as a committed request would."""

    def run(service, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return service(**kwargs)

    return run


def test_an_offer_gets_a_yearly_reference_a_hashed_token_and_a_confirmation_email(submit):
    offer, token = submit()
    second, _ = submit()

    year = timezone.localdate().year
    assert offer.reference == f"DON-{year}-0001"
    assert second.reference == f"DON-{year}-0002"
    assert offer.status == OfferStatus.OFFERED
    assert len(token) == 43
    assert offer.tracking_token_hash == tracking_token_digest(token) != token
    assert not DonationOffer.objects.filter(tracking_token_hash=token).exists()
    assert offer_by_token(token) == offer
    assert {(line.category, line.quantity) for line in offer.lines.all()} == {("screen", 10), ("desktop", 8)}
    assert offer.terms_accepted_at is not None

    message = mail.outbox[0]
    assert message.to == ["claire.martin@example.org"]
    assert f"DON-{year}-0001" in message.subject
    assert f"{SITE}/dons/suivi/{token}/" in message.body
    assert "Unité centrale : 8" in message.body
    assert "&#x27;" not in message.body + message.subject  # plain text, not HTML-escaped


def test_a_reference_already_used_by_a_typed_donation_is_skipped(submit):
    DonationFactory(reference=f"DON-{timezone.localdate().year}-0001")
    offer, _ = submit()
    assert offer.reference.endswith("-0002")


def test_submission_refuses_missing_terms_and_bad_quantities():
    base = {"fields": service_fields(), "site_url": SITE}
    with pytest.raises(ValidationError, match="accepter les conditions"):
        offer_submit(quantities={"screen": 1}, terms_accepted=False, **base)
    with pytest.raises(ValidationError, match="au moins un matériel"):
        offer_submit(quantities={"screen": 0}, terms_accepted=True, **base)
    with pytest.raises(ValidationError, match="entre 1 et 500"):
        offer_submit(quantities={"screen": 501}, terms_accepted=True, **base)
    with pytest.raises(ValidationError, match="entre 1 et 500"):
        offer_submit(quantities={"screen": -3}, terms_accepted=True, **base)
    with pytest.raises(ValidationError, match="inconnue"):
        offer_submit(quantities={"toaster": 2}, terms_accepted=True, **base)
    with pytest.raises(ValidationError, match="Au-delà de 2000"):
        offer_submit(
            quantities=dict.fromkeys(["screen", "desktop", "laptop", "mouse", "keyboard"], 500),
            terms_accepted=True,
            **base,
        )
    assert not DonationOffer.objects.exists()
    assert not mail.outbox


def test_the_data_question_is_dropped_when_no_computer_is_given(submit):
    offer, _ = submit(quantities={"screen": 4}, computers_hold_data="yes")
    assert offer.computers_hold_data == ""


def test_accept_schedule_receive_process_in_order_each_tells_the_donor(sent, staff):
    offer = DonationOfferFactory(lines={"screen": 3, "desktop": 2}, wants_erasure_certificate=True)
    collection_day = timezone.localdate() + datetime.timedelta(days=3)

    offer = sent(offer_accept, offer=offer, by=staff)
    assert offer.status == OfferStatus.ACCEPTED
    offer = sent(offer_schedule, offer=offer, by=staff, collection_on=collection_day, note="Entre 9 h et 11 h")
    assert offer.status == OfferStatus.SCHEDULED
    offer = sent(offer_schedule, offer=offer, by=staff, collection_on=collection_day + datetime.timedelta(days=1))
    offer = sent(offer_receive, offer=offer, by=staff)
    assert offer.status == OfferStatus.COLLECTED

    donation = offer.donation
    assert donation.reference == offer.reference
    assert donation.announced_count == 5
    assert donation.received_on == timezone.localdate()
    assert donation.created_by == staff
    assert donation.donor.name == offer.organisation_name
    assert donation.donor.kind == offer.donor_kind
    assert donation.collection_place == "1 place du Marché, 59220 Denain"

    ItemFactory(donation=donation, refurbished=True)
    ItemFactory(donation=donation, recycled=True)
    offer = sent(offer_mark_processed, offer=offer, by=staff)
    assert offer.status == OfferStatus.PROCESSED

    subjects = [message.subject for message in mail.outbox]
    assert subjects == [
        f"Proposition de don {offer.reference} : acceptée",
        f"Proposition de don {offer.reference} : collecte prévue le {collection_day:%d/%m/%Y}",
        f"Proposition de don {offer.reference} : collecte déplacée au "
        f"{collection_day + datetime.timedelta(days=1):%d/%m/%Y}",
        f"Don {offer.reference} : votre matériel est arrivé à l'atelier",
        f"Don {offer.reference} : tout votre matériel est traité",
    ]
    assert "Entre 9 h et 11 h" in mail.outbox[1].body
    assert "certificat d'effacement des données est disponible" in mail.outbox[4].body
    assert [change.to_status for change in offer.status_changes.all()] == [
        "accepted",
        "scheduled",
        "scheduled",
        "collected",
        "processed",
    ]
    assert all(change.by == staff for change in offer.status_changes.all())


def test_declining_needs_a_reason_that_the_donor_receives(sent, staff):
    offer = DonationOfferFactory()
    with pytest.raises(ValidationError, match="pourquoi"):
        offer_decline(offer=offer, by=staff, reason="   ")
    offer = sent(offer_decline, offer=offer, by=staff, reason="Écrans cathodiques : nous ne les reprenons pas.")
    assert offer.status == OfferStatus.DECLINED
    assert "Motif : Écrans cathodiques : nous ne les reprenons pas." in mail.outbox[0].body
    with pytest.raises(ValidationError, match="ne peut pas passer à « Acceptée »"):
        offer_accept(offer=offer, by=staff)


@pytest.mark.parametrize(
    "trait, service, kwargs, message",
    [
        ("declined", offer_receive, {}, "« Déclinée » : elle ne peut pas passer à « Reçue »"),
        (None, offer_receive, {}, "« Proposée » : elle ne peut pas passer à « Reçue »"),
        (None, offer_mark_processed, {}, "« Proposée » : elle ne peut pas passer à « Traitée »"),
        ("accepted", offer_accept, {}, "« Acceptée » : elle ne peut pas passer à « Acceptée »"),
        (None, offer_schedule, {"collection_on": datetime.date(2031, 1, 1)}, "ne peut pas passer à « Collecte"),
    ],
    ids=["declined-receive", "offered-receive", "offered-process", "accepted-accept", "offered-schedule"],
)
def test_forbidden_moves_are_refused_in_french_and_write_nothing(staff, trait, service, kwargs, message):
    offer = DonationOfferFactory(**({trait: True} if trait else {}))
    before = offer.status
    with pytest.raises(ValidationError) as error:
        service(offer=offer, by=staff, **kwargs)
    assert message in error.value.messages[0]
    offer.refresh_from_db()
    assert offer.status == before
    assert not offer.status_changes.exists()
    assert not Donation.objects.exists()
    assert not mail.outbox


def test_a_collection_date_in_the_past_is_refused(staff):
    offer = DonationOfferFactory(accepted=True)
    with pytest.raises(ValidationError, match="passée"):
        offer_schedule(offer=offer, by=staff, collection_on=timezone.localdate() - datetime.timedelta(days=1))


def test_a_donation_received_in_the_future_is_refused(staff):
    offer = DonationOfferFactory(accepted=True)
    with pytest.raises(ValidationError, match="futur"):
        offer_receive(offer=offer, by=staff, received_on=timezone.localdate() + datetime.timedelta(days=1))


def test_receiving_reuses_a_known_donor_by_siret_then_by_name(staff):
    by_siret = DonorFactory(name="ACME (ancien nom)", siret="73282932000074")
    offer = DonationOfferFactory(accepted=True, organisation_name="ACME", siret="73282932000074")
    assert offer_receive(offer=offer, by=staff).donation.donor == by_siret

    by_name = DonorFactory(name="Mairie de Raismes")
    offer = DonationOfferFactory(accepted=True, organisation_name="MAIRIE DE RAISMES")
    assert offer_receive(offer=offer, by=staff).donation.donor == by_name
    assert Donor.objects.count() == 2


def test_receiving_refuses_when_a_donation_already_has_the_reference(staff):
    offer = DonationOfferFactory(accepted=True)
    DonationFactory(reference=offer.reference)
    with pytest.raises(ValidationError, match="porte déjà la référence"):
        offer_receive(offer=offer, by=staff)
    offer.refresh_from_db()
    assert offer.status == OfferStatus.ACCEPTED and offer.donation is None


def test_processing_waits_for_every_counted_item(staff):
    offer = DonationOfferFactory(collected=True)
    with pytest.raises(ValidationError, match="Aucun matériel"):
        offer_mark_processed(offer=offer, by=staff)
    ItemFactory(donation=offer.donation, refurbished=True)
    ItemFactory(donation=offer.donation, status=ItemStatus.IN_AUDIT)
    with pytest.raises(ValidationError, match="1 matériel"):
        offer_mark_processed(offer=offer, by=staff)


def test_revoking_kills_the_link_and_reissuing_mails_a_new_one(sent, staff):
    old = "A" * 43
    offer = DonationOfferFactory(token=old)
    assert offer_by_token(old) == offer

    offer_tracking_revoke(offer=offer, by=staff)
    assert offer_by_token(old) is None
    with pytest.raises(ValidationError, match="déjà révoqué"):
        offer_tracking_revoke(offer=offer, by=staff)

    offer, new = sent(offer_tracking_reissue, offer=offer, by=staff, site_url=SITE)
    assert new != old
    assert offer_by_token(new) == offer
    assert offer_by_token(old) is None
    assert f"{SITE}/dons/suivi/{new}/" in mail.outbox[0].body
    assert "L'ancien lien ne fonctionne plus." in mail.outbox[0].body
    assert [change.note for change in offer.status_changes.all()] == [
        "Lien de suivi révoqué",
        "Nouveau lien de suivi envoyé",
    ]


def test_a_failing_mail_server_does_not_lose_the_offer(submit, settings, caplog):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9},
        }
    }
    offer, token = submit()
    assert DonationOffer.objects.filter(pk=offer.pk).exists()
    assert "non envoyé" in caplog.text


@pytest.mark.parametrize(
    "changes, constraint",
    [
        ({"status": "declined", "decline_reason": ""}, "donationoffer_declined_has_reason"),
        ({"status": "scheduled", "collection_on": None}, "donationoffer_scheduled_has_date"),
        ({"status": "collected", "donation": None}, "donationoffer_collected_has_donation"),
        ({"status": "lost"}, "donationoffer_status_valid"),
        ({"siret": "1234"}, "donationoffer_siret_14_digits"),
        ({"email": ""}, "donationoffer_contact_set"),
    ],
    ids=["declined-no-reason", "scheduled-no-date", "collected-no-donation", "bad-status", "short-siret", "no-email"],
)
def test_the_database_refuses_inconsistent_offers(changes, constraint):
    offer = DonationOfferFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        DonationOffer.objects.filter(pk=offer.pk).update(**changes)


@pytest.mark.parametrize("quantity", [0, 501])
def test_the_database_bounds_line_quantities(quantity):
    offer = DonationOfferFactory(lines={"screen": 1})
    with pytest.raises(IntegrityError), transaction.atomic():
        DonationOfferLine.objects.create(offer=offer, category="mouse", quantity=quantity)


def test_the_database_keeps_one_line_per_category():
    offer = DonationOfferFactory(lines={"screen": 1})
    with pytest.raises(IntegrityError), transaction.atomic():
        DonationOfferLine.objects.create(offer=offer, category="screen", quantity=2)


def test_two_offers_cannot_share_a_tracking_link():
    DonationOfferFactory(token="B" * 43)
    with pytest.raises(IntegrityError), transaction.atomic():
        DonationOfferFactory(token="B" * 43)


@pytest.mark.postgres
def test_two_donors_submitting_at_once_get_different_references(transactional_db):
    barrier = threading.Barrier(2)
    references, errors = [], []

    def donor():
        try:
            barrier.wait(timeout=10)
            offer, _ = offer_submit(
                fields=service_fields(), quantities={"screen": 2}, terms_accepted=True, site_url=SITE
            )
            references.append(offer.reference)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=donor) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    year = timezone.localdate().year
    assert sorted(references) == [f"DON-{year}-0001", f"DON-{year}-0002"]
