"""Project-wide test set-up: database access everywhere, PostgreSQL-only and browser tests gated clearly."""

import os
import shutil
from importlib import import_module

import pytest
import redis
from django.db import connection
from django.db.models.signals import post_migrate
from django.dispatch import receiver

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# force_login also passes the second factor of coordination and admin accounts (see tests/two_factor.py).
pytest_plugins = ["tests.two_factor"]


@receiver(post_migrate, dispatch_uid="tests-reference-data")
def _reference_data_back(sender, using="default", **kwargs):
    """What the migrations write (the territory's communes and QPV, the default pack template) comes back after a
    flush. A test served by a live server, or marked transaction=True, empties every table when it ends, then Django
    sends post_migrate; the tests that follow, in this process or in a parallel one (pytest -n), expect the data a
    migrated database has. Only an empty table is filled: nothing else changes."""
    from django.apps import apps

    if using != "default":
        return
    if sender.label == "territory":
        from territory.loader import load_default_territory

        Commune, Qpv = apps.get_model("territory", "Commune"), apps.get_model("territory", "Qpv")
        if not Commune.objects.using(using).exists():
            load_default_territory(commune_model=Commune, qpv_model=Qpv)
    elif sender.label == "distributions":
        template = import_module("distributions.migrations.0002_default_pack_template")
        if not apps.get_model("distributions", "PackTemplate").objects.using(using).exists():
            template.create_default_template(apps, None)


@pytest.fixture(autouse=True)
def _db_everywhere(db):
    """Every test may use the database (pytest-django's `django_db` on all)."""


# Under CI, why a test that would be skipped here fails instead (read in its set-up).
CI_CANNOT_RUN = pytest.StashKey[str]()


def _gate(item, reason):
    if IN_CI:
        # Failed in its own set-up, with the reason: an error raised while collecting would stop a parallel worker
        # (pytest -n), and xdist then reports an INTERNALERROR that names neither the test nor what is missing.
        item.stash[CI_CANNOT_RUN] = reason
        return
    item.add_marker(pytest.mark.skip(reason=reason))


def pytest_runtest_setup(item):
    reason = item.stash.get(CI_CANNOT_RUN, None)
    if reason is not None:
        pytest.fail(f"Sous CI, aucun test ne doit être ignoré : {reason}", pytrace=False)


def _redis_answers() -> bool:
    """REDIS_URL is set and its server answers (the shared cache of several workers)."""
    url = os.environ.get("REDIS_URL")
    if not url:
        return False
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


def pytest_collection_modifyitems(config, items):
    on_postgres = connection.vendor == "postgresql"
    needs_redis = any(item.get_closest_marker("redis") for item in items)
    has_redis = needs_redis and _redis_answers()
    has_chromium = shutil.which(CHROMIUM) is not None or os.path.exists(CHROMIUM)
    for item in items:
        if "/e2e/" in str(item.path):
            item.add_marker(pytest.mark.browser)
        if item.get_closest_marker("postgres") and not on_postgres:
            _gate(item, "PostgreSQL requis (contraintes, verrous) : définissez DATABASE_URL=postgres://…")
        if item.get_closest_marker("redis") and not has_redis:
            _gate(item, "Redis requis (cache partagé entre workers) : définissez REDIS_URL=redis://127.0.0.1:6379/0")
        if item.get_closest_marker("browser") and not has_chromium:
            _gate(item, f"Chromium introuvable ({CHROMIUM}) : installez le paquet Debian « chromium »")


def pytest_sessionfinish(session, exitstatus):
    """Under CI every test must run: any skip (a `skipif` on a missing tool included) fails the run."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if IN_CI and skipped and exitstatus == 0:
        reporter.write_line(f"Sous CI, aucun test ne doit être ignoré : {len(skipped)} ignoré(s).", red=True)
        session.exitstatus = 1
