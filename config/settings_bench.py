"""Benchmark settings (`make bench`, `make loadtest`): production settings (DEBUG off, manifest static files),
a dedicated PostgreSQL database, and config.bench_urls, which adds a bare view only reachable here.

Never used to serve people: the secret key below is public.
"""

import os

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/filiere_bench")
os.environ.setdefault("SECRET_KEY", "bench-only-public-key-never-serve-users-with-it-0123456789abcdef")
os.environ.setdefault("DEBUG", "0")

from config.settings import *  # noqa: E402, F403

DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
ROOT_URLCONF = "config.bench_urls"
# Logging in thousands of times: the real hasher is not what is measured.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Plain HTTP on the loopback.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
# `make loadtest` also serves the bare view with no middleware at all: the floor of the middleware case.
if os.environ.get("BENCH_MIDDLEWARE") == "none":
    MIDDLEWARE = []
