"""The public home page: what residents need, whom to contact in their commune, the programme's public figures."""

import datetime
import re
from html import unescape as html_unescape

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.services import organisation_update
from equipment.enums import ItemStatus
from territory.models import Commune
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.equipment.factories import ItemFactory
from tests.reports.conftest import YEAR, client_for, equip

URL = reverse("home")


def home(client, **params) -> str:
    response = client.get(URL, params)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def raismes():
    return Commune.objects.get(insee_code="59491")


@pytest.fixture
def denain():
    return Commune.objects.get(insee_code="59172")


@pytest.fixture
def escaudain():
    return Commune.objects.get(insee_code="59205")


@pytest.fixture
def ccas_raismes(raismes):
    structure = OrganisationFactory(
        name="CCAS de Raismes",
        address="Place Henri Durre, 59590 Raismes",
        phone="03 27 00 00 01",
        opening_hours="Du lundi au vendredi, 9 h – 12 h",
    )
    structure.communes_served.set([raismes])
    return structure


def test_anonymous_visitors_read_the_home_page_in_plain_french(client):
    html = home(client)

    assert "<h1>Un ordinateur pour votre foyer, à petit prix</h1>" in html
    for text in ["Un ordinateur complet", "De l'aide pour bien démarrer", "Un prix solidaire", "vous touchez le RSA"]:
        assert text in html
    assert "vous avez 60 ans ou plus" in html
    assert f'href="{reverse("donations:offer_create")}"' in html


def test_the_commune_picker_lists_the_territory_and_works_without_javascript(client):
    html = home(client)

    select = html[html.index('<select id="commune" name="commune"') : html.index("</select>")]
    assert select.count("<option value=") == 1 + Commune.objects.in_territory().count() == 48
    assert '<form method="get" action="/#ou-aller"' in html
    assert "<script" not in html.split("</main>")[0].split('<main id="contenu"')[1]


def test_picking_a_commune_shows_the_structures_to_contact_there(client, raismes, denain, ccas_raismes):
    elsewhere = OrganisationFactory(name="CCAS de Denain")
    elsewhere.communes_served.set([denain])
    closed = OrganisationFactory(name="Centre social fermé", is_active=False)
    closed.communes_served.set([raismes])

    html = home(client, commune="59491")

    assert "À Raismes, adressez-vous à :" in html
    assert '<h4 class="h5">CCAS de Raismes</h4>' in html
    assert "Place Henri Durre, 59590 Raismes" in html and "Du lundi au vendredi, 9 h – 12 h" in html
    assert '<a href="tel:0327000001">03 27 00 00 01</a>' in html
    assert "CCAS de Denain" not in html and "Centre social fermé" not in html
    assert '<option value="59491" selected>Raismes</option>' in html


def test_a_commune_without_structure_points_to_the_coordination(client):
    OrganisationFactory(name="Coordination du programme", coordination=True, phone="03 27 00 00 00")

    html = home(client, commune="59172")

    assert "Aucune structure n'est encore indiquée pour Denain." in html
    assert "Coordination du programme" in html and "03 27 00 00 00" in html


def test_an_unknown_commune_is_a_clear_message_not_an_error(client):
    html = home(client, commune="75056")

    assert "Cette commune n'est pas dans la liste" in html
    assert 'aria-invalid="true"' in html


def test_public_figures_are_the_dashboards_with_no_count_below_five(client, raismes, denain, escaudain):
    structure = OrganisationFactory()
    ItemFactory.create_batch(4, status=ItemStatus.DISTRIBUTED, received_on=datetime.date(YEAR, 1, 20), donation=None)
    equip(3, commune=raismes, structure=structure)
    equip(20, commune=denain, structure=structure)
    equip(9, commune=escaudain, structure=structure)

    html = home(client, annee=YEAR)
    csv = {
        line.split(";")[0]: line.split(";")[1]
        for line in client_for(UserFactory(coordination=True))
        .get(reverse("dashboard:figure_csv", args=["foyers-par-commune"]), {"annee": YEAR})
        .content.decode("utf-8-sig")
        .splitlines()
    }

    def cell(page, name):
        return re.search(rf'<th scope="row" class="fw-normal">{name}</th><td class="text-end[^"]*">([^<]*)<', page)[1]

    for commune in ["Raismes", "Denain", "Escaudain"]:  # the page publishes what the CSV to publish gives
        assert html_unescape(cell(html, commune)) == csv[commune]
    assert cell(html, "Raismes") == "&lt; 5" and cell(html, "Escaudain") == "masqué"
    assert '<strong class="text-nowrap">32</strong> foyers équipés d\'un ordinateur complet en 2025' in html
    assert "dont <strong>4</strong> déjà distribués, dans les ordinateurs complets remis aux foyers" in html


def test_few_households_beside_many_devices_is_explained_not_a_contradiction(client, raismes):
    ItemFactory.create_batch(22, status=ItemStatus.DISTRIBUTED, received_on=datetime.date(YEAR, 1, 20), donation=None)
    equip(4, commune=raismes, structure=OrganisationFactory())

    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", home(client, annee=YEAR)))

    assert "Les foyers &lt; 5 foyers équipés d'un ordinateur complet en 2025" in text
    assert "dont 22 déjà distribués, dans les ordinateurs complets remis aux foyers" in text
    assert "Un ordinateur complet réunit plusieurs appareils" in text
    assert "il y a donc bien plus d'appareils distribués que de foyers équipés" in text
    assert "« &lt; 5 » veut dire « moins de 5 foyers »" in text
    assert "remis à des foyers" not in text


def test_the_picked_commune_shows_its_own_figure_safely(client, raismes, ccas_raismes):
    equip(3, commune=raismes, structure=ccas_raismes)
    equip(6, commune=Commune.objects.get(insee_code="59172"), structure=ccas_raismes)

    html = home(client, commune="59491", annee=YEAR)

    assert 'foyers équipés à Raismes&nbsp;: <strong class="text-nowrap">&lt; 5</strong>' in html


def test_no_third_party_resource_and_no_tracking(client):
    html = home(client)

    assert not re.search(r'(src|href)="(https?:)?//', html)
    assert "analytics" not in html.lower() and "matomo" not in html.lower()


def test_staff_still_find_their_entry_points(client):
    client.force_login(UserFactory(coordination=True))

    html = home(client)

    assert "Votre espace professionnel" in html and reverse("dashboard:index") in html


def test_home_queries_do_not_grow_with_structures_or_households(client, raismes, ccas_raismes, denain):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            home(client, commune="59491", annee=YEAR)
        return len(queries)

    equip(1, commune=raismes, structure=ccas_raismes)
    baseline = count()
    for index in range(5):
        OrganisationFactory(name=f"Centre social {index}").communes_served.set([raismes, denain])
    equip(12, commune=denain, structure=ccas_raismes)

    assert count() == baseline <= 8


# --- Coordination says which communes each structure serves ------------------------------------------------------


def test_coordination_sets_the_communes_a_structure_serves(client, raismes, denain):
    structure = OrganisationFactory(name="Centre social Agora")
    client.force_login(UserFactory(coordination=True))

    response = client.post(
        reverse("structures:update", args=[structure.pk]),
        {"name": "Centre social Agora", "kind": "structure", "communes_served": [raismes.pk, denain.pk]},
    )

    assert response.status_code == 302
    assert set(structure.communes_served.all()) == {raismes, denain}
    detail = client.get(reverse("structures:detail", args=[structure.pk])).content.decode()
    assert "Denain, Raismes" in detail


def test_only_prescribing_structures_serve_communes(raismes):
    partner = OrganisationFactory(partner=True)

    with pytest.raises(ValidationError, match="Seule une structure prescriptrice"):
        organisation_update(organisation=partner, name=partner.name, kind=partner.kind, communes_served=[raismes])
    assert not partner.communes_served.exists()


def test_changing_contact_details_keeps_the_communes(raismes, ccas_raismes):
    organisation_update(organisation=ccas_raismes, name=ccas_raismes.name, kind="structure", phone="03 27 00 00 09")

    assert list(ccas_raismes.communes_served.all()) == [raismes]
