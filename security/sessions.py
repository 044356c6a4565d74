"""Ending a person's sessions on the server (deactivation): deleted, not merely refused.

A deactivated account's session used to stay in the session table, refused while the account or its organisation
was inactive; reactivating brought it back to life, second factor included, in whatever browser still held the
cookie. Deleting the rows means reactivation starts from the login page.
"""

from collections.abc import Iterable
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.utils import timezone


def sessions_end(*, user_ids: Iterable[int]) -> int:
    """Delete every open session of these accounts; returns how many were deleted.

    Sessions are stored by key, not by person: the unexpired ones are read and decoded (a short table: sessions end
    after 30 idle minutes, and `clearsessions` removes the expired ones). Works with the database-backed session
    engines (db, cached_db), the ones Filière uses."""
    wanted = {str(pk) for pk in user_ids}
    if not wanted:
        return 0
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    rows = store_class.get_model_class().objects.filter(expire_date__gt=timezone.now())
    ended = 0
    for key, data in rows.values_list("session_key", "session_data").iterator():
        if str(store_class().decode(data).get(SESSION_KEY)) in wanted:
            store_class(session_key=key).delete()
            ended += 1
    return ended
