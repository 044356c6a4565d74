"""SECRET_KEY: required to serve with DEBUG off; commands that serve nothing run without it."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(*args, **env):
    base = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE"}}
    base["DATABASE_URL"] = "sqlite:///:memory:"
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env={**base, **env}, capture_output=True, text=True, timeout=120
    )


def test_serving_without_a_secret_key_is_refused_in_french():
    result = _run("-c", "import config.wsgi")

    assert result.returncode != 0
    assert "SECRET_KEY doit être défini pour servir Filière" in result.stderr


def test_serving_with_a_secret_key_starts():
    result = _run("-c", "import config.wsgi", SECRET_KEY="a-real-looking-secret-key-" + "x" * 40)

    assert result.returncode == 0, result.stderr


def test_commands_that_serve_nothing_run_without_a_key_and_check_deploy_flags_it():
    assert _run("manage.py", "makemigrations", "--check", "--dry-run").returncode == 0

    deploy = _run("manage.py", "check", "--deploy", "--fail-level", "WARNING", ALLOWED_HOSTS="filiere.example.org")

    assert deploy.returncode != 0
    assert "security.W009" in deploy.stderr
