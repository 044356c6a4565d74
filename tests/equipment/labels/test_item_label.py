"""The printable QR label of one item: /materiel/<tag>/etiquette/."""

import pytest

from equipment.labels.qr import qr_svg
from tests.accounts.factories import UserFactory
from tests.equipment.factories import ItemFactory


@pytest.mark.parametrize("role", ["technician", "coordination"])
def test_label_shows_the_qr_code_the_tag_and_the_model(client, role):
    client.force_login(UserFactory(**{role: True}))
    item = ItemFactory(asset_tag="PH-000042", manufacturer="Dell", model="P2217H")

    response = client.get(f"/materiel/{item.asset_tag}/etiquette/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "<svg" in html
    assert "PH-000042" in html and "Écran" in html and "Dell P2217H" in html


def test_label_qr_code_encodes_the_absolute_url_of_the_item_page(client):
    client.force_login(UserFactory(technician=True))
    item = ItemFactory(asset_tag="PH-000043")

    response = client.get(f"/materiel/{item.asset_tag}/etiquette/")

    assert qr_svg("http://testserver/materiel/PH-000043/") in response.content.decode()


def test_item_page_and_admin_link_to_the_label(client):
    client.force_login(UserFactory(technician=True))
    item = ItemFactory()

    assert f"/materiel/{item.asset_tag}/etiquette/" in client.get(item.get_absolute_url()).content.decode()
    admin_page = client.get(f"/admin/equipment/item/{item.pk}/change/").content.decode()
    assert f"/materiel/{item.asset_tag}/etiquette/" in admin_page


@pytest.mark.parametrize("role", ["prescriber", "partner"])
def test_label_is_refused_outside_the_workshop(client, role):
    client.force_login(UserFactory(**{role: True}))
    item = ItemFactory()

    response = client.get(f"/materiel/{item.asset_tag}/etiquette/")

    assert response.status_code in (403, 404)
    assert item.asset_tag not in response.content.decode()


def test_label_of_an_unknown_tag_is_a_404(client):
    client.force_login(UserFactory(technician=True))

    assert client.get("/materiel/PH-999999/etiquette/").status_code == 404
