"""Rate limits counted in Django's cache (fixed windows), and the client address they count by."""

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
        key = self._key(address)
        cache.add(key, 0, timeout=self.window)
        try:
            return cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.set(key, 1, timeout=self.window)
            return 1
