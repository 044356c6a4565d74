"""Private tracking links of donation offers: long random tokens, stored only as their SHA-256 digest."""

import hashlib
import re
import secrets

# secrets.token_urlsafe(32) gives 43 characters; anything else cannot be a token and is not looked up.
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{43}")


def tracking_token_new() -> tuple[str, str]:
    """Return (token, digest): the token goes to the donor, the digest to the database."""
    token = secrets.token_urlsafe(32)
    return token, tracking_token_digest(token)


def tracking_token_digest(token: str) -> str:
    # 256 random bits need no slow hash; looking up the digest leaks nothing useful through timing.
    return hashlib.sha256(token.encode("ascii")).hexdigest()
