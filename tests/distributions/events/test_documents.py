import datetime
import os
import shutil
import subprocess
import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from distributions.events.models import AgendaItem
from distributions.events.services import invitation_check_in
from tests.accounts.factories import UserFactory
from tests.distributions.events.helpers import hand_over, invitation_with_pack
from tests.distributions.factories import EventFactory, InvitationFactory
from tests.pdftext import pdf_pages, pdf_text

# Set FILIERE_RENDER_DIR to keep the rendered first page for a person to look at.
RENDER_DIR = os.environ.get("FILIERE_RENDER_DIR", "")


@pytest.fixture
def coordinator():
    return UserFactory(coordination=True)


def _event(coordinator, count, **event):
    event = EventFactory(created_by=coordinator, place="Salle des fêtes, Raismes", **event)
    invitations = [
        invitation_with_pack(coordinator, event=event, household__last_name=f"Famille{index:02d}")
        for index in range(count)
    ]
    return event, invitations


def _items(invitation):
    return list(invitation.pack.items.all())


def _get_pdf(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    return response.content


def test_the_events_sheets_give_one_page_per_household_with_names_serials_and_tags(client, coordinator):
    event, invitations = _event(coordinator, 3)
    client.force_login(coordinator)

    pages = pdf_pages(_get_pdf(client, reverse("distributions:sheets", args=[event.pk])))

    assert len(pages) == 3
    for page, invitation in zip(pages, invitations, strict=True):
        assert "Fiche de remise d'équipement" in page
        assert f"{invitation.household.last_name.upper()} {invitation.household.first_name}" in page
        assert "Raismes" in page
        assert f"{event.date:%d/%m/%Y}" in page
        assert "Salle des fêtes, Raismes" in page
        assert invitation.pack.reference in page
        for item in _items(invitation):
            assert item.asset_tag in page
            assert item.serial_number in page
            assert item.get_category_display() in page
            assert f"{item.manufacturer} {item.model}".strip() in page
        assert "garanti 6 mois" in page
        assert "ATIS, 03 27 00 00 00" in page
        assert "Vos données." in page
        assert "Le foyer" in page and "Pour le programme" in page
        assert "Emmaüs Connect" in page


def test_one_households_sheet_holds_only_that_household(client, coordinator):
    event, invitations = _event(coordinator, 2)
    client.force_login(coordinator)

    pages = pdf_pages(_get_pdf(client, reverse("distributions:sheet", args=[event.pk, invitations[1].pk])))

    assert len(pages) == 1
    assert invitations[1].household.last_name.upper() in pages[0]
    assert invitations[0].household.last_name.upper() not in pages[0]


def test_a_handed_over_sheet_states_the_solidarity_price(client, coordinator):
    event, [invitation] = _event(coordinator, 1)
    hand_over(invitation, coordinator, payment_means="cheque", price_amount=Decimal("15"))
    client.force_login(coordinator)

    text = pdf_text(_get_pdf(client, reverse("distributions:sheet", args=[event.pk, invitation.pk])))

    assert "15,00 € payés (chèque)." in text


def test_the_sheet_prints_the_day_the_pack_was_actually_handed_over(client, coordinator, settings):
    settings.FILIERE = {**settings.FILIERE, "EVENT_DAY_MARGIN_DAYS": 1}
    event_day = timezone.localdate() - datetime.timedelta(days=1)
    event, [handed, waiting] = _event(coordinator, 2, date=event_day)
    hand_over(handed, coordinator)  # typed in the morning after
    handed.refresh_from_db()
    client.force_login(coordinator)

    pages = pdf_pages(_get_pdf(client, reverse("distributions:sheets", args=[event.pk])))

    moment = timezone.localtime(handed.handed_over_at)
    handed_page, waiting_page = (
        next(p for p in pages if i.household.last_name.upper() in p) for i in (handed, waiting)
    )
    assert f"Remise le {moment:%d/%m/%Y} à {moment:%H}h{moment:%M}, Salle des fêtes" in handed_page
    assert f"Remise prévue le {event_day:%d/%m/%Y}, Salle des fêtes" in waiting_page


def test_a_household_without_a_pack_has_no_sheet(client, coordinator):
    invitation = InvitationFactory()
    client.force_login(coordinator)

    assert client.get(reverse("distributions:sheet", args=[invitation.event.pk, invitation.pk])).status_code == 404


def test_the_check_in_list_has_names_times_pack_numbers_and_room_to_sign(client, coordinator):
    event, invitations = _event(coordinator, 40)
    invitation_check_in(invitation=invitations[0], status="present", by=coordinator)
    invitations[0].refresh_from_db()
    client.force_login(coordinator)

    pages = pdf_pages(_get_pdf(client, reverse("distributions:checkin_list", args=[event.pk])))

    assert len(pages) == 2  # rows tall enough to sign in: 27 a page
    assert "Liste d'émargement" in pages[0] and "faites signer le foyer" in pages[0]
    # The header, with its signature column, repeats on every page.
    assert all("N° Foyer Commune Pack Arrivé Heure Signature du foyer Remis" in page for page in pages)
    text = " ".join(pages)
    for invitation in invitations:
        assert invitation.household.last_name.upper() in text
        assert invitation.pack.reference in text
    arrival = timezone.localtime(invitations[0].checked_in_at)
    assert f"{arrival:%H:%M}" in pages[0]


def test_the_invitation_letter_tells_the_household_when_and_where(client, coordinator):
    event, [invitation] = _event(
        coordinator, 1, address="12 rue de la Mairie, 59590 Raismes", notes="Parking gratuit."
    )
    AgendaItem.objects.create(event=event, time=datetime.time(16, 0), label="Accueil des foyers")
    AgendaItem.objects.create(event=event, time=datetime.time(17, 0), label="Remise des équipements")
    prescriber = UserFactory(organisation=invitation.household.structure)
    client.force_login(prescriber)

    text = pdf_text(_get_pdf(client, reverse("distributions:letter", args=[event.pk, invitation.pk])))

    assert "Invitation à la remise de votre équipement informatique" in text
    assert f"{invitation.household.first_name} {invitation.household.last_name.upper()}" in text
    assert invitation.household.address in text
    assert "16h00" in text
    assert "Salle des fêtes, Raismes, 12 rue de la Mairie, 59590 Raismes" in text
    assert "Accueil des foyers" in text and "Remise des équipements" in text
    assert "Parking gratuit." in text
    assert str(invitation.household.structure) in text


def test_the_command_writes_the_events_sheets(tmp_path, coordinator, capsys):
    event, _ = _event(coordinator, 2)
    output = tmp_path / "fiches.pdf"

    call_command("handover_sheets", str(event.pk), "--output", str(output))

    assert len(pdf_pages(output.read_bytes())) == 2
    assert f"2 fiches de remise écrites dans {output}" in capsys.readouterr().out


def test_the_command_names_an_unknown_event(tmp_path):
    with pytest.raises(CommandError, match="Aucun événement n° 999."):
        call_command("handover_sheets", "999", "--output", str(tmp_path / "x.pdf"))


def test_a_forty_household_event_renders_in_one_request(client, coordinator):
    event, invitations = _event(coordinator, 40)
    client.force_login(coordinator)

    started = time.perf_counter()
    content = _get_pdf(client, reverse("distributions:sheets", args=[event.pk]))
    elapsed = time.perf_counter() - started

    pages = pdf_pages(content)
    assert len(pages) == 40
    assert all(invitation.pack.reference in page for invitation, page in zip(invitations, pages, strict=True))
    print(f"\n40 fiches de remise : {elapsed:.2f} s, {len(content) / 1024:.0f} Ko")
    assert elapsed < 30


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) requis")
def test_the_first_sheet_renders_as_an_image(client, coordinator, tmp_path):
    event, _ = _event(coordinator, 2)
    client.force_login(coordinator)
    pdf = tmp_path / "fiches.pdf"
    pdf.write_bytes(_get_pdf(client, reverse("distributions:sheets", args=[event.pk])))

    subprocess.run(  # noqa: S603
        ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(tmp_path / "page")],  # noqa: S607
        check=True,
    )

    image = tmp_path / "page.png"
    assert image.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert image.stat().st_size > 10_000  # a blank page would be a few hundred bytes
    if RENDER_DIR:
        Path(RENDER_DIR).mkdir(parents=True, exist_ok=True)
        shutil.copy(image, Path(RENDER_DIR) / "fiche-de-remise.png")
