"""The shared cache (Redis): clearing it empties Filière's keys only, never a neighbour's on the same Redis."""

import os
import uuid

import pytest
import redis
from django.core.cache import cache

pytestmark = pytest.mark.redis


def test_clearing_the_cache_keeps_the_keys_of_other_prefixes():
    other = redis.Redis.from_url(os.environ["REDIS_URL"])
    neighbour = f"another-service-{uuid.uuid4().hex}"
    other.set(neighbour, "1", ex=60)
    try:
        for index in range(1200):  # more than one scan batch
            cache.set(f"ratelimit:test:{index}", index, timeout=60)
        assert cache.get("ratelimit:test:1199") == 1199

        cache.clear()

        assert cache.get("ratelimit:test:0") is None and cache.get("ratelimit:test:1199") is None
        assert other.get(neighbour) == b"1"
    finally:
        other.delete(neighbour)
