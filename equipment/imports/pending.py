"""Uploaded CSV files waiting for confirmation, kept under a generated name in MEDIA_ROOT/imports/.

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


def pending_store(session, *, content: bytes, filename: str) -> None:
    """Keep the file until the user confirms; replaces any file this session had waiting."""
    pending_discard(session)
    _purge_stale()
    name = _storage().save(f"{uuid.uuid4().hex}.csv", ContentFile(content))
    session[SESSION_KEY] = {"name": name, "filename": filename, "digest": digest(content)}


def pending_load(session) -> tuple[bytes, str, str] | None:
    """(content, original file name, digest) of this session's waiting file, or None."""
    entry = session.get(SESSION_KEY)
    if not entry or not NAME_RE.match(entry.get("name", "")):
        return None
    storage = _storage()
    if not storage.exists(entry["name"]):
        session.pop(SESSION_KEY, None)
        return None
    with storage.open(entry["name"], "rb") as handle:
        content = handle.read()
    if digest(content) != entry["digest"]:
        return None
    return content, entry["filename"], entry["digest"]


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
