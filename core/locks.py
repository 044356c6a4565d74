"""Named locks held until the end of the current transaction (PostgreSQL advisory locks).

Two requests that must not run the same work at once (the same file sent twice by a client that retries) take the
same named lock: the second waits for the first to commit, then sees what it wrote. Nothing to release: PostgreSQL
drops the lock at commit or rollback. Elsewhere (SQLite, a single writer at a time) this does nothing.
"""

import hashlib

from django.db import connections


def transaction_lock(*parts: str, using: str = "default") -> None:
    """Wait for, then hold until the transaction ends, the lock named by `parts` (call inside transaction.atomic)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    digest = hashlib.blake2b("\x1f".join(parts).encode(), digest_size=8).digest()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [int.from_bytes(digest, "big", signed=True)])
