"""A client that speaks as eReuse's workbench-script does when it sends a snapshot (send_snapshot_to_devicehub):
urllib.request, `Authorization: Bearer <token>` and `Content-Type: application/json`, the file's text as body; any
2xx is success; a redirect (301, 302, 307, 308) gets the whole body POSTed again to its Location; anything else,
or a connection error, is logged with the response body and retried, 5 times by default, a pause apart."""

import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field


class _RepostRedirects(urllib.request.HTTPRedirectHandler):
    """Follow 301/302/307/308 by POSTing the same body and headers to the new address, and note each hop."""

    def __init__(self, hops: list):
        self.hops = hops

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        self.hops.append((code, newurl))
        return urllib.request.Request(  # noqa: S310 — the live server's address, given by the test
            newurl, data=req.data, headers=dict(req.header_items()), method="POST"
        )

    http_error_301 = http_error_302 = http_error_307 = http_error_308 = (
        urllib.request.HTTPRedirectHandler.http_error_302
    )


@dataclass
class Sent:
    """What the Workbench saw: each attempt's status (None for a connection error), its log, the last answer."""

    statuses: list = field(default_factory=list)
    log: list = field(default_factory=list)
    redirects: list = field(default_factory=list)
    answer: dict | None = None

    @property
    def succeeded(self) -> bool:
        return bool(self.statuses) and self.statuses[-1] is not None and 200 <= self.statuses[-1] < 300


def send_snapshot(snapshot: str, token: str, url: str, *, max_retries: int = 5, pause: float = 0.0) -> Sent:
    sent = Sent()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    opener = urllib.request.build_opener(_RepostRedirects(sent.redirects))
    for attempt in range(max_retries):
        try:
            request = urllib.request.Request(url, data=snapshot.encode("utf-8"), headers=headers)  # noqa: S310
            try:
                with opener.open(request, timeout=60) as response:
                    status, text = response.getcode(), response.read().decode("utf-8")
            except urllib.error.HTTPError as error:
                status, text = error.code, error.read().decode("utf-8")
                sent.log.append(f"HTTPError {status}: {text}")
            sent.statuses.append(status)
            if 200 <= status < 300:
                sent.answer = json.loads(text)
                return sent
            sent.log.append(f"Snapshot not remotely sent to URL '{url}'. Server responded with error:\n  {text}")
        except OSError as error:
            sent.statuses.append(None)
            sent.log.append(f"Snapshot not remotely sent to URL '{url}': {error}")
        if attempt + 1 < max_retries:
            time.sleep(pause)
    return sent
