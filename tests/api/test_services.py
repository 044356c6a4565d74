"""Workbench tokens: created for a refurbisher only, shown once and stored hashed, revoked for good."""

import pytest
from django.core.exceptions import ValidationError

from api.models import WorkbenchToken
from api.services import (
    TokenRefused,
    token_digest,
    workbench_token_authenticate,
    workbench_token_create,
    workbench_token_revoke,
)
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.api.factories import workbench_token


def test_a_token_is_long_random_prefixed_and_only_its_digest_is_kept():
    token, key = workbench_token("Poste 1")

    assert key.startswith("fwb_") and len(key) >= 40
    assert token.key_hash == token_digest(key) and key not in token.key_hash
    assert workbench_token_authenticate(key=key, address="192.0.2.1") == token


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: {"name": "", "organisation": OrganisationFactory(refurbisher=True)}, "nom du jeton est obligatoire"),
        (lambda: {"name": "Poste", "organisation": OrganisationFactory()}, "appartient à un reconditionneur"),
        (
            lambda: {"name": "Poste", "organisation": OrganisationFactory(refurbisher=True, is_active=False)},
            "désactivé",
        ),
        (
            lambda: {
                "name": "Poste",
                "organisation": OrganisationFactory(refurbisher=True),
                "technician": UserFactory(technician=True),
            },
            "n'est pas membre",
        ),
    ],
    ids=["no-name", "not-a-refurbisher", "inactive", "technician-elsewhere"],
)
def test_a_token_is_refused_in_french_when_it_would_not_make_sense(make, message):
    with pytest.raises(ValidationError, match=message):
        workbench_token_create(**make())
    assert WorkbenchToken.objects.count() == 0


def test_two_tokens_cannot_share_a_name_whatever_the_case():
    token, _ = workbench_token("Poste 1")

    with pytest.raises(ValidationError, match="s'appelle déjà"):
        workbench_token_create(name="poste 1", organisation=token.organisation)


def test_a_revoked_token_is_refused_and_stays_listed():
    token, key = workbench_token("Poste 1")

    workbench_token_revoke(token=token)

    with pytest.raises(TokenRefused, match="révoqué"):
        workbench_token_authenticate(key=key, address="192.0.2.1")
    assert WorkbenchToken.objects.get().revoked_at is not None
