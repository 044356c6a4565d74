"""@access_required: the one access check of the pages (accounts/decorators.py)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory

from accounts.decorators import access_required
from accounts.permissions import ACCESS, Capability
from tests.accounts.factories import UserFactory


@access_required(Capability.ORGANISATIONS)
def page(request):
    return HttpResponse("contenu")


def _request(user):
    request = RequestFactory().get("/structures/?page=2")
    request.user = user
    return request


def test_an_anonymous_visitor_is_sent_to_the_login_page_and_back():
    response = page(_request(AnonymousUser()))
    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/structures/%3Fpage%3D2"


@pytest.mark.django_db
def test_a_role_without_the_capability_gets_a_403_with_the_tables_french_reason():
    with pytest.raises(PermissionDenied) as refused:
        page(_request(UserFactory(technician=True)))
    assert str(refused.value) == ACCESS[Capability.ORGANISATIONS].refusal == "Réservé à la coordination du programme."


@pytest.mark.django_db
def test_a_role_with_the_capability_gets_the_page():
    assert page(_request(UserFactory(coordination=True))).content == b"contenu"


@pytest.mark.django_db
def test_own_account_pages_open_to_any_signed_in_account_even_without_a_role():
    @access_required(Capability.ACCOUNT)
    def own(request):
        return HttpResponse("à moi")

    assert own(_request(UserFactory(organisation=None))).content == "à moi".encode()


def test_a_capability_missing_from_the_table_is_refused_when_the_view_is_written():
    with pytest.raises(ValueError):
        access_required("tout")


def test_every_capability_has_its_row_and_every_closed_row_its_reason():
    assert set(ACCESS) == set(Capability)
    for capability, access in ACCESS.items():
        assert access.what
        assert access.every_account or access.refusal, capability
