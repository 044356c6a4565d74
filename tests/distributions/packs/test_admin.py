import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from distributions.packs.enums import PackStatus
from distributions.packs.models import Pack, PackTemplate
from distributions.packs.services import pack_add_item, pack_create, pack_dissolve, pack_remove_item
from equipment.enums import ItemCategory, ItemStatus
from tests.accounts.factories import UserFactory
from tests.distributions.factories import PackTemplateFactory
from tests.equipment.factories import ItemFactory

QUERY_LIMIT = 10


@pytest.fixture
def technician(client):
    user = UserFactory(technician=True)
    client.force_login(user)
    return user


def _change_url(pack):
    return reverse("admin:distributions_pack_change", args=[pack.pk])


def _add_url(pack):
    return reverse("admin:distributions_pack_add_item", args=[pack.pk])


def _messages(response):
    return [str(message) for message in response.context["messages"]]


def _queries(client, url, params=None):
    client.get(url, params)  # warm the per-process caches (content types) so only the page's own queries count
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries)


def test_pack_changelist_query_count_does_not_grow_with_packs(client, technician, django_assert_num_queries):
    url = reverse("admin:distributions_pack_changelist")
    pack_add_item(pack=pack_create(), item=ItemFactory(refurbished=True))
    baseline = _queries(client, url)

    assert baseline <= QUERY_LIMIT
    for _ in range(19):
        pack_add_item(pack=pack_create(by=technician), item=ItemFactory(refurbished=True))
    with django_assert_num_queries(baseline):
        response = client.get(url)
    assert response.content.decode().count("1 / 5") == 20


def test_pack_change_page_query_count_does_not_grow_with_items(client, technician, django_assert_num_queries):
    template = PackTemplateFactory(lines={ItemCategory.SCREEN: 20})
    pack = pack_create(template=template)
    pack_add_item(pack=pack, item=ItemFactory(refurbished=True))
    baseline = _queries(client, _change_url(pack))

    assert baseline <= QUERY_LIMIT
    for _ in range(19):
        pack_add_item(pack=pack, item=ItemFactory(refurbished=True))
    with django_assert_num_queries(baseline):
        response = client.get(_change_url(pack))
    assert "Le pack est complet." in response.content.decode()


def _filled_pack(technician, count):
    template = PackTemplateFactory(lines={ItemCategory.SCREEN: 20, ItemCategory.MOUSE: 20})
    pack = pack_create(template=template, by=technician)
    for _ in range(count):
        pack_add_item(pack=pack, item=ItemFactory(refurbished=True), by=technician)
    return pack


@pytest.mark.parametrize(
    "page",
    ["history", "dissolve", "autocomplete"],
    ids=["historique", "defaire", "materiel-disponible"],
)
def test_a_packs_other_admin_pages_cost_the_same_queries_for_1_or_15_items_and_changes(client, technician, page):
    names = {
        "history": "admin:distributions_pack_history",
        "dissolve": "admin:distributions_pack_dissolve",
        "autocomplete": "admin:distributions_pack_items_autocomplete",
    }
    small, large = _filled_pack(technician, 1), _filled_pack(technician, 15)
    for number in range(15):  # more history lines (the notes edited in the admin), more free items to pick from
        large.notes = f"Vérifié {number}"
        large.save(update_fields=["notes"])
        pack_remove_item(pack=large, asset_tag=large.items.first().asset_tag, by=technician)
        pack_add_item(pack=large, item=ItemFactory(refurbished=True), by=technician)
    ItemFactory.create_batch(15, refurbished=True, category=ItemCategory.MOUSE)
    assert large.history.count() > small.history.count() + 10

    params = {"term": "", "app_label": "distributions", "model_name": "packitem", "field_name": "item"}
    params = params if page == "autocomplete" else None
    few = _queries(client, reverse(names[page], args=[small.pk]), params)
    many = _queries(client, reverse(names[page], args=[large.pk]), params)

    assert few == many, f"{page} : {few} requêtes pour 1 matériel, {many} pour 15"
    assert many <= QUERY_LIMIT
    if page == "history":
        html = client.get(reverse(names[page], args=[large.pk])).content.decode()
        # Every line is there, each opening the pack as it was then.
        assert html.count(f"/admin/distributions/pack/{large.pk}/history/") >= large.history.count()


def test_the_pack_add_page_costs_the_same_queries_with_1_or_15_templates(client, technician):
    url = reverse("admin:distributions_pack_add")
    few = _queries(client, url)

    for _ in range(15):
        PackTemplateFactory(lines={ItemCategory.SCREEN: 1, ItemCategory.MOUSE: 1})
    many = _queries(client, url)

    assert few == many
    assert many <= QUERY_LIMIT


@pytest.mark.parametrize("page", ["changelist", "change"], ids=["liste", "fiche"])
def test_the_template_admin_pages_cost_the_same_queries_for_1_or_15_lines_and_packs(client, page):
    client.force_login(UserFactory(coordination=True))
    small = PackTemplateFactory(lines={ItemCategory.SCREEN: 1})

    def url(template):
        if page == "changelist":
            return reverse("admin:distributions_packtemplate_changelist")
        return reverse("admin:distributions_packtemplate_change", args=[template.pk])

    few = _queries(client, url(small))
    categories = list(ItemCategory)[:8]
    large = PackTemplateFactory(lines=dict.fromkeys(categories, 2))
    for _ in range(15):
        PackTemplateFactory(lines=dict.fromkeys(categories, 1))
        pack_create(template=large)
    many = _queries(client, url(large))

    assert few == many, f"{page} : {few} requêtes, puis {many}"
    assert many <= QUERY_LIMIT


def test_creating_a_pack_in_the_admin_numbers_it_and_opens_the_scan_page(client, technician):
    response = client.post(
        reverse("admin:distributions_pack_add"), {"template": PackTemplate.objects.default().pk, "notes": ""}
    )

    pack = Pack.objects.get()
    assert response.status_code == 302
    assert response.url == _change_url(pack)
    assert (pack.reference, pack.assembled_by) == ("PACK-000001", technician)


def test_scanning_a_tag_adds_the_item_and_says_what_is_missing(client, technician):
    pack = pack_create()
    screen = ItemFactory(refurbished=True, asset_tag="PH-000314")

    response = client.post(_add_url(pack), {"asset_tag": "PH-000314"}, follow=True)

    assert list(pack.items.all()) == [screen]
    assert _messages(response) == [
        f"{screen} ajouté au pack {pack.reference}. "
        "Il manque encore : 1 unité centrale, 1 clavier, 1 souris, 1 connectique."
    ]
    page = response.content.decode()
    assert 'name="asset_tag"' in page and "autofocus" in page
    assert "Il manque : 1 unité centrale, 1 clavier, 1 souris, 1 connectique." in page


@pytest.mark.parametrize(
    ("tag", "message"),
    [
        ("PH-404", "Aucun matériel ne porte l'étiquette « PH-404 »."),
        ("PH-000001", "PH-000001 est « en audit » : seul un matériel reconditionné peut entrer dans un pack."),
    ],
    ids=["unknown-tag", "not-refurbished"],
)
def test_scanning_a_wrong_tag_shows_the_french_message(client, technician, tag, message):
    ItemFactory(in_audit=True, asset_tag="PH-000001")
    pack = pack_create()

    response = client.post(_add_url(pack), {"asset_tag": tag}, follow=True)

    assert response.status_code == 200
    assert _messages(response) == [message]
    assert not pack.items.exists()


def test_picking_an_item_adds_it_and_the_picker_only_offers_what_fits(client, technician):
    pack = pack_create()
    pack_add_item(pack=pack, item=ItemFactory(refurbished=True, asset_tag="PH-000010"))
    fits = ItemFactory(refurbished=True, category=ItemCategory.MOUSE, asset_tag="PH-000011")
    ItemFactory(refurbished=True, asset_tag="PH-000012")  # a screen: the pack has its screen already
    ItemFactory(in_audit=True, category=ItemCategory.MOUSE, asset_tag="PH-000013")
    pack_add_item(pack=pack_create(), item=ItemFactory(refurbished=True, category=ItemCategory.KEYBOARD))

    response = client.get(
        reverse("admin:distributions_pack_items_autocomplete", args=[pack.pk]),
        {"term": "PH-0000", "app_label": "distributions", "model_name": "packitem", "field_name": "item"},
    )

    assert [result["text"] for result in response.json()["results"]] == [str(fits)]
    response = client.post(_add_url(pack), {"item": fits.pk}, follow=True)
    assert pack.items.filter(pk=fits.pk).exists()
    assert _messages(response)[0].startswith(f"{fits} ajouté au pack {pack.reference}.")


def test_removing_an_item_from_the_change_page(client, technician):
    pack = pack_create()
    pack_add_item(pack=pack, item=ItemFactory(refurbished=True, asset_tag="PH-000020"))

    response = client.post(
        reverse("admin:distributions_pack_remove_item", args=[pack.pk]), {"asset_tag": "PH-000020"}, follow=True
    )

    assert not pack.items.exists()
    assert _messages(response) == [f"PH-000020 retiré du pack {pack.reference} ; il reste disponible."]


def test_dissolving_from_the_change_page_asks_first_then_frees_the_items(client, technician):
    pack = pack_create()
    item = ItemFactory(refurbished=True)
    pack_add_item(pack=pack, item=item)
    url = reverse("admin:distributions_pack_dissolve", args=[pack.pk])

    assert "Oui, défaire le pack" in client.get(url).content.decode()
    response = client.post(url, follow=True)

    pack.refresh_from_db()
    assert pack.status == PackStatus.DISSOLVED
    assert _messages(response) == [f"Pack {pack.reference} défait : ses matériels sont de nouveau disponibles."]
    assert 'name="asset_tag"' not in response.content.decode()  # no more scanning into a dissolved pack
    item.refresh_from_db()
    assert item.status == ItemStatus.REFURBISHED


def test_the_dissolve_action_reports_each_pack(client, technician):
    live, dissolved = pack_create(), pack_create()
    client.post(
        reverse("admin:distributions_pack_changelist"),
        {"action": "dissolve_packs", "_selected_action": [dissolved.pk]},
        follow=True,
    )

    response = client.post(
        reverse("admin:distributions_pack_changelist"),
        {"action": "dissolve_packs", "_selected_action": [live.pk, dissolved.pk]},
        follow=True,
    )

    assert set(Pack.objects.values_list("status", flat=True)) == {PackStatus.DISSOLVED}
    assert _messages(response) == [
        f"Packs défaits : {live.reference}. Leurs matériels sont de nouveau disponibles.",
        f"Le pack {dissolved.reference} est « défait » : il ne peut plus être défait.",
    ]


ROLES = ["technician", "coordination", "prescriber", "partner"]


@pytest.mark.parametrize(
    ("role", "pack_status", "template_add_status"),
    [("technician", 200, 403), ("coordination", 200, 200), ("prescriber", 302, 302), ("partner", 302, 302)],
    ids=ROLES,
)
def test_who_may_assemble_packs_and_define_templates(client, role, pack_status, template_add_status):
    client.force_login(UserFactory(**{role: True}))
    pack = pack_create()

    assert client.get(_change_url(pack)).status_code == pack_status
    assert client.get(reverse("admin:distributions_pack_add")).status_code == pack_status
    assert client.get(reverse("admin:distributions_packtemplate_add")).status_code == template_add_status
    response = client.post(_add_url(pack), {"asset_tag": "PH-1"})
    assert response.status_code == 302  # back to the pack, or to the admin login
    assert response.url.startswith("/admin/login/") == (pack_status == 302)


def test_coordination_defines_a_laptop_template_with_its_lines(client):
    client.force_login(UserFactory(coordination=True))

    response = client.post(
        reverse("admin:distributions_packtemplate_add"),
        {
            "name": "Pack portable",
            "description": "Un portable et sa souris",
            "lines-TOTAL_FORMS": "2",
            "lines-INITIAL_FORMS": "0",
            "lines-MIN_NUM_FORMS": "1",
            "lines-MAX_NUM_FORMS": "1000",
            "lines-0-category": ItemCategory.LAPTOP,
            "lines-0-quantity": "1",
            "lines-1-category": ItemCategory.MOUSE,
            "lines-1-quantity": "1",
        },
    )

    assert response.status_code == 302
    assert PackTemplate.objects.get(name="Pack portable").summary() == "1 ordinateur portable, 1 souris"


def test_a_second_default_template_is_refused_with_a_message(client):
    client.force_login(UserFactory(coordination=True))

    response = client.post(
        reverse("admin:distributions_packtemplate_add"),
        {
            "name": "Autre",
            "is_default": "on",
            "lines-TOTAL_FORMS": "1",
            "lines-INITIAL_FORMS": "0",
            "lines-MIN_NUM_FORMS": "1",
            "lines-MAX_NUM_FORMS": "1000",
            "lines-0-category": ItemCategory.SCREEN,
            "lines-0-quantity": "1",
        },
    )

    assert response.status_code == 200
    assert "Un autre modèle est déjà le modèle par défaut" in response.content.decode()


def test_the_pack_history_shows_who_changed_its_status(client, technician):
    pack = pack_create(by=technician)
    pack_dissolve(pack=pack, by=technician)

    response = client.get(reverse("admin:distributions_pack_history", args=[pack.pk]))

    assert response.status_code == 200
    assert response.content.decode().count(technician.get_full_name()) >= 2
    assert "Rétablir" not in response.content.decode()
