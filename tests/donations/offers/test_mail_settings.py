"""E-mail goes through Django 6.1's MAILERS: console in development, SMTP from the environment in production."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PRINT_MAILERS = "import json, config.settings as s; print(json.dumps(s.MAILERS))"


def _mailers(**env) -> dict:
    clean = {key: value for key, value in os.environ.items() if not key.startswith(("EMAIL_", "DEBUG"))}
    result = subprocess.run(
        [sys.executable, "-W", "error::DeprecationWarning", "-c", PRINT_MAILERS],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)["default"]


def test_development_prints_e_mails_to_the_console():
    assert _mailers(DEBUG="1")["BACKEND"] == "django.core.mail.backends.console.EmailBackend"


def test_production_sends_through_smtp_configured_by_the_environment():
    mailer = _mailers(
        SECRET_KEY="x" * 50,
        EMAIL_HOST="smtp.example.org",
        EMAIL_PORT="587",
        EMAIL_HOST_USER="filiere",
        EMAIL_HOST_PASSWORD="secret",
        EMAIL_USE_TLS="true",
    )
    assert mailer["BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert mailer["OPTIONS"] == {
        "host": "smtp.example.org",
        "port": 587,
        "username": "filiere",
        "password": "secret",
        "use_tls": True,
        "use_ssl": False,
        "timeout": 10,
    }


def test_tests_use_the_memory_outbox(settings):
    assert settings.MAILERS == {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    assert not hasattr(settings, "EMAIL_BACKEND") or "EMAIL_BACKEND" not in dir(settings)
