"""factory_boy factories for security's models (with Traits), used by every app's tests."""

import factory

from tests.accounts.factories import UserFactory


class TOTPDeviceFactory(factory.django.DjangoModelFactory):
    """A confirmed authenticator app (TOTP) of `user`; tests.two_factor.totp_code(device) gives its current code."""

    class Meta:
        model = "otp_totp.TOTPDevice"

    user = factory.SubFactory(UserFactory, coordination=True)
    name = "Application d'authentification"
    confirmed = True
