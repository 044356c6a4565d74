"""The shared cache (Redis) of several app servers: its `clear()` empties Filière's own keys only.

Django's RedisCache.clear() empties the whole Redis database (FLUSHDB): on a Redis shared with another service, or
by several test runs at once, it would reset their counters too. Here it deletes the keys under this cache's
KEY_PREFIX, scanning in batches (no KEYS command blocking Redis).
"""

from django.core.cache.backends.redis import RedisCache


class PrefixedRedisCache(RedisCache):
    def clear(self):
        client = self._cache.get_client(None, write=True)
        pattern = self.make_key("*").replace("[", "\\[").replace("]", "\\]")
        deleted = 0
        batch = []
        for key in client.scan_iter(match=pattern, count=500):
            batch.append(key)
            if len(batch) >= 500:
                deleted += client.delete(*batch)
                batch = []
        if batch:
            deleted += client.delete(*batch)
        return bool(deleted)
