"""What server logs may say about a request: its path with secrets masked, never its query string.

Donor tracking links (/dons/suivi/<token>/…) are bearer secrets: whoever reads the link reads the offer, its contact
details and its documents. Query strings carry what people typed (a household's name searched in /foyers/?q=…).
Server logs are kept and read by other people than the programme's (hosting, support): they get neither.
"""

import logging
import re

MASK = "…"
# The donor tracking link: whatever follows /dons/suivi/ up to the next slash is the token.
_TRACKING = re.compile(r"(/dons/suivi/)[^/\s?#\"']+")
# Any other token-looking path segment: 20 or more URL-safe characters mixing letters and digits (random tokens,
# UUIDs). Asset tags (PH-000123), numbers and words stay readable.
_TOKEN_SEGMENT = re.compile(r"(?<=/)(?=[\w-]*\d)(?=[\w-]*[A-Za-z])[\w-]{20,}(?=[/?#\s\"']|$)", re.ASCII)
# A query string: from « ? » to the end of the URL (a space or a quote ends it inside a log line).
_QUERY = re.compile(r"\?[^\s\"']*")
# Headers whose whole value is a secret.
SECRET_HEADERS = frozenset({"cookie", "set-cookie", "authorization", "proxy-authorization", "x-csrftoken"})


def mask_path(text: str | None) -> str | None:
    """A path, URL or log line with tokens masked and query strings removed."""
    if not text:
        return text
    text = _QUERY.sub("", text)
    text = _TRACKING.sub(rf"\1{MASK}", text)
    return _TOKEN_SEGMENT.sub(MASK, text)


class MaskPathsFilter(logging.Filter):
    """Django's own log lines name the path of a refused or failed request (« Not Found: /dons/suivi/<token>/ »):
    the message is written out once with the path masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith("django."):
            record.msg = mask_path(record.getMessage())
            record.args = None
        return True
