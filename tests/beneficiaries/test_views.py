import datetime
import re

from django.urls import reverse

from beneficiaries.enums import DECLARED_CRITERIA
from beneficiaries.models import Certification, Household
from beneficiaries.retention import household_anonymise
from tests.accounts.factories import OrganisationFactory
from tests.beneficiaries.factories import CertificationFactory, HouseholdFactory
from tests.distributions.factories import InvitationFactory


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


# --- The list: cells, filters, pagination ----------------------------------------------------------------------


def _list(client, **params):
    response = client.get(reverse("beneficiaries:list"), params)
    assert response.status_code == 200
    return response.content.decode()


def test_each_row_links_the_household_and_shows_its_status_and_dates(client, prescriber_a):
    household = HouseholdFactory(
        last_name="Dupuis",
        first_name="Jean",
        birth_date=datetime.date(1961, 10, 6),
        structure=prescriber_a.organisation,
    )
    certification = CertificationFactory(household=household)
    InvitationFactory(household=HouseholdFactory(last_name="Invité", structure=prescriber_a.organisation))
    client.force_login(prescriber_a)

    html = _list(client)

    row = re.search(r"<tr><td><a href=\"/foyers/(\d+)/\">DUPUIS Jean</a>(.*?)</td>(.*?)</tr>", html)
    assert row is not None and int(row.group(1)) == household.pk
    # On a phone the commune sits under the name and the expiry under the status (their columns are hidden).
    assert row.group(2) == f'<span class="d-md-none small text-body-secondary"><br>{household.commune.name}</span>'
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(3))
    expires = f"{certification.expires_on:%d/%m/%Y}"
    assert cells == [
        "06/10/1961",
        household.commune.name,
        '<span class="badge text-bg-success status-badge">Éligible</span>'
        f'<span class="d-md-none small text-body-secondary"><br>valable jusqu&#x27;au {expires}</span>',
        expires,
        f"{datetime.date.today():%d/%m/%Y}",
    ]
    assert '<span class="badge text-bg-info status-badge">Invité</span>' in html


def test_coordination_rows_name_the_structure(client, coordinator, prescriber_a):
    HouseholdFactory(last_name="Dupuis", structure=prescriber_a.organisation)
    client.force_login(coordinator)

    html = _list(client)

    assert '<th scope="col" class="d-none d-lg-table-cell">Structure</th>' in html
    assert f'<td class="d-none d-lg-table-cell">{prescriber_a.organisation.name}</td>' in html
    assert (
        '<span class="badge text-bg-secondary status-badge">Inscrit</span></td>'
        '<td class="d-none d-md-table-cell">—</td>' in html
    )


def test_every_status_filter_lists_its_households(client, prescriber_a):
    structure = prescriber_a.organisation
    named = {
        "registered": HouseholdFactory(last_name="Inscrit", structure=structure),
        "eligible": HouseholdFactory(last_name="Eligible", structure=structure, certified=True),
        "expired": HouseholdFactory(last_name="Expire", structure=structure, expired=True),
        "invited": InvitationFactory(household=HouseholdFactory(last_name="Invite", structure=structure)).household,
        "equipped": HouseholdFactory(last_name="Equipe", structure=structure, certified=True, equipped=True),
    }
    client.force_login(prescriber_a)

    for status, household in named.items():
        html = _list(client, status=status)
        shown = [other.last_name for other in named.values() if str(other) in html]
        assert shown == [household.last_name], status


def test_names_and_choices_are_escaped(client, coordinator):
    OrganisationFactory(name="CCAS <b>Nord</b> & « Sud »")
    HouseholdFactory(last_name="<script>x</script>", first_name="O'Brien")
    client.force_login(coordinator)

    html = _list(client)

    assert (
        "<script>x" not in html.replace("<script src=", "") and "&lt;SCRIPT&gt;X&lt;/SCRIPT&gt; O&#x27;Brien" in html
    )
    assert "CCAS &lt;b&gt;Nord&lt;/b&gt; &amp; « Sud »</option>" in html


def test_the_filters_have_labels_and_keep_what_was_chosen(client, coordinator, denain):
    structure = OrganisationFactory(name="CCAS de Denain")
    client.force_login(coordinator)

    html = _list(client, q="dup", status="expired", commune=denain.pk, expiring="on", structure=structure.pk)

    for name, label in [
        ("q", "Nom ou prénom"),
        ("status", "Statut"),
        ("commune", "Commune"),
        ("expiring", "Certification expirant sous 30 jours"),
        ("structure", "Structure"),
    ]:
        assert re.search(rf'<label for="id_{name}" class="form-(check-)?label">{label}</label>', html), name
        assert f'id="id_{name}"' in html
    assert '<input type="text" name="q" value="dup" class="form-control" id="id_q">' in html
    assert '<option value="expired" selected>Certification expirée</option>' in html
    assert f'<option value="{denain.pk}" selected>Denain</option>' in html
    assert f'<option value="{structure.pk}" selected>CCAS de Denain</option>' in html
    assert re.search(
        r'<input type="checkbox" name="expiring" class="form-check-input" id="id_expiring" checked>', html
    )


def test_a_prescriber_has_no_structure_filter(client, prescriber_a):
    client.force_login(prescriber_a)

    assert 'name="structure"' not in _list(client)


def test_wrong_filter_values_are_shown_in_red_and_ignored(client, coordinator):
    HouseholdFactory(last_name="Dupuis", certified=True)
    client.force_login(coordinator)

    html = _list(client, status="perdu", commune="abc", structure="999999", page="zzz")

    assert "DUPUIS" in html
    for name in ("status", "commune", "structure"):
        assert re.search(
            rf'<select name="{name}" class="form-select is-invalid" aria-invalid="true" '
            rf'aria-describedby="id_{name}_error"',
            html,
        ), name
        assert f'<div id="id_{name}_error" class="invalid-feedback d-block">' in html
    assert "Choisissez une des options de la liste" in html


def test_the_list_pages_keep_the_filters(client, prescriber_a):
    HouseholdFactory.create_batch(30, structure=prescriber_a.organisation, certified=True)
    client.force_login(prescriber_a)

    first = _list(client, status="eligible")
    second = _list(client, status="eligible", page=2)

    assert "30 foyers, les plus récemment inscrits d'abord" in first
    assert "Page 1 sur 2" in first and 'href="?status=eligible&amp;page=2">Suivante</a>' in first
    assert first.count("<tr><td><a href=") == 25 and second.count("<tr><td><a href=") == 5


def test_an_anonymised_household_is_listed_by_its_pseudonym(client, prescriber_a):
    household = HouseholdFactory(structure=prescriber_a.organisation, certified=True)
    household_anonymise(household=household, on_request=True)
    household.refresh_from_db()
    client.force_login(prescriber_a)

    html = _list(client)

    assert f">Foyer #{household.pseudonym}</a>" in html
