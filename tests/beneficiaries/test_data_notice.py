"""The information notice given to households is one setting: read on the household pages, printed on the sheets."""

from django.urls import reverse

from distributions.events.documents import handover_sheets_pdf
from distributions.events.selectors import sheet_invitations
from tests.beneficiaries.factories import HouseholdFactory
from tests.distributions.events.helpers import invitation_with_pack
from tests.pdftext import pdf_text

NOTICE = "Notice du territoire : vos données restent chez nous, écrivez à dpo@example.org pour les voir."


def _notice(settings):
    settings.FILIERE = {**settings.FILIERE, "DATA_NOTICE": NOTICE}


def test_the_registration_and_renewal_forms_show_the_notice_setting(client, settings, prescriber_a):
    _notice(settings)
    household = HouseholdFactory(certified=True, structure=prescriber_a.organisation, created_by=prescriber_a)
    client.force_login(prescriber_a)

    registration = client.get(reverse("beneficiaries:create")).content.decode()
    renewal = client.get(reverse("beneficiaries:renew", args=[household.pk])).content.decode()

    assert "dpo@example.org pour les voir" in registration
    assert "dpo@example.org pour les voir" in renewal


def test_the_handover_sheet_prints_the_same_notice(settings, coordinator):
    _notice(settings)
    invitation = invitation_with_pack(coordinator)

    text = pdf_text(handover_sheets_pdf(invitation.event, sheet_invitations(invitation.event, None)))

    assert "dpo@example.org pour les voir" in text


def test_the_default_notice_names_the_retention_and_the_rights(settings):
    notice = settings.FILIERE["DATA_NOTICE"]

    assert f"Sans contact pendant {settings.FILIERE['RETENTION_YEARS']} ans, elles sont effacées" in notice
    assert "consulter" in notice and "corriger" in notice and "CNIL" in notice
