"""Second factor in tests (pytest plugin, loaded by the root conftest).

`client.force_login(user)` and `client.login(...)` stand for "this person is logged in": for every account that
needs a second factor (most do), that includes it, so they also mark the session as verified with a TOTP device.
Tests of the second factor itself use the real forms, or mark themselves `@pytest.mark.second_factor_manual`.

`totp_code(device)` gives the code an authenticator app would show now; `verified_device(user)` the device.
"""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp

from security.two_factor import two_factor_required


def verified_device(user):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.security.factories import TOTPDeviceFactory

    return TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDeviceFactory(user=user)


def totp_code(device, *, offset: int = 0) -> str:
    """The code an authenticator app shows for `device` (offset in 30-second steps)."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset):06d}"


def second_factor_login(client: Client, user) -> None:
    """Mark the client's session as having passed the second factor (as after a typed code)."""
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = verified_device(user).persistent_id
    session.save()


@pytest.fixture(autouse=True)
def _force_login_passes_the_second_factor(request, monkeypatch):
    if request.node.get_closest_marker("second_factor_manual"):
        return
    original, original_login = Client.force_login, Client.login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        if two_factor_required(user):
            second_factor_login(self, user)

    def login(self, **credentials):
        """client.login(): the password checked by the real backend (lockout included), then the second factor."""
        logged_in = original_login(self, **credentials)
        user = self.session.get("_auth_user_id") and get_user_model().objects.get(pk=self.session["_auth_user_id"])
        if logged_in and two_factor_required(user):
            second_factor_login(self, user)
        return logged_in

    monkeypatch.setattr(Client, "force_login", force_login)
    monkeypatch.setattr(Client, "login", login)


def pytest_configure(config):
    config.addinivalue_line("markers", "second_factor_manual: force_login does not pass the second factor")
