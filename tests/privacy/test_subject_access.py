"""Right of access: coordination exports everything held about one household, as JSON or PDF; the export is logged."""

import json
from decimal import Decimal

import pytest
from django.urls import reverse

from beneficiaries.enums import AccessAction
from beneficiaries.models import HouseholdAccessLog
from tests.accounts.factories import UserFactory
from tests.beneficiaries.factories import HouseholdFactory
from tests.distributions.events.helpers import hand_over, invitation_with_pack
from tests.pdftext import pdf_text


@pytest.fixture
def equipped(coordinator):
    invitation = invitation_with_pack(
        coordinator, household__last_name="Hennebert", household__first_name="Yasmina", household__phone="0612345678"
    )
    return hand_over(invitation, coordinator, payment_means="cash", price_amount=Decimal("10.00"))


def _export(client, name, household):
    return client.get(reverse(f"privacy:export_{name}", args=[household.pk]))


def test_the_json_export_holds_the_household_its_criteria_its_handover_items_and_its_access_log(
    client, coordinator, equipped
):
    household = equipped.household
    client.force_login(coordinator)
    client.get(reverse("beneficiaries:detail", args=[household.pk]))

    response = _export(client, "json", household)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="donnees-foyer-{household.pk}.json"'
    data = json.loads(response.content)
    assert (data["household"]["last_name"], data["household"]["phone"]) == ("Hennebert", "0612345678")
    assert data["certifications"][0]["criteria"] == ["RSA"]
    [invitation] = data["invitations"]
    assert (invitation["status"], invitation["payment_means"], invitation["price_amount"]) == (
        "Équipement remis",
        "Espèces",
        "10.00",
    )
    assert sorted(item["asset_tag"] for item in invitation["items"]) == sorted(
        equipped.pack.items.values_list("asset_tag", flat=True)
    )
    assert [entry["action"] for entry in data["access_log"]] == [
        AccessAction.VIEW.label,
        AccessAction.EXPORT_JSON.label,  # the export itself
    ]


def test_the_pdf_export_says_the_same_in_print(client, coordinator, equipped):
    household = equipped.household
    client.force_login(coordinator)

    response = _export(client, "pdf", household)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    text = pdf_text(response.content)
    assert f"Données détenues sur le foyer n° {household.pk}" in text
    assert "Hennebert" in text and "0612345678" in text
    assert "critères : RSA" in text
    for item in equipped.pack.items.all():
        assert item.asset_tag in text
    assert AccessAction.EXPORT_PDF.label in text
    assert list(HouseholdAccessLog.objects.values_list("action", "household_id")) == [
        (AccessAction.EXPORT_PDF, household.pk)
    ]


@pytest.mark.parametrize("role", ["prescripteur", "technicien", "partenaire"])
@pytest.mark.parametrize("name", ["json", "pdf"])
def test_only_coordination_exports(client, name, role):
    household = HouseholdFactory(certified=True)
    user = {
        "prescripteur": lambda: UserFactory(organisation=household.structure),
        "technicien": lambda: UserFactory(technician=True),
        "partenaire": lambda: UserFactory(partner=True),
    }[role]()
    client.force_login(user)

    response = _export(client, name, household)

    assert response.status_code == 403
    assert not HouseholdAccessLog.objects.exists()


def test_an_anonymous_visitor_is_sent_to_the_login_page(client):
    household = HouseholdFactory(certified=True)

    response = _export(client, "json", household)

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_the_export_buttons_show_on_the_detail_page_for_coordination_only(client, coordinator, prescriber_a):
    household = HouseholdFactory(certified=True, structure=prescriber_a.organisation, created_by=prescriber_a)
    export_url = reverse("privacy:export_pdf", args=[household.pk])

    client.force_login(coordinator)
    as_coordination = client.get(reverse("beneficiaries:detail", args=[household.pk])).content.decode()
    client.force_login(prescriber_a)
    as_prescriber = client.get(reverse("beneficiaries:detail", args=[household.pk])).content.decode()

    assert export_url in as_coordination
    assert export_url not in as_prescriber
