import datetime
import re

from django.urls import reverse

from beneficiaries.enums import DECLARED_CRITERIA
from beneficiaries.models import Certification, Household
from tests.factories import HouseholdFactory


def form_data(**overrides):
    data = {
        "last_name": "Durand",
        "first_name": "Léa",
        "birth_date": "1990-04-12",
        "address": "12 rue Jean Jaurès",
        "commune": "Raismes",
        "size": "2",
        "criteria": ["rsa"],
        "proof_seen": "on",
        "data_notice_given": "on",
    }
    data.update(overrides)
    return data


def test_the_registration_form_uses_the_labels_people_know(client, prescriber_a):
    client.force_login(prescriber_a)

    response = client.get(reverse("beneficiaries:create"))

    html = response.content.decode()
    for label in ["Nom", "Prénom", "Date de naissance", "Adresse", "Commune", "RSA", "AAH", "QPV ou ZRR"]:
        assert re.search(rf"<label[^>]*>\s*{label}\s*<", html), label
    assert html.count('name="criteria"') == len(DECLARED_CRITERIA)
    assert "usage de ses données" in html
    assert '<option value="Rœulx"' in html


def test_a_prescriber_registers_an_eligible_household(client, prescriber_a):
    client.force_login(prescriber_a)

    response = client.post(reverse("beneficiaries:create"), form_data(commune="raismes"))

    household = Household.objects.get()
    assert response.status_code == 302
    assert response.url == household.get_absolute_url()
    assert household.commune.name == "Raismes"
    assert household.structure == prescriber_a.organisation
    assert household.certifications.get().rsa


def test_a_household_outside_the_territory_is_refused_with_the_commune_named(client, prescriber_a):
    client.force_login(prescriber_a)

    response = client.post(reverse("beneficiaries:create"), form_data(commune="Valenciennes"))

    assert response.status_code == 200
    assert (
        "Valenciennes n&#x27;est pas une commune de La Porte du Hainaut : "
        "ce foyer ne peut pas bénéficier du programme." in response.content.decode()
    )
    assert not Household.objects.exists()


def test_no_criterion_is_refused_and_what_was_typed_is_kept(client, prescriber_a):
    client.force_login(prescriber_a)

    response = client.post(reverse("beneficiaries:create"), form_data(criteria=[], note="Disponible le mardi"))

    html = response.content.decode()
    assert "Aucun critère d&#x27;éligibilité" in html
    assert 'value="Durand"' in html
    assert "Disponible le mardi" in html
    assert not Household.objects.exists()


def test_both_failing_rules_are_reported_together(client, prescriber_a):
    client.force_login(prescriber_a)

    response = client.post(reverse("beneficiaries:create"), form_data(criteria=[], commune="Valenciennes"))

    html = response.content.decode()
    assert "Aucun critère" in html
    assert "Valenciennes n&#x27;est pas une commune" in html


def test_a_duplicate_is_shown_before_saving_then_confirmed_with_a_reason(client, prescriber_a, prescriber_b, raismes):
    HouseholdFactory(
        last_name="Durand",
        first_name="Lea",
        birth_date=datetime.date(1990, 4, 12),
        structure=prescriber_b.organisation,
    )
    client.force_login(prescriber_a)

    shown = client.post(reverse("beneficiaries:create"), form_data())
    refused = client.post(reverse("beneficiaries:create"), form_data(confirm_duplicate="1"))
    confirmed = client.post(
        reverse("beneficiaries:create"), form_data(confirm_duplicate="1", duplicate_reason="Homonyme vérifié")
    )

    assert "Un foyer similaire existe déjà (CCAS de Denain, inscrit le" in shown.content.decode()
    assert "Indiquez pourquoi" in refused.content.decode()
    assert confirmed.status_code == 302
    assert Household.objects.filter(structure=prescriber_a.organisation).count() == 1


def test_posting_another_structure_changes_nothing(client, prescriber_a, prescriber_b):
    client.force_login(prescriber_a)

    client.post(reverse("beneficiaries:create"), form_data(structure=prescriber_b.organisation.pk))

    assert Household.objects.get().structure == prescriber_a.organisation


def test_the_list_shows_the_structure_households_only_and_filters(client, prescriber_a, prescriber_b, denain):
    mine = HouseholdFactory(last_name="Dupuis", structure=prescriber_a.organisation, certified=True)
    expired = HouseholdFactory(last_name="Carpentier", structure=prescriber_a.organisation, expired=True)
    HouseholdFactory(last_name="Autre", structure=prescriber_b.organisation, certified=True)
    client.force_login(prescriber_a)

    everything = client.get(reverse("beneficiaries:list")).content.decode()
    only_expired = client.get(reverse("beneficiaries:list"), {"status": "expired"}).content.decode()
    by_name = client.get(reverse("beneficiaries:list"), {"q": "dupu"}).content.decode()
    in_denain = client.get(reverse("beneficiaries:list"), {"commune": denain.pk}).content.decode()

    assert str(mine) in everything and str(expired) in everything and "AUTRE" not in everything
    assert str(expired) in only_expired and str(mine) not in only_expired
    assert str(mine) in by_name and str(expired) not in by_name
    assert "Aucun foyer ne correspond" in in_denain


def test_expiring_soon_filter(client, prescriber_a):
    today = datetime.date.today()
    soon = HouseholdFactory(structure=prescriber_a.organisation)
    later = HouseholdFactory(structure=prescriber_a.organisation)
    Certification.objects.create(
        household=soon,
        author=prescriber_a,
        structure=prescriber_a.organisation,
        rsa=True,
        proof_seen=True,
        data_notice_given=True,
        certified_on=today - datetime.timedelta(days=160),
        expires_on=today + datetime.timedelta(days=20),
    )
    Certification.objects.create(
        household=later,
        author=prescriber_a,
        structure=prescriber_a.organisation,
        rsa=True,
        proof_seen=True,
        data_notice_given=True,
        certified_on=today,
        expires_on=today + datetime.timedelta(days=100),
    )
    client.force_login(prescriber_a)

    html = client.get(reverse("beneficiaries:list"), {"expiring": "on"}).content.decode()

    assert str(soon) in html and str(later) not in html
