"""The technicians' admin: pages, query counts, scanner search, bulk status actions, recycling, shipments."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from equipment.admin.actions import DISTRIBUTION_EDGES, TRANSITION_ACTIONS
from equipment.enums import ALLOWED_TRANSITIONS, ErasureResult, ItemCategory, ItemStatus
from equipment.models import Audit, ErasureRecord, Item, StatusChange
from tests.accounts.factories import UserFactory
from tests.donations.factories import DonationFactory, DonorFactory
from tests.equipment.factories import DriveFactory, ErasureRecordFactory, ItemFactory, WeeeShipmentFactory

CHANGELIST = "/admin/equipment/item/"
ROLES = ["technician", "coordination"]


def _change_url(item):
    return reverse("admin:equipment_item_change", args=[item.pk])


def _messages(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def technician():
    return UserFactory(technician=True)


@pytest.fixture
def tech_client(client, technician):
    client.force_login(technician)
    return client


# --- pages load, and their query count does not grow with rows ---


def _item_with_rows(count):
    item = ItemFactory(desktop=True, in_audit=True)
    author = UserFactory(technician=True)
    for n in range(count):
        drive = DriveFactory(item=item)
        ErasureRecordFactory(drive=drive, technician=author)
        Audit.objects.create(item=item, technician=author, audited_on=datetime.date(2025, 4, 1), grade="B")
        StatusChange.objects.create(
            item=item,
            from_status=ItemStatus.RECEIVED if n % 2 == 0 else ItemStatus.IN_AUDIT,
            to_status=ItemStatus.IN_AUDIT if n % 2 == 0 else ItemStatus.RECEIVED,
            by=author,
            at=timezone.now(),
        )
    return _change_url(item)


def _donation_with_items(count):
    donation = DonationFactory(announced_count=count)
    ItemFactory.create_batch(count, donation=donation)
    return reverse("admin:donations_donation_change", args=[donation.pk])


def _shipment_with_items(count):
    shipment = WeeeShipmentFactory()
    ItemFactory.create_batch(count, recycled=True, weee_shipment=shipment)
    return reverse("admin:equipment_weeeshipment_change", args=[shipment.pk])


def _changelist(url, make_rows):
    def build(count):
        make_rows(count)
        return url

    return build


PAGES = {
    "item-list": _changelist(CHANGELIST, lambda n: ItemFactory.create_batch(n)),
    "item-change": _item_with_rows,
    "donation-list": _changelist(
        "/admin/donations/donation/", lambda n: [ItemFactory(donation=DonationFactory()) for _ in range(n)]
    ),
    "donation-change": _donation_with_items,
    "shipment-list": _changelist(
        "/admin/equipment/weeeshipment/",
        lambda n: [ItemFactory(recycled=True, weee_shipment=WeeeShipmentFactory()) for _ in range(n)],
    ),
    "shipment-change": _shipment_with_items,
    "erasure-list": _changelist("/admin/equipment/erasurerecord/", lambda n: ErasureRecordFactory.create_batch(n)),
    "drive-list": _changelist("/admin/equipment/drive/", lambda n: ErasureRecordFactory.create_batch(n)),
    "donor-list": _changelist("/admin/donations/donor/", lambda n: DonationFactory.create_batch(n)),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", PAGES.keys())
def test_admin_page_loads_with_a_query_count_independent_of_rows(client, django_assert_num_queries, role, page):
    client.force_login(UserFactory(**{role: True}))
    build = PAGES[page]

    url = build(1)
    client.get(url)  # warm the per-process caches (content types, permissions)
    with CaptureQueriesContext(connection) as one_row:
        assert client.get(url).status_code == 200
    url = build(30)
    with django_assert_num_queries(len(one_row.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", ["item-list", "item-change", "donation-list", "donation-change"])
def test_workshop_pages_read_at_most_ten_queries(client, django_assert_max_num_queries, role, page):
    """Session, user and second factor included; the item page with drives, erasures, audits and a status log."""
    client.force_login(UserFactory(**{role: True}))
    url = PAGES[page](5)
    client.get(url)  # warm the per-process caches (content types)

    with django_assert_max_num_queries(10):
        assert client.get(url).status_code == 200


def test_autocomplete_fields_show_the_current_choice_read_with_the_page(tech_client, django_assert_num_queries):
    donation = DonationFactory(reference="DON-2025-007", donor__name="Mairie & Cie")
    item = ItemFactory(donation=donation)
    tech_client.get(_change_url(item))

    with CaptureQueriesContext(connection) as queries:
        item_html = tech_client.get(_change_url(item)).content.decode()
    donation_html = tech_client.get(reverse("admin:donations_donation_change", args=[donation.pk])).content.decode()

    assert f'<option value="{donation.pk}" selected>DON-2025-007 — Mairie &amp; Cie</option>' in item_html
    assert f'<option value="{donation.donor.pk}" selected>Mairie &amp; Cie</option>' in donation_html
    # Neither the donation nor its donor is read again for the widget.
    assert not any('FROM "donations_donor"' in query["sql"] for query in queries.captured_queries)


def test_a_form_sent_back_with_another_donation_shows_that_one(tech_client):
    item = ItemFactory(recycled=True)
    other = DonationFactory(reference="DON-2025-099", donor__name="Autre donateur")
    url = _change_url(item)
    data = {**_change_form_data(tech_client, url), "weight_kg": "", "donation": other.pk}

    response = tech_client.post(url, data)

    assert response.status_code == 200
    assert f'<option value="{other.pk}" selected>DON-2025-099 — Autre donateur</option>' in response.content.decode()


def test_a_drive_edit_sent_back_with_errors_leaves_the_erasures_summary_as_saved(tech_client):
    item = ItemFactory(desktop=True, recycled=True)
    drive = DriveFactory(item=item, serial_number="SN-ENREGISTRE", removed_kept=True)
    url = _change_url(item)
    data = {**_change_form_data(tech_client, url), "weight_kg": ""}
    serial_key = next(key for key, value in data.items() if value == "SN-ENREGISTRE")
    data[serial_key] = "SN-EN-COURS"

    html = tech_client.post(url, data).content.decode()

    summary = html.split("Effacements par support", 1)[1].split("</table>", 1)[0]
    assert "SN-ENREGISTRE" in summary and "SN-EN-COURS" not in summary
    assert 'value="SN-EN-COURS"' in html  # the inline keeps what was typed
    drive.refresh_from_db()
    assert drive.serial_number == "SN-ENREGISTRE"


def test_item_change_page_shows_status_log_erasures_and_label_link(tech_client, technician):
    item = ItemFactory(desktop=True, in_audit=True)
    drive = DriveFactory(item=item, serial_number="WD-123")
    ErasureRecordFactory(drive=drive, tool="nwipe", result=ErasureResult.PASSED)
    StatusChange.objects.create(
        item=item, from_status=ItemStatus.RECEIVED, to_status=ItemStatus.IN_AUDIT, by=technician, at=timezone.now()
    )

    html = tech_client.get(_change_url(item)).content.decode()

    assert "journal des statuts" in html.lower()
    assert "WD-123" in html and "nwipe" in html
    assert f"/admin/equipment/erasurerecord/add/?drive={drive.pk}" in html
    assert f"/materiel/{item.asset_tag}/etiquette/" in html
    # Buttons only for the moves allowed from "en audit".
    assert "Marquer reconditionné" in html and "Recycler (DEEE)" in html
    assert "Passer en audit" not in html


# --- a barcode scanner types the tag and Enter ---


def test_search_by_exact_asset_tag_opens_the_item(tech_client):
    item = ItemFactory(asset_tag="PH-000123")
    ItemFactory(asset_tag="PH-0001234")

    response = tech_client.get(CHANGELIST, {"q": "ph-000123"})

    assert response.status_code == 302
    assert response.url == _change_url(item)


def test_search_by_unique_serial_opens_the_item(tech_client):
    item = ItemFactory(serial_number="CN-0XYZ-42")

    response = tech_client.get(CHANGELIST, {"q": "CN-0XYZ-42"})

    assert response.url == _change_url(item)


def test_a_serial_shared_by_two_items_lists_them_and_a_tag_wins_over_a_serial(tech_client):
    ItemFactory(asset_tag="PH-000201", serial_number="CN-SHARED")
    ItemFactory(asset_tag="PH-000202", serial_number="CN-SHARED", category="keyboard")
    tagged = ItemFactory(asset_tag="SN-TAG-1")
    ItemFactory(asset_tag="PH-000203", serial_number="SN-TAG-1")

    shared = tech_client.get(CHANGELIST, {"q": "cn-shared"})
    scanned = tech_client.get(CHANGELIST, {"q": "sn-tag-1"})

    assert shared.status_code == 200
    assert "PH-000201" in shared.content.decode() and "PH-000202" in shared.content.decode()
    assert scanned.status_code == 302 and scanned.url == _change_url(tagged)


def test_partial_search_lists_matching_items(tech_client):
    ItemFactory(asset_tag="PH-000123", model="OptiPlex 7050")
    ItemFactory(asset_tag="PH-000124", model="OptiPlex 7050")

    response = tech_client.get(CHANGELIST, {"q": "optiplex"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "PH-000123" in html and "PH-000124" in html


# --- bulk status actions ---


def _run_action(client, action, items, **extra):
    data = {"action": action, "_selected_action": [item.pk for item in items], "index": 0, **extra}
    return client.post(CHANGELIST, data)


def test_bulk_actions_and_distribution_services_cover_every_allowed_transition():
    edges = {(frm, to) for _name, frm, to, _label in TRANSITION_ACTIONS} | DISTRIBUTION_EDGES
    edges |= {
        (frm, ItemStatus.RECYCLED) for frm, targets in ALLOWED_TRANSITIONS.items() if ItemStatus.RECYCLED in targets
    }
    assert edges == {(frm, to) for frm, targets in ALLOWED_TRANSITIONS.items() for to in targets}


@pytest.mark.parametrize(
    ("name", "from_status", "to_status", "label"), TRANSITION_ACTIONS, ids=[spec[0] for spec in TRANSITION_ACTIONS]
)
def test_bulk_transition_reports_done_and_refused_per_item(
    tech_client, technician, name, from_status, to_status, label
):
    eligible = ItemFactory(status=from_status)
    other_status = ItemStatus.RECYCLED if from_status != ItemStatus.RECYCLED else ItemStatus.RECEIVED
    refused = ItemFactory(status=other_status)

    response = _run_action(tech_client, f"action_{name}", [eligible, refused])

    assert response.status_code == 302
    texts = _messages(response)
    assert any(eligible.asset_tag in text and label in text for text in texts)
    assert any(text.startswith("Refusé") and refused.asset_tag in text for text in texts)
    eligible.refresh_from_db()
    refused.refresh_from_db()
    assert (eligible.status, refused.status) == (to_status, other_status)
    log = StatusChange.objects.get(item=eligible)
    assert (log.from_status, log.to_status, log.by) == (from_status, to_status, technician)


def test_refurbish_action_refuses_an_item_whose_drive_is_not_erased(tech_client):
    wiped = ItemFactory(desktop=True, in_audit=True)
    ErasureRecordFactory(drive=DriveFactory(item=wiped))
    pending = ItemFactory(desktop=True, in_audit=True)
    DriveFactory(item=pending, serial_number="NOT-WIPED")

    texts = _messages(_run_action(tech_client, "action_refurbish", [wiped, pending]))

    assert any(wiped.asset_tag in text for text in texts if not text.startswith("Refusé"))
    assert any("NOT-WIPED" in text and "effacement" in text for text in texts if text.startswith("Refusé"))
    assert Item.objects.get(pk=pending.pk).status == ItemStatus.IN_AUDIT


# --- recycling asks a reason (and a weight when missing) ---


def test_recycle_action_asks_for_a_reason_first(tech_client):
    item = ItemFactory()

    response = _run_action(tech_client, "action_recycle", [item])

    assert response.status_code == 200
    assert "Motif de recyclage" in response.content.decode()
    item.refresh_from_db()
    assert item.status == ItemStatus.RECEIVED


def test_recycle_action_without_reason_changes_nothing(tech_client):
    item = ItemFactory()

    response = tech_client.post(
        CHANGELIST, {"action": "action_recycle", "_selected_action": [item.pk], "confirm": "1", "reason": ""}
    )

    assert response.status_code == 200
    assert "Ce champ est obligatoire" in response.content.decode()
    item.refresh_from_db()
    assert item.status == ItemStatus.RECEIVED


def test_recycle_action_writes_reason_and_weight_only_where_missing(tech_client, technician):
    weighed = ItemFactory(weight_kg=Decimal("4.20"))
    unweighed = ItemFactory(category=ItemCategory.MOUSE, weight_kg=None)
    done_already = ItemFactory(recycled=True)

    response = tech_client.get(CHANGELIST)  # any page: the session exists
    response = tech_client.post(
        CHANGELIST,
        {
            "action": "action_recycle",
            "_selected_action": [weighed.pk, unweighed.pk, done_already.pk],
            "confirm": "1",
            "reason": "Dalle fêlée",
            "weight_kg": "0.10",
            "weee_category": "",
        },
    )

    assert response.status_code == 302
    texts = _messages(response)
    assert any(weighed.asset_tag in text and unweighed.asset_tag in text for text in texts)
    assert any(text.startswith("Refusé") and done_already.asset_tag in text for text in texts)
    weighed.refresh_from_db()
    unweighed.refresh_from_db()
    assert (weighed.status, weighed.recycling_reason, weighed.weight_kg) == (
        ItemStatus.RECYCLED,
        "Dalle fêlée",
        Decimal("4.20"),
    )
    assert (unweighed.weight_kg, unweighed.weee_category) == (Decimal("0.10"), "6")
    assert StatusChange.objects.get(item=unweighed).by == technician


def test_recycle_action_requires_a_weight_for_items_without_one(tech_client):
    item = ItemFactory(weight_kg=None)

    response = tech_client.post(
        CHANGELIST, {"action": "action_recycle", "_selected_action": [item.pk], "confirm": "1", "reason": "HS"}
    )

    assert response.status_code == 200
    assert f"Indiquez le poids : ces matériels n&#x27;en ont pas ({item.asset_tag})" in response.content.decode()
    item.refresh_from_db()
    assert item.status == ItemStatus.RECEIVED


def test_recycle_button_on_change_page(tech_client):
    item = ItemFactory(in_audit=True)
    url = reverse("admin:equipment_item_transition", args=[item.pk, ItemStatus.RECYCLED])

    assert "Motif de recyclage" in tech_client.get(url).content.decode()
    response = tech_client.post(url, {"confirm": "1", "reason": "Carte mère HS", "weee_category": ""})

    assert response.url == _change_url(item)
    item.refresh_from_db()
    assert (item.status, item.recycling_reason) == (ItemStatus.RECYCLED, "Carte mère HS")


def test_transition_button_on_change_page_moves_the_item(tech_client):
    item = ItemFactory()

    response = tech_client.post(reverse("admin:equipment_item_transition", args=[item.pk, ItemStatus.IN_AUDIT]))

    assert response.url == _change_url(item)
    item.refresh_from_db()
    assert item.status == ItemStatus.IN_AUDIT


def test_transition_button_for_a_forbidden_move_is_refused_in_french(tech_client):
    item = ItemFactory()

    response = tech_client.post(reverse("admin:equipment_item_transition", args=[item.pk, ItemStatus.DISTRIBUTED]))

    assert any("interdit" in text for text in _messages(response))
    item.refresh_from_db()
    assert item.status == ItemStatus.RECEIVED


def test_reserving_or_handing_over_is_left_to_packs_and_events(tech_client):
    item = ItemFactory(reserved=True)

    response = tech_client.post(reverse("admin:equipment_item_transition", args=[item.pk, ItemStatus.DISTRIBUTED]))

    assert any("packs et les distributions" in text for text in _messages(response))
    item.refresh_from_db()
    assert item.status == ItemStatus.RESERVED


def test_unknown_status_in_transition_url_is_a_404(tech_client):
    item = ItemFactory()

    response = tech_client.post(reverse("admin:equipment_item_transition", args=[item.pk, "perdu"]))

    assert response.status_code == 404


# --- WEEE shipments ---


def test_add_to_shipment_action_adds_recycled_items(tech_client):
    shipment = WeeeShipmentFactory()
    items = ItemFactory.create_batch(2, recycled=True)

    response = _run_action(tech_client, "action_add_to_shipment", items)
    assert "Enlèvement DEEE" in response.content.decode()
    response = tech_client.post(
        CHANGELIST,
        {
            "action": "action_add_to_shipment",
            "_selected_action": [item.pk for item in items],
            "confirm": "1",
            "shipment": shipment.pk,
        },
    )

    assert any(shipment.slip_number in text for text in _messages(response))
    assert set(shipment.items.all()) == set(items)


def test_add_to_shipment_refuses_all_when_one_item_is_not_recycled(tech_client):
    shipment = WeeeShipmentFactory()
    recycled = ItemFactory(recycled=True)
    in_stock = ItemFactory(refurbished=True)

    response = tech_client.post(
        CHANGELIST,
        {
            "action": "action_add_to_shipment",
            "_selected_action": [recycled.pk, in_stock.pk],
            "confirm": "1",
            "shipment": shipment.pk,
        },
    )

    assert any(f"{in_stock.asset_tag} n'est pas recyclé" in text for text in _messages(response))
    assert not shipment.items.exists()


def test_shipment_page_shows_weight_by_weee_category(tech_client):
    shipment = WeeeShipmentFactory()
    ItemFactory.create_batch(2, recycled=True, weee_shipment=shipment, weight_kg=Decimal("4.20"))
    ItemFactory(
        recycled=True,
        weee_shipment=shipment,
        category=ItemCategory.KEYBOARD,
        weee_category="6",
        weight_kg=Decimal("0.5"),
    )

    html = tech_client.get(reverse("admin:equipment_weeeshipment_change", args=[shipment.pk])).content.decode()

    assert "2 — Écrans et moniteurs</td><td>2</td><td>8,40" in html
    assert "6 — Petits équipements informatiques et de télécommunications</td><td>1</td><td>0,50" in html


# --- the change form never moves the status ---


def _change_form_data(client, url):
    """The change form's current values as a browser would post them (main form and every inline)."""
    response = client.get(url)
    data = {}

    def add(form):
        for name in form.fields:
            value = form[name].value()
            key = form.add_prefix(name)
            if isinstance(value, list):
                data[key] = value
            elif value is not None and not (isinstance(value, bool) and not value):
                data[key] = value.isoformat() if hasattr(value, "isoformat") else value

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        add(formset.management_form)
        for form in formset.forms:
            add(form)
    return data


def test_posting_the_change_form_cannot_change_the_status(tech_client):
    item = ItemFactory()
    url = _change_url(item)
    data = _change_form_data(tech_client, url)

    response = tech_client.post(url, {**data, "status": ItemStatus.DISTRIBUTED, "notes": "Rayure sur le capot"})

    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.notes) == (ItemStatus.RECEIVED, "Rayure sur le capot")
    assert not StatusChange.objects.filter(item=item).exists()


def test_history_revert_is_refused(tech_client):
    item = ItemFactory()
    version = item.history.latest()

    response = tech_client.post(f"/admin/equipment/item/{item.pk}/history/{version.history_id}/", {})

    assert response.status_code == 403


def test_recycled_item_cannot_lose_its_weight_through_the_form(tech_client):
    item = ItemFactory(recycled=True)
    url = _change_url(item)
    data = _change_form_data(tech_client, url)
    data["weight_kg"] = ""

    response = tech_client.post(url, data)

    assert response.status_code == 200
    assert "Obligatoire pour un matériel recyclé." in response.content.decode()


def test_audit_inline_stores_the_checklist_and_the_technician(tech_client, technician):
    item = ItemFactory(in_audit=True)
    url = _change_url(item)
    data = _change_form_data(tech_client, url)
    data.update(
        {
            "audits-TOTAL_FORMS": "1",
            "audits-0-audited_on": "2025-04-02",
            "audits-0-grade": "B",
            "audits-0-checklist_ok": ["powers_on", "inputs"],
            "audits-0-notes": "Pied manquant",
        }
    )

    response = tech_client.post(url, data)

    assert response.status_code == 302, response.context["errors"] if response.context else ""
    audit = Audit.objects.get(item=item)
    assert audit.checklist == {"powers_on": True, "display": False, "inputs": True, "stand": False}
    assert (audit.grade, audit.technician) == ("B", technician)


def test_adding_an_item_allocates_a_tag_and_logs_received(tech_client, technician):
    donation = DonationFactory()
    data = {
        "asset_tag": "",
        "category": ItemCategory.SCREEN,
        "donation": donation.pk,
        "received_on": "2025-03-14",
        "manufacturer": "Dell",
        "model": "P2219H",
        "drives-TOTAL_FORMS": "0",
        "drives-INITIAL_FORMS": "0",
    }

    response = tech_client.post("/admin/equipment/item/add/", data)

    assert response.status_code == 302
    item = Item.objects.get(model="P2219H")
    assert item.asset_tag.startswith("PH-")
    log = StatusChange.objects.get(item=item)
    assert (log.from_status, log.to_status, log.by) == ("", ItemStatus.RECEIVED, technician)


def test_erasure_added_from_the_item_page_returns_to_it(tech_client, technician):
    drive = DriveFactory()

    response = tech_client.post(
        f"/admin/equipment/erasurerecord/add/?drive={drive.pk}",
        {"drive": drive.pk, "method": "purge", "tool": "nwipe", "passes": "1", "result": "passed"},
    )

    assert response.url == _change_url(drive.item)
    assert ErasureRecord.objects.get(drive=drive).technician == technician


# --- donations ---


def test_donation_list_shows_counted_against_announced(tech_client):
    complete = DonationFactory(reference="DON-DENAIN", announced_count=3)
    ItemFactory.create_batch(3, donation=complete)
    short = DonationFactory(reference="DON-COURT", announced_count=5)
    ItemFactory.create_batch(2, donation=short)

    html = tech_client.get("/admin/donations/donation/").content.decode()

    assert "conforme" in html
    assert "3 manquants" in html


def test_donation_page_lists_its_items(tech_client):
    donation = DonationFactory(announced_count=2)
    items = ItemFactory.create_batch(2, donation=donation)

    html = tech_client.get(reverse("admin:donations_donation_change", args=[donation.pk])).content.decode()

    assert all(item.asset_tag in html for item in items)
    assert f"?donation__id__exact={donation.pk}" in html


def test_donor_search(tech_client):
    DonorFactory(name="Médiathèque de Denain")
    DonorFactory(name="Mairie de Raismes")

    html = tech_client.get("/admin/donations/donor/", {"q": "denain"}).content.decode()

    assert "Médiathèque de Denain" in html and "Mairie de Raismes" not in html


# --- who gets in ---


@pytest.mark.parametrize("role", ["prescriber", "partner"])
@pytest.mark.parametrize("url", ["/admin/", CHANGELIST])
def test_prescribers_and_partners_cannot_reach_the_admin(client, role, url):
    client.force_login(UserFactory(**{role: True}))

    response = client.get(url)

    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")


def test_technicians_see_only_the_workshop_in_the_admin(tech_client):
    html = tech_client.get("/admin/").content.decode()

    assert "Matériels" in html and "Dons" in html
    assert "Utilisateurs" not in html and "Organisations" not in html


def test_adding_an_item_skips_a_tag_already_taken_by_an_import(tech_client):
    ItemFactory(asset_tag="PH-000001")

    response = tech_client.post(
        "/admin/equipment/item/add/",
        {
            "category": ItemCategory.MOUSE,
            "received_on": "2025-03-14",
            "drives-TOTAL_FORMS": "0",
            "drives-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302
    assert Item.objects.get(category=ItemCategory.MOUSE).asset_tag == "PH-000002"


def test_shipment_page_links_to_its_slip_and_to_items_waiting_for_pickup(tech_client):
    shipment = WeeeShipmentFactory()
    waiting = ItemFactory(recycled=True)
    ItemFactory(recycled=True, weee_shipment=shipment)

    html = tech_client.get(reverse("admin:equipment_weeeshipment_change", args=[shipment.pk])).content.decode()
    assert reverse("equipment:weee_slip", args=[shipment.pk]) in html
    listing = tech_client.get(CHANGELIST, {"enlevement": "a_enlever"}).content.decode()

    assert waiting.asset_tag in listing
    assert shipment.items.get().asset_tag not in listing


def test_history_of_field_changes_is_visible(tech_client):
    item = ItemFactory(notes="")
    item.notes = "Écran rayé"
    item.save()
    version = item.history.earliest()

    assert tech_client.get(f"/admin/equipment/item/{item.pk}/history/").status_code == 200
    response = tech_client.get(f"/admin/equipment/item/{item.pk}/history/{version.history_id}/")

    assert response.status_code == 200
    assert "Rétablir" not in response.content.decode()
