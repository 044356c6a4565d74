"""Test settings: the production settings with a throwaway key and a fast hasher."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789")

from config.settings import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# The live server serves static files from the apps' folders (no collectstatic before tests).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Background tasks run at once, inside the test (the database backend has its own test with a real worker).
TASKS = {"default": {"BACKEND": os.environ.get("TASKS_BACKEND", "django.tasks.backends.immediate.ImmediateBackend")}}
# A second alias on the same test database stands for a streaming replica (core.db; reads inside
# `reporting()` go there).
DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}  # noqa: F405
# Several test runs may share one Redis (REDIS_URL): each counts its rate limits under keys of its own (a server
# started by a test names its own prefix in CACHE_KEY_PREFIX).
# Parallel test processes (pytest -n, PYTEST_XDIST_WORKER gw0, gw1…) each take a Redis database of their own, 1 + the
# worker's number: tests empty the cache (Redis FLUSHDB), which must not reset another process's counters mid-test.
# Servers a test starts inherit it through the environment.
if REDIS_URL and os.environ.get("PYTEST_XDIST_WORKER"):  # noqa: F405
    import re

    redis_db = 1 + int(os.environ["PYTEST_XDIST_WORKER"].removeprefix("gw"))
    REDIS_URL = re.sub(r"(/\d*)?$", f"/{redis_db}", REDIS_URL, count=1)  # noqa: F405
    os.environ["REDIS_URL"] = CACHES["default"]["LOCATION"] = REDIS_URL  # noqa: F405
if REDIS_URL and not os.environ.get("CACHE_KEY_PREFIX"):  # noqa: F405
    import uuid

    CACHES["default"]["KEY_PREFIX"] = f"filiere-test-{uuid.uuid4().hex[:12]}"  # noqa: F405
# Files the tests upload or produce (snapshots kept as evidence, exports) go to a throwaway folder, removed at exit.
if "MEDIA_ROOT" not in os.environ:
    import atexit
    import shutil
    import tempfile

    MEDIA_ROOT = tempfile.mkdtemp(prefix="filiere-test-media-")
    atexit.register(shutil.rmtree, MEDIA_ROOT, ignore_errors=True)
