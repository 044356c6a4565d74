"""Uploaded CSV files, kept under a generated name in MEDIA_ROOT/imports/ while they are checked, previewed and
imported (by background jobs), then removed: after the import (done or failed), when the check refuses the file,
when the person cancels, or after a day in any case.

The session holds the name and a digest; the file name typed by the user is never used as a path.
"""

import datetime
import hashlib
import re
import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.utils import timezone

SESSION_KEY = "equipment_import"
NAME_RE = re.compile(r"^[0-9a-f]{32}\.csv$")
KEEP_FOR = datetime.timedelta(days=1)


def _storage() -> FileSystemStorage:
    return FileSystemStorage(location=Path(settings.MEDIA_ROOT) / "imports")


def digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def pending_store(session, *, content: bytes, filename: str) -> dict:
    """Keep the file until the user confirms; replaces any file this session had waiting. Returns the entry (name,
    original file name, digest), which the check and import jobs take as parameters."""
    pending_discard(session)
    _purge_stale()
    name = _storage().save(f"{uuid.uuid4().hex}.csv", ContentFile(content))
    entry = {"name": name, "filename": filename, "digest": digest(content)}
    session[SESSION_KEY] = entry
    return dict(entry)


def pending_entry(session) -> dict | None:
    entry = session.get(SESSION_KEY)
    return dict(entry) if entry and NAME_RE.match(entry.get("name", "")) else None


def pending_note(session, **values) -> None:
    """Add to this session's waiting entry (the check job's id…)."""
    entry = session.get(SESSION_KEY)
    if entry:
        session[SESSION_KEY] = {**entry, **values}


def pending_hand_over(session) -> None:
    """The import job now owns the file (it removes it when it ends): the session forgets it without deleting it."""
    session.pop(SESSION_KEY, None)


def pending_read(*, name: str, expected_digest: str) -> bytes | None:
    """The stored file's content, or None when it is gone (expired, cancelled) or not the one checked."""
    if not NAME_RE.match(name or ""):
        return None
    storage = _storage()
    if not storage.exists(name):
        return None
    with storage.open(name, "rb") as handle:
        content = handle.read()
    return content if digest(content) == expected_digest else None


def pending_delete(name: str) -> None:
    if NAME_RE.match(name or ""):
        _storage().delete(name)


def pending_discard(session) -> None:
    entry = session.pop(SESSION_KEY, None)
    if entry and NAME_RE.match(entry.get("name", "")):
        _storage().delete(entry["name"])


def _purge_stale() -> None:
    """Files of previews nobody confirmed (closed tab, expired session) go after a day."""
    storage = _storage()
    if not storage.exists(""):
        return
    limit = timezone.now() - KEEP_FOR
    for name in storage.listdir("")[1]:
        if NAME_RE.match(name) and storage.get_modified_time(name) < limit:
            storage.delete(name)
