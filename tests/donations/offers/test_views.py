import datetime

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from donations.enums import OfferStatus
from donations.models import DonationOffer
from equipment.enums import ItemStatus
from tests.accounts.factories import UserFactory
from tests.donations.factories import DonationOfferFactory
from tests.donations.offers.helpers import (
    OFFER_URL,
    TOKEN,
    tracking_path,
    valid_post,
)
from tests.equipment.factories import DriveFactory, ErasureRecordFactory, ItemFactory

# --- The public form ---


def test_the_form_is_public_and_every_input_has_its_label(client):
    response = client.get(OFFER_URL)
    assert response.status_code == 200
    html = response.content.decode()
    for label in (
        "Nom de votre organisation",
        "Numéro SIRET (facultatif)",
        "Personne à contacter",
        "Adresse e-mail",
        "Téléphone",
        "Adresse où récupérer le matériel",
        "Code postal",
        "Commune",
        "Unité centrale",
        "Ordinateur portable",
        "Les ordinateurs contiennent-ils encore des données ?",
        "Je souhaite recevoir un certificat d&#x27;effacement des données",
        "J&#x27;ai lu et j&#x27;accepte les conditions du programme",
    ):
        assert label in html, label
    form = response.context["form"]
    for field in form:
        if field.widget_type != "radioselect":
            assert f'for="{field.id_for_label}"' in html, field.name
    assert 'name="csrfmiddlewaretoken"' in html
    assert "https://" not in html  # no third-party resource


def test_the_territory_communes_are_suggested_but_any_commune_is_accepted(client, post_offer):
    html = client.get(OFFER_URL).content.decode()
    assert 'list="communes"' in html
    assert '<option value="Denain">' in html and '<option value="Raismes">' in html
    assert post_offer(valid_post(pickup_commune="Lille", pickup_postal_code="59000")).status_code == 302
    assert DonationOffer.objects.get().pickup_commune == "Lille"


def test_a_valid_offer_lands_the_donor_on_their_tracking_page(post_offer, client):
    response = post_offer()
    offer = DonationOffer.objects.get()
    assert response.status_code == 302
    assert response.url.startswith("/dons/suivi/")
    token = response.url.split("/")[3]
    assert offer.tracking_token_hash != token

    page = client.get(response.url)
    html = page.content.decode()
    assert f"Merci ! Votre proposition {offer.reference} est bien enregistrée" in html
    assert offer.reference in html
    assert offer.phone == "06 12 34 56 78"
    assert offer.computers_hold_data == "yes" and offer.wants_erasure_certificate
    assert mail.outbox[0].subject == f"Votre proposition de don {offer.reference} est bien reçue"
    assert f"http://testserver/dons/suivi/{token}/" in mail.outbox[0].body


def test_the_public_url_setting_is_used_in_emails(post_offer, settings):
    settings.FILIERE = {**settings.FILIERE, "PUBLIC_URL": "https://dons.example.org"}
    post_offer()
    assert "https://dons.example.org/dons/suivi/" in mail.outbox[0].body


def test_an_offer_full_of_junk_is_refused_with_a_french_message_per_field(post_offer):
    junk = valid_post(
        organisation_name="!!!!!",
        donor_kind="pirate",
        siret="12345678901234",
        contact_name="x",
        email="pas-une-adresse",
        phone="123",
        pickup_address="#####",
        pickup_postal_code="ABCDE",
        pickup_commune="?" * 101,
        qty_screen="-4",
        qty_desktop="9999",
        qty_mouse="trois",
        computers_hold_data="peut-être",
        preferred_dates="x" * 501,
        message="y" * 2001,
        terms_accepted=None,
    )
    response = post_offer(junk)
    assert response.status_code == 200
    errors = response.context["form"].errors
    expected = {
        "organisation_name": "lettres",
        "donor_kind": "Choisissez une des options de la liste",
        "siret": "SIRET n'existe pas",
        "contact_name": "trop court : au moins 2 caractères",
        "email": "adresse e-mail complète",
        "phone": "10 chiffres",
        "pickup_address": "lettres",
        "pickup_postal_code": "5 chiffres",
        "pickup_commune": "trop long : 100 caractères au plus",
        "qty_screen": "nombre supérieur ou égal à 0",
        "qty_desktop": "nombre inférieur ou égal à 500",
        "qty_mouse": "nombre entier",
        "computers_hold_data": "Choisissez une des options de la liste",
        "preferred_dates": "500 caractères au plus",
        "message": "2000 caractères au plus",
        "terms_accepted": "accepter les conditions",
    }
    for field, message in expected.items():
        assert field in errors, field
        assert message in " ".join(errors[field]), (field, errors[field])
    html = response.content.decode()
    assert "Votre proposition n'est pas encore envoyée" in html
    assert 'aria-invalid="true"' in html
    assert not DonationOffer.objects.exists()
    assert not mail.outbox


def test_an_offer_without_any_item_is_refused(post_offer):
    response = post_offer(valid_post(qty_screen="", qty_desktop="0"))
    assert (
        "Matériel proposé : Indiquez au moins un matériel et sa quantité."
        in response.context["form"].non_field_errors()
    )
    assert not DonationOffer.objects.exists()


def test_giving_computers_needs_the_data_answer(post_offer):
    response = post_offer(valid_post(computers_hold_data=""))
    assert "contiennent encore des données" in response.context["form"].errors["computers_hold_data"][0]
    assert post_offer(valid_post(computers_hold_data="", qty_desktop="")).status_code == 302


def test_fields_longer_than_their_limit_are_refused(post_offer):
    response = post_offer(valid_post(organisation_name="A" * 201, email=f"{'a' * 250}@example.org"))
    errors = response.context["form"].errors
    assert "trop long : 200 caractères au plus" in errors["organisation_name"][0]
    assert "email" in errors
    assert not DonationOffer.objects.exists()


def test_a_filled_honeypot_looks_like_success_but_stores_and_sends_nothing(post_offer):
    response = post_offer(valid_post(website="http://spam.example"))
    assert response.status_code == 200
    assert "Merci, votre proposition est transmise" in response.content.decode()
    assert not DonationOffer.objects.exists()
    assert not mail.outbox


def test_the_form_needs_its_csrf_token():
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(OFFER_URL, valid_post(), REMOTE_ADDR="203.0.113.5")
    assert response.status_code == 403
    assert not DonationOffer.objects.exists()


def test_a_flood_from_one_address_is_slowed_without_blocking_others(post_offer, settings):
    assert settings.FILIERE["OFFERS_PER_HOUR"] == 5
    for _ in range(5):
        assert post_offer(ip="198.51.100.7").status_code == 302
    blocked = post_offer(ip="198.51.100.7")
    assert blocked.status_code == 429
    assert "Trop d'envois depuis votre connexion" in blocked.content.decode()
    assert DonationOffer.objects.count() == 5

    assert post_offer(ip="198.51.100.8").status_code == 302
    assert DonationOffer.objects.count() == 6


def test_invalid_posts_count_too(post_offer, settings):
    settings.FILIERE = {**settings.FILIERE, "OFFER_ATTEMPTS_PER_HOUR": 3}
    for _ in range(3):
        assert post_offer(valid_post(email="x"), ip="198.51.100.9").status_code == 200
    assert post_offer(ip="198.51.100.9").status_code == 429
    assert post_offer(ip="198.51.100.10").status_code == 302


def test_ipv6_clients_are_counted_by_their_64_prefix(post_offer, settings):
    settings.FILIERE = {**settings.FILIERE, "OFFERS_PER_HOUR": 1}
    assert post_offer(ip="2001:db8:1:2::1").status_code == 302
    assert post_offer(ip="2001:db8:1:2::ffff").status_code == 429
    assert post_offer(ip="2001:db8:1:3::1").status_code == 302


def test_the_limit_follows_the_configured_proxy_header(post_offer, settings):
    settings.FILIERE = {**settings.FILIERE, "OFFERS_PER_HOUR": 1, "CLIENT_IP_HEADER": "HTTP_X_FORWARDED_FOR"}
    proxy = "10.0.0.1"
    assert post_offer(ip=proxy, HTTP_X_FORWARDED_FOR="1.2.3.4, 192.0.2.10").status_code == 302
    assert post_offer(ip=proxy, HTTP_X_FORWARDED_FOR="5.6.7.8, 192.0.2.10").status_code == 429
    assert post_offer(ip=proxy, HTTP_X_FORWARDED_FOR="192.0.2.11").status_code == 302


# --- The tracking page ---


def test_the_tracking_page_shows_progress_and_item_counts_but_nothing_of_households(client):
    offer = DonationOfferFactory(collected=True, token=TOKEN, lines={"screen": 3, "desktop": 2})
    offer.status_changes.create(from_status="", to_status=OfferStatus.OFFERED)
    offer.status_changes.create(from_status=OfferStatus.OFFERED, to_status=OfferStatus.ACCEPTED)
    offer.status_changes.create(from_status=OfferStatus.ACCEPTED, to_status=OfferStatus.COLLECTED)
    ItemFactory(donation=offer.donation, asset_tag="PH-777001")
    ItemFactory(donation=offer.donation, status=ItemStatus.IN_AUDIT)
    ItemFactory(donation=offer.donation, refurbished=True)
    ItemFactory(donation=offer.donation, status=ItemStatus.DISTRIBUTED)
    ItemFactory(donation=offer.donation, recycled=True)

    response = client.get(tracking_path(TOKEN))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'Suivi de votre don <span class="text-nowrap">{offer.reference}</span>' in html
    assert "Proposition acceptée" in html and "Matériel reçu à l&#x27;atelier" in html
    assert "Collecte planifiée" not in html  # brought in without a planned collection
    groups = {group["key"]: group["count"] for group in response.context["item_groups"]}
    assert groups == {"pending": 2, "refurbished": 2, "recycled": 1}
    assert "PH-777001" not in html
    assert "Distribué" not in html and "Réservé" not in html  # where an item went is not the donor's business
    assert response["Referrer-Policy"] == "no-referrer"
    assert "noindex" in response["X-Robots-Tag"]
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_the_tracking_page_only_answers_reads(client):
    DonationOfferFactory(token=TOKEN)
    assert client.post(tracking_path(TOKEN)).status_code == 405


def test_a_declined_offer_shows_its_reason(client):
    DonationOfferFactory(declined=True, token=TOKEN)
    html = client.get(tracking_path(TOKEN)).content.decode()
    assert "Proposition déclinée" in html and "Matériel trop ancien" in html


@pytest.mark.parametrize(
    "token",
    ["U" * 43, "T" * 42, "T" * 44, "T" * 42 + "!", "../" + "T" * 40],
    ids=["unknown", "short", "long", "bad-char", "path"],
)
def test_a_wrong_link_is_a_404(client, token):
    DonationOfferFactory(token=TOKEN)
    assert client.get(f"/dons/suivi/{token}/").status_code == 404


def test_a_revoked_link_is_a_404_and_so_are_its_documents(client):
    offer = DonationOfferFactory(collected=True, token=TOKEN)
    ItemFactory(donation=offer.donation)
    assert client.get(tracking_path(TOKEN) + "attestation.pdf").status_code == 200
    DonationOffer.objects.filter(pk=offer.pk).update(tracking_token_hash=None)
    assert client.get(tracking_path(TOKEN)).status_code == 404
    assert client.get(tracking_path(TOKEN) + "attestation.pdf").status_code == 404


def test_the_receipt_comes_once_items_are_counted_the_certificate_once_processed(client):
    offer = DonationOfferFactory(collected=True, token=TOKEN)
    receipt = tracking_path(TOKEN) + "attestation.pdf"
    certificate = tracking_path(TOKEN) + "certificat-effacement.pdf"
    assert client.get(receipt).status_code == 404
    assert "attestation de don sera disponible ici" in client.get(tracking_path(TOKEN)).content.decode()

    drive = DriveFactory(item=ItemFactory(donation=offer.donation, desktop=True, in_audit=True))
    ErasureRecordFactory(drive=drive)
    html = client.get(tracking_path(TOKEN)).content.decode()
    assert "Télécharger l'attestation de don (PDF)" in html
    assert "certificat d'effacement des données (PDF)" not in html
    response = client.get(receipt)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert client.get(certificate).status_code == 404

    DonationOffer.objects.filter(pk=offer.pk).update(status=OfferStatus.PROCESSED)
    assert "certificat d'effacement des données (PDF)" in client.get(tracking_path(TOKEN)).content.decode()
    response = client.get(certificate)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert response["Referrer-Policy"] == "no-referrer"


def test_no_certificate_while_a_drive_failed_erasure(client):
    offer = DonationOfferFactory(collected=True, token=TOKEN)
    DonationOffer.objects.filter(pk=offer.pk).update(status=OfferStatus.PROCESSED)
    drive = DriveFactory(item=ItemFactory(donation=offer.donation, desktop=True, in_audit=True))
    ErasureRecordFactory(drive=drive, result="failed")
    assert client.get(tracking_path(TOKEN) + "certificat-effacement.pdf").status_code == 404


def test_the_tracking_page_reads_in_a_fixed_number_of_queries(client, django_assert_num_queries):
    few = DonationOfferFactory(collected=True, token=TOKEN, lines={"screen": 1})
    ItemFactory(donation=few.donation)
    many = DonationOfferFactory(collected=True, token="M" * 43, lines={c: 2 for c in ("screen", "desktop", "mouse")})
    for _ in range(6):
        ItemFactory(donation=many.donation)
    client.get(tracking_path(TOKEN))  # warm the session and message machinery
    with django_assert_num_queries(5) as few_queries:
        client.get(tracking_path(TOKEN))
    with django_assert_num_queries(len(few_queries.captured_queries)):
        client.get(tracking_path("M" * 43))


# --- Staff pages: permissions ---

ROLES = {
    "technicien": {"technician": True},
    "coordination": {"coordination": True},
    "prescripteur": {"prescriber": True},
    "partenaire": {"partner": True},
}


@pytest.mark.parametrize(
    "role, public_status, staff_status",
    [
        ("anonyme", 200, 302),
        ("technicien", 200, 200),
        ("coordination", 200, 200),
        ("prescripteur", 200, 403),
        ("partenaire", 200, 403),
    ],
    ids=lambda value: str(value),
)
def test_permission_matrix(client, role, public_status, staff_status):
    if role != "anonyme":
        client.force_login(UserFactory(**ROLES[role]))
    offer = DonationOfferFactory(token=TOKEN)
    for url in (OFFER_URL, tracking_path(TOKEN)):
        assert client.get(url).status_code == public_status, url
    for url in ("/dons/propositions/", f"/dons/propositions/{offer.pk}/"):
        response = client.get(url)
        assert response.status_code == staff_status, url
        if staff_status == 302:
            assert response.url.startswith("/accounts/login/")
    response = client.post(f"/dons/propositions/{offer.pk}/", {"action": "accept"})
    assert response.status_code == (302 if staff_status != 403 else 403)
    offer.refresh_from_db()
    assert offer.status == (OfferStatus.ACCEPTED if staff_status == 200 else OfferStatus.OFFERED)


def test_only_coordination_manages_tracking_links(client):
    offer = DonationOfferFactory(token=TOKEN)
    client.force_login(UserFactory(technician=True))
    assert client.post(f"/dons/propositions/{offer.pk}/", {"action": "revoke_link"}).status_code == 403
    assert client.get(tracking_path(TOKEN)).status_code == 200


# --- Staff pages: the queue and the actions ---


@pytest.fixture
def coordinator(client):
    user = UserFactory(coordination=True)
    client.force_login(user)
    return user


def test_the_queue_lists_new_offers_first_with_their_items(client, coordinator):
    old = DonationOfferFactory(organisation_name="Mairie de Wallers", lines={"screen": 4, "mouse": 4})
    DonationOfferFactory(organisation_name="Collège Jean Jaurès")
    DonationOfferFactory(declined=True, organisation_name="Entreprise déclinée")
    html = client.get("/dons/propositions/").content.decode()
    assert html.index("Mairie de Wallers") < html.index("Collège Jean Jaurès")
    assert "4 écran, 4 souris" in html
    assert "Entreprise déclinée" not in html
    assert "Entreprise déclinée" in client.get("/dons/propositions/?statut=terminees").content.decode()
    assert old.reference in html


def test_the_queue_reads_in_a_fixed_number_of_queries(client, coordinator, django_assert_num_queries):
    DonationOfferFactory()
    client.get("/dons/propositions/")
    with django_assert_num_queries(7) as one:  # 6, and the second-factor device of the session
        client.get("/dons/propositions/")
    for _ in range(8):
        DonationOfferFactory(lines={"screen": 1, "mouse": 2, "keyboard": 3})
    with django_assert_num_queries(len(one.captured_queries)):
        client.get("/dons/propositions/")


def test_an_offer_page_reads_the_same_queries_for_a_short_or_long_history(
    client, coordinator, django_assert_num_queries
):
    from donations.models import DonationOfferStatusChange

    few = DonationOfferFactory(collected=True, lines={"screen": 1})
    ItemFactory(donation=few.donation)
    many = DonationOfferFactory(collected=True, lines={c: 2 for c in ("screen", "desktop", "mouse", "keyboard")})
    ItemFactory.create_batch(6, donation=many.donation, desktop=True)
    for status in ("offered", "accepted", "scheduled", "collected"):
        DonationOfferStatusChange.objects.create(offer=many, to_status=status, by=UserFactory(coordination=True))
    client.get(f"/dons/propositions/{few.pk}/")  # warm the session
    # Session, user, second-factor device, offer with its donation, lines, log with authors, items by group.
    with django_assert_num_queries(7) as one:
        client.get(f"/dons/propositions/{few.pk}/")
    with django_assert_num_queries(len(one.captured_queries)):
        client.get(f"/dons/propositions/{many.pk}/")


def test_staff_take_an_offer_from_acceptance_to_donation(client, coordinator, django_capture_on_commit_callbacks):
    offer = DonationOfferFactory(lines={"screen": 3, "desktop": 2})
    url = f"/dons/propositions/{offer.pk}/"
    day = timezone.localdate() + datetime.timedelta(days=2)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"action": "accept"}).status_code == 302
        client.post(url, {"action": "schedule", "schedule-collection_on": day.isoformat(), "schedule-note": "Matin"})
        response = client.post(url, {"action": "receive", "receive-received_on": timezone.localdate().isoformat()})
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.status == OfferStatus.COLLECTED
    assert offer.donation.announced_count == 5
    page = client.get(url, follow=True).content.decode()
    assert f"Don {offer.reference} créé (5 matériels annoncés)" in page
    assert len(mail.outbox) == 3


def test_a_staff_action_with_bad_input_shows_the_error_in_place(client, coordinator):
    offer = DonationOfferFactory(accepted=True)
    url = f"/dons/propositions/{offer.pk}/"
    response = client.post(url, {"action": "decline", "decline-reason": ""})
    assert response.status_code == 400
    assert "Indiquez au donateur pourquoi" in response.content.decode()
    past = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    response = client.post(url, {"action": "schedule", "schedule-collection_on": past})
    assert response.status_code == 400
    assert "ne peut pas être passée" in response.content.decode()
    response = client.post(url, {"action": "process"})
    assert response.status_code == 400
    assert "ne peut pas passer à « Traitée »" in response.content.decode()
    response = client.post(url, {"action": "nonsense"})
    assert response.status_code == 400
    offer.refresh_from_db()
    assert offer.status == OfferStatus.ACCEPTED


def test_coordination_revokes_and_reissues_a_link(client, coordinator, django_capture_on_commit_callbacks):
    offer = DonationOfferFactory(token=TOKEN)
    url = f"/dons/propositions/{offer.pk}/"
    client.post(url, {"action": "revoke_link"})
    anonymous = Client()
    assert anonymous.get(tracking_path(TOKEN)).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"action": "reissue_link"})
    new_link = next(line for line in mail.outbox[0].body.splitlines() if "/dons/suivi/" in line)
    assert anonymous.get(new_link.replace("http://testserver", "")).status_code == 200


def test_an_unknown_offer_is_a_404_for_staff(client, coordinator):
    assert client.get("/dons/propositions/999999/").status_code == 404
