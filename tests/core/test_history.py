"""The admin history pages read in French: a clear title, French headings, status labels instead of codes, dates as
jj/mm/aaaa in Paris time, « — » instead of « None »."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from core.history import display_value
from distributions.packs.models import Pack
from distributions.packs.services import pack_create, pack_dissolve
from equipment.models import Item
from equipment.services import item_transition
from tests.accounts.factories import UserFactory
from tests.equipment.factories import ItemFactory

ENGLISH_OR_RAW = ["None", "Change reason", "Changes", "Changed by", "Date/time", "Historique de vue", "Aucun(e)"]


def _field(model, name):
    return model._meta.get_field(name)


@pytest.mark.parametrize(
    ("model", "field", "value", "shown"),
    [
        (Item, "status", "in_audit", "En audit"),
        (Item, "status", None, "—"),
        (Item, "notes", "", "—"),
        (Item, "weight_kg", Decimal("4.20"), "4,20"),
        (Item, "received_on", datetime.date(2026, 3, 5), "05/03/2026"),
        (Pack, "completed_at", datetime.datetime(2026, 12, 6, 23, 30, tzinfo=datetime.UTC), "07/12/2026 00:30"),
    ],
)
def test_values_are_shown_as_people_read_them(model, field, value, shown):
    assert display_value(_field(model, field), value) == shown


def _history(client, url):
    html = client.get(url).content.decode()
    visible = re.sub(r"<(script|style|svg)\b.*?</\1>", "", html, flags=re.S)
    return html, re.sub(r"<[^>]+>", " ", visible)


def test_an_items_history_reads_in_french(client):
    technician = UserFactory(technician=True, first_name="Karim", last_name="Benali")
    item = ItemFactory(asset_tag="PH-000042", status="received")
    item_transition(item=item, to_status="in_audit", by=technician)
    client.force_login(technician)

    html, text = _history(client, reverse("admin:equipment_item_history", args=[item.pk]))

    assert f"<title>Historique des modifications de {item}" in html
    assert f"<h1>Historique des modifications de {item}</h1>" in html
    for heading in ("Date et heure", "Action", "Par", "Origine", "Modifications"):
        assert f'<th scope="col">{heading}</th>' in html
    assert re.search(r"Statut</strong> : Reçu&nbsp;&rarr;&nbsp;En audit", html)
    assert "received" not in text and "in_audit" not in text
    assert f"{timezone.localdate():%d/%m/%Y}" in text
    assert "Création de la fiche" in text
    for word in ENGLISH_OR_RAW:
        assert word not in text, word


def test_a_packs_history_reads_in_french(client):
    technician = UserFactory(technician=True, first_name="Karim", last_name="Benali")
    pack = pack_create(by=technician)
    pack_dissolve(pack=pack, by=technician)
    client.force_login(technician)

    html, text = _history(client, reverse("admin:distributions_pack_history", args=[pack.pk]))

    assert f"Historique des modifications de {pack}" in html
    assert re.search(r"Statut</strong> : En préparation&nbsp;&rarr;&nbsp;Défait", html)
    assert "Karim Benali" in text
    for word in ENGLISH_OR_RAW:
        assert word not in text, word
