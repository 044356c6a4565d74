"""/materiel/: the technicians' equipment list — its cells, its filters (Python widgets), its cost."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from equipment.enums import ItemStatus
from tests.accounts.factories import UserFactory
from tests.donations.factories import DonationFactory
from tests.equipment.factories import ItemFactory

URL = reverse("equipment:list")


@pytest.fixture
def technician_client(client):
    client.force_login(UserFactory(technician=True))
    return client


def rows_of(html: str) -> list[list[str]]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def test_each_row_shows_the_item_s_cells_and_links_its_page(technician_client):
    donation = DonationFactory(donor__name="Mairie de Raismes", received_on=datetime.date(2025, 3, 14))
    ItemFactory(
        asset_tag="PH 07A",
        desktop=True,
        refurbished=True,
        serial_number="CN-42",
        donation=donation,
    )
    ItemFactory(
        asset_tag="PH-000002", donation=None, received_on=datetime.date(2025, 1, 2), manufacturer="", serial_number=""
    )

    html = technician_client.get(URL).content.decode()

    assert rows_of(html) == [
        ["PH 07A", "Unité centrale", "HP ProDesk 400 G4", "CN-42", "Reconditionné", "14/03/2025", "Mairie de Raismes"],
        ["PH-000002", "Écran", "P2217H", "", "Reçu", "02/01/2025", ""],
    ]
    # The link is the item's page, the tag quoted.
    assert '<a href="/materiel/PH%2007A/">PH 07A</a>' in html
    assert technician_client.get("/materiel/PH%2007A/").status_code == 200


def test_cells_are_escaped(technician_client):
    ItemFactory(model="<script>alert(1)</script>", donation=DonationFactory(donor__name="A & B"))

    html = technician_client.get(URL).content.decode()

    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "A &amp; B" in html


def test_filters_keep_their_labels_values_and_bootstrap_look(technician_client):
    donation = DonationFactory()
    ItemFactory(refurbished=True, donation=donation)

    html = technician_client.get(
        URL, {"q": "Dell", "status": "refurbished", "category": "", "donation": donation.pk}
    ).content.decode()

    for field, label in [
        ("q", "Étiquette, n° de série ou modèle"),
        ("status", "Statut"),
        ("category", "Catégorie"),
        ("received_after", "Reçu à partir du"),
        ("received_before", "Reçu jusqu&#x27;au"),
    ]:
        assert f'<label for="id_{field}" class="form-label">{label}</label>' in html
    assert '<input type="text" name="q" value="Dell" class="form-control" id="id_q">' in html
    assert '<select name="status" class="form-select" id="id_status">' in html
    assert '<option value="refurbished" selected>Reconditionné</option>' in html
    assert '<option value="" selected>Toutes</option>' in html  # category: none chosen
    assert '<input type="text" name="received_after" class="form-control" id="id_received_after">' in html
    # The donation reached from its page stays in the form, out of sight.
    assert f'<input type="hidden" name="donation" value="{donation.pk}" id="id_donation">' in html
    assert "is-invalid" not in html


def test_a_wrong_date_is_shown_in_red_with_its_message_tied_to_the_field(technician_client):
    ItemFactory()

    response = technician_client.get(URL, {"received_after": "32/13/2025"})

    html = response.content.decode()
    assert response.status_code == 200
    assert (
        '<input type="text" name="received_after" value="32/13/2025" class="form-control is-invalid" '
        'aria-invalid="true" aria-describedby="id_received_after_error" id="id_received_after">'
    ) in html
    assert '<div id="id_received_after_error" class="invalid-feedback d-block">' in html
    assert "Indiquez une date qui existe, au format jj/mm/aaaa (par exemple 14/07/1960)." in html


def test_filters_narrow_the_list(technician_client):
    ItemFactory(asset_tag="PH-000001", refurbished=True)
    ItemFactory(asset_tag="PH-000002", desktop=True, refurbished=True)
    ItemFactory(asset_tag="PH-000003", desktop=True)

    html = technician_client.get(URL, {"status": ItemStatus.REFURBISHED, "category": "desktop"}).content.decode()

    assert [row[0] for row in rows_of(html)] == ["PH-000002"]
    assert "1 matériel" in html


def test_a_search_by_model_lists_and_an_exact_tag_opens_the_item(technician_client):
    ItemFactory(asset_tag="PH-000001", desktop=True)
    ItemFactory(asset_tag="PH-000002")

    listed = technician_client.get(URL, {"q": "prodesk"})
    opened = technician_client.get(URL, {"q": "ph-000002"})

    assert [row[0] for row in rows_of(listed.content.decode())] == ["PH-000001"]
    assert opened.status_code == 302 and opened.url == reverse("equipment:detail", args=["PH-000002"])


def test_a_search_matches_a_whole_serial_number_or_part_of_a_model_whatever_the_case(technician_client):
    by_serial = ItemFactory(asset_tag="PH-000001", serial_number="CN-0042-X")
    by_model = ItemFactory(asset_tag="PH-000002", desktop=True)
    ItemFactory(asset_tag="PH-000003", serial_number="CN-0042-XY")  # a serial number matches whole, not in part
    ItemFactory(asset_tag="CN-0042")  # nor does a tag that only starts like the text

    by_serial_rows = rows_of(technician_client.get(URL, {"q": "cn-0042-x"}).content.decode())
    by_model_rows = rows_of(technician_client.get(URL, {"q": "desk 400"}).content.decode())
    nothing = rows_of(technician_client.get(URL, {"q": "zzqq"}).content.decode())

    assert [row[0] for row in by_serial_rows] == [by_serial.asset_tag]
    assert [row[0] for row in by_model_rows] == [by_model.asset_tag]
    assert nothing == [["Aucun matériel ne correspond."]]


def test_a_serial_number_that_is_also_a_model_s_part_lists_both(technician_client):
    ItemFactory(asset_tag="PH-000001", serial_number="T480", received_on=datetime.date(2025, 1, 1), donation=None)
    ItemFactory(asset_tag="PH-000002", laptop=True, received_on=datetime.date(2025, 1, 2), donation=None)

    rows = rows_of(technician_client.get(URL, {"q": "t480"}).content.decode())

    assert [row[0] for row in rows] == ["PH-000002", "PH-000001"]


def test_a_scanned_tag_opens_its_item_whatever_the_other_filters(technician_client):
    """The scanner types the tag in the search of a list filtered on something else: the item still opens."""
    ItemFactory(asset_tag="PH-000007", refurbished=True)

    response = technician_client.get(URL, {"q": "PH-000007", "status": ItemStatus.RECYCLED, "category": "desktop"})

    assert response.status_code == 302 and response.url == reverse("equipment:detail", args=["PH-000007"])


def test_the_export_keeps_the_search_s_matches(technician_client):
    """The CSV export reads the same filter, whole matches included (it looks them up itself)."""
    ItemFactory(asset_tag="PH-000001", serial_number="CN-0042-X")
    ItemFactory(asset_tag="PH-000002")

    response = technician_client.get(reverse("equipment:export"), {"q": "cn-0042-x"})
    content = b"".join(response.streaming_content).decode("utf-8-sig")

    assert "PH-000001" in content and "PH-000002" not in content


def test_an_empty_list_says_so(technician_client):
    html = technician_client.get(URL, {"status": ItemStatus.RECYCLED}).content.decode()

    assert rows_of(html) == [["Aucun matériel ne correspond."]]


@pytest.mark.parametrize("params", [{}, {"status": "received", "category": "screen"}, {"q": "P2217"}], ids=str)
def test_queries_do_not_grow_with_rows(technician_client, django_assert_num_queries, params):
    donation = DonationFactory()
    ItemFactory(donation=donation)
    technician_client.get(URL, params)  # warm: session refresh, second factor
    with CaptureQueriesContext(connection) as one_row:
        technician_client.get(URL, {**params, "donation": donation.pk})
    ItemFactory.create_batch(60, donation=donation)

    with django_assert_num_queries(len(one_row.captured_queries)):
        response = technician_client.get(URL, {**params, "donation": donation.pk})

    assert len(rows_of(response.content.decode())) == 50
    # Session, user, second factor, the donation filtered on, (a search: its whole matches,) the count, the page.
    assert len(one_row.captured_queries) <= 7


def test_the_item_page_reads_the_same_queries_with_or_without_a_donation(technician_client, django_assert_num_queries):
    plain = ItemFactory(donation=None, received_on=datetime.date(2025, 1, 2))
    given = ItemFactory(donation=DonationFactory(donor__name="Mairie"))
    technician_client.get(reverse("equipment:detail", args=[plain.asset_tag]))  # warm the session
    with CaptureQueriesContext(connection) as one:
        technician_client.get(reverse("equipment:detail", args=[plain.asset_tag]))

    with django_assert_num_queries(len(one.captured_queries)):
        html = technician_client.get(reverse("equipment:detail", args=[given.asset_tag])).content.decode()
    assert "Mairie" in html
    assert len(one.captured_queries) <= 10


def test_the_count_reads_the_filtered_items_alone(technician_client):
    ItemFactory.create_batch(3)

    with CaptureQueriesContext(connection) as queries:
        html = technician_client.get(URL, {"category": "screen"}).content.decode()

    counts = [query["sql"] for query in queries.captured_queries if query["sql"].startswith("SELECT COUNT(*)")]
    assert len(counts) == 1 and "donations_donor" not in counts[0] and '"model"' not in counts[0]
    assert "3 matériels" in html


def test_the_last_pages_read_from_the_end_show_the_same_rows_in_order(technician_client):
    donation = DonationFactory()
    for day in range(1, 102):  # 101 items, one a day: three pages of 50, 50 and 1
        ItemFactory(donation=donation, received_on=datetime.date(2024, 1, 1) + datetime.timedelta(days=day))

    pages = [rows_of(technician_client.get(URL, {"page": number}).content.decode()) for number in (1, 2, 3)]

    dates = [row[5] for page in pages for row in page]
    assert [len(page) for page in pages] == [50, 50, 1]
    assert dates == sorted(dates, key=lambda d: datetime.datetime.strptime(d, "%d/%m/%Y"), reverse=True)
    (last,) = pages[2]
    assert last[1:3] + last[4:] == ["Écran", "Dell P2217H", "Reçu", "02/01/2024", donation.donor.name]


def test_a_search_matching_more_than_its_limit_says_plus_de_and_the_filters_keep_their_exact_count(
    technician_client, monkeypatch
):
    """A search is counted up to SEARCH_EXACT_LIMIT matches (250), a filter up to 10,000."""
    monkeypatch.setattr("equipment.views.SEARCH_EXACT_LIMIT", 3)
    ItemFactory.create_batch(5, desktop=True)

    searched = technician_client.get(URL, {"q": "prodesk"}).content.decode()
    filtered = technician_client.get(URL, {"category": "desktop"}).content.decode()

    assert "plus de 3 matériels" in searched and len(rows_of(searched)) == 3
    assert "5 matériels" in filtered and len(rows_of(filtered)) == 5
