"""Fixtures of the donation tests (the offer tests' helpers live in offer_helpers.py)."""

import pytest
from django.core.cache import cache

from tests.donations.offers.helpers import OFFER_URL, valid_post


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate-limit counters live in the cache: each test starts from zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def post_offer(client, django_capture_on_commit_callbacks):
    """POST the public form from an address; e-mails queued on commit are sent."""

    def post(data=None, ip="203.0.113.5", **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(OFFER_URL, valid_post() if data is None else data, REMOTE_ADDR=ip, **extra)

    return post
