"""The programme's favicon on every kind of page: the public pages, the signed-in pages and the workshop (admin)."""

import re

import pytest
from django.contrib.staticfiles import finders

from tests.accounts.factories import UserFactory
from tests.equipment.factories import ItemFactory

ICON = re.compile(r'<link rel="icon" href="/static/img/favicon\.svg" type="image/svg\+xml">')


@pytest.mark.parametrize("name", ["img/favicon.svg", "img/favicon-32.png", "img/apple-touch-icon.png"])
def test_the_icon_files_are_static_files(name):
    assert finders.find(name)


def test_public_pages_show_the_favicon(client):
    for path in ("/", "/accounts/login/", "/dons/proposer/"):
        assert ICON.search(client.get(path).content.decode()), path


def test_signed_in_pages_and_the_workshop_show_the_favicon(client):
    technician = UserFactory(technician=True)
    item = ItemFactory()
    client.force_login(technician)
    for path in (
        "/materiel/",
        "/admin/",
        "/admin/equipment/item/",
        f"/admin/equipment/item/{item.pk}/change/",
        f"/admin/equipment/item/{item.pk}/history/",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert ICON.search(response.content.decode()), path
