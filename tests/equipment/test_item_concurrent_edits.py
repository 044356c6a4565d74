"""Two technicians saving the same item from change pages opened at the same time: the second is told, the first
change is kept."""

from django.test import Client
from django.urls import reverse

from equipment.enums import ItemStatus
from equipment.models import Item
from equipment.services import item_transition
from tests.accounts.factories import UserFactory
from tests.equipment.admin.test_items import _change_form_data
from tests.equipment.factories import ItemFactory

STALE = "Quelqu&#x27;un d&#x27;autre a enregistré ce matériel"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _url(item):
    return reverse("admin:equipment_item_change", args=[item.pk])


def test_the_second_save_from_a_stale_page_is_refused_and_the_first_change_kept():
    item = ItemFactory(notes="")
    first, second = _client(UserFactory(technician=True)), _client(UserFactory(technician=True))
    first_form, second_form = _change_form_data(first, _url(item)), _change_form_data(second, _url(item))

    saved = first.post(_url(item), {**first_form, "model": "P2219H"})
    refused = second.post(_url(item), {**second_form, "notes": "Pied cassé", "weight_kg": "5.10"})

    assert saved.status_code == 302
    assert refused.status_code == 200
    html = refused.content.decode()
    assert STALE in html
    assert "Pied cassé" in html  # what the second technician typed is kept on the page
    item.refresh_from_db()
    assert (item.model, item.notes, str(item.weight_kg)) == ("P2219H", "", "4.20")


def test_saving_again_after_the_warning_goes_through():
    item = ItemFactory()
    first, second = _client(UserFactory(technician=True)), _client(UserFactory(coordination=True))
    first_form, second_form = _change_form_data(first, _url(item)), _change_form_data(second, _url(item))
    first.post(_url(item), {**first_form, "model": "P2219H"})
    refused = second.post(_url(item), {**second_form, "notes": "Pied cassé"})
    current = refused.context["adminform"].form["loaded_version"].value()

    again = second.post(_url(item), {**second_form, "notes": "Pied cassé", "loaded_version": current})

    assert again.status_code == 302
    item.refresh_from_db()
    # The second save was made knowing the first: it replaces the model too (the form still said P2217H).
    assert (item.model, item.notes) == ("P2217H", "Pied cassé")


def test_a_status_change_in_between_also_makes_the_page_stale():
    item = ItemFactory()
    technician = UserFactory(technician=True)
    client = _client(technician)
    form = _change_form_data(client, _url(item))

    item_transition(item=item, to_status=ItemStatus.IN_AUDIT, by=technician)
    response = client.post(_url(item), {**form, "notes": "Écran rayé"})

    assert STALE in response.content.decode()
    item.refresh_from_db()
    assert (item.status, item.notes) == (ItemStatus.IN_AUDIT, "")


def test_a_change_posted_without_its_version_is_refused_as_stale_and_changes_nothing():
    """Leaving the version out must not skip the check: a colleague's change made meanwhile stays."""
    item = ItemFactory(notes="")
    client = _client(UserFactory(technician=True))
    form = _change_form_data(client, _url(item))
    colleague = _client(UserFactory(technician=True))
    colleague.post(_url(item), {**_change_form_data(colleague, _url(item)), "model": "P2219H"})
    form.pop("loaded_version")

    response = client.post(_url(item), {**form, "notes": "Sans version"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Cette page ne dit pas quelle version du matériel elle modifie" in html
    assert "vos modifications ne sont pas enregistrées" in html
    item.refresh_from_db()
    assert (item.model, item.notes) == ("P2219H", "")
    # The page now carries the current version: saving again is a decision taken knowing it.
    assert response.context["adminform"].form["loaded_version"].value() == item.updated_at.isoformat()


def test_a_garbled_version_is_treated_as_stale():
    item = ItemFactory()
    client = _client(UserFactory(technician=True))
    form = _change_form_data(client, _url(item))

    response = client.post(_url(item), {**form, "loaded_version": "pas-une-date", "notes": "x"})

    assert STALE in response.content.decode()
    assert Item.objects.get(pk=item.pk).notes == ""
