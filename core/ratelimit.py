"""Rate limits counted in Django's cache (fixed windows), and the client address they count by.

The cache must be shared by every process that serves (Redis, REDIS_URL): a per-process cache counts each gunicorn
worker apart, and a limit of 5 then lets 5 per worker through. Counting is one atomic increment (INCR in Redis),
so requests arriving at the same moment on different workers cannot all slip under the limit.
"""

import hashlib
import ipaddress
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache


def client_address(request) -> str:
    """The client's address; IPv6 clients are counted by /64, since one home or phone holds a whole /64."""
    header = settings.FILIERE["CLIENT_IP_HEADER"]
    # Behind one reverse proxy that appends to X-Forwarded-For, the last entry is the one it saw.
    raw = request.META.get(header, "").split(",")[-1].strip() or request.META.get("REMOTE_ADDR", "")
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return raw[:64] or "unknown"
    if address.version == 6:
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


@dataclass(frozen=True)
class RateLimit:
    """At most `limit` hits per `window` seconds per client address, for one `scope`."""

    scope: str
    limit: int
    window: int = 3600

    def _key(self, address: str) -> str:
        # Addresses are personal data: the cache holds only a digest of them.
        digest = hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()[:32]
        return f"ratelimit:{self.scope}:{digest}:{int(time.time() // self.window)}"

    def is_exceeded(self, address: str) -> bool:
        return (cache.get(self._key(address)) or 0) >= self.limit

    def hit(self, address: str) -> int:
        """Count one more use; returns the count in the current window, this use included."""
        key = self._key(address)
        cache.add(key, 0, timeout=self.window)
        try:
            return cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.set(key, 1, timeout=self.window)
            return 1

    def acquire(self, address: str) -> bool:
        """Take one use if any is left (counted first, then compared: two workers cannot take the last one)."""
        if self.hit(address) <= self.limit:
            return True
        self.release(address)
        return False

    def release(self, address: str) -> None:
        """Give back a use taken by acquire() that did not happen (the offer was refused)."""
        try:
            cache.decr(self._key(address))
        except ValueError:  # the window ended meanwhile: nothing to give back
            pass
