"""Login lockout: too many refused logins block an account, and an address, for a while.

Two counters over a sliding window (settings.FILIERE): per typed username (LOGIN_FAILURES_PER_ACCOUNT) and per
client address (LOGIN_FAILURES_PER_ADDRESS, higher: a whole office shares one address). The typed username counts
whether or not the account exists, so the answer never tells a stranger which accounts exist. Attempts made while
blocked are refused without checking the password and are not counted. Coordination unlocks an account from the
structures pages; an address unlocks itself when the window has passed.
"""

import datetime
import hashlib
import hmac
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.formats import time_format

from core.locks import transaction_lock
from security.models import LoginFailure

ACCOUNT = "account"
ADDRESS = "address"


def _digest(kind: str, value: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def username_digest(username: str) -> str:
    return _digest("username", (username or "").strip().casefold())


def address_digest(address: str | None) -> str:
    return _digest("address", address) if address else ""


def _window() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.FILIERE["LOGIN_LOCKOUT_MINUTES"])


@dataclass(frozen=True)
class Lock:
    """Why logins are refused and until when."""

    reason: str  # ACCOUNT or ADDRESS
    until: datetime.datetime

    @property
    def message(self) -> str:
        until = time_format(timezone.localtime(self.until), "H \\h i")
        if self.reason == ACCOUNT:
            return (
                "Trop de tentatives de connexion échouées pour ce compte : par sécurité, il est bloqué jusqu'à "
                f"{until}. Réessayez ensuite, ou demandez à la coordination du programme de le débloquer."
            )
        return (
            "Trop de tentatives de connexion échouées depuis ce poste : par sécurité, les connexions depuis cette "
            f"adresse réseau sont bloquées jusqu'à {until}. Réessayez ensuite, ou adressez-vous à la coordination "
            "du programme."
        )


def _lock_from(times: list[datetime.datetime], limit: int, reason: str) -> Lock | None:
    """`times` ascending, all inside the window: blocked until enough of them have left it."""
    if len(times) < limit:
        return None
    return Lock(reason=reason, until=times[len(times) - limit] + _window())


def login_lock(*, username: str | None, address: str | None, before: LoginFailure | None = None) -> Lock | None:
    """The lock that refuses this login now, if any (the account's first, then the address's).

    `before`: count only the failures recorded before this one (see login_attempt_start)."""
    config = settings.FILIERE
    since = timezone.now() - _window()
    recent = LoginFailure.objects.filter(created_at__gt=since).order_by("created_at")
    if before is not None:
        recent = recent.filter(pk__lt=before.pk)
    if username:
        times = list(recent.filter(username_digest=username_digest(username)).values_list("created_at", flat=True))
        lock = _lock_from(times, config["LOGIN_FAILURES_PER_ACCOUNT"], ACCOUNT)
        if lock is not None:
            return lock
    if address:
        times = list(recent.filter(address_digest=address_digest(address)).values_list("created_at", flat=True))
        return _lock_from(times, config["LOGIN_FAILURES_PER_ADDRESS"], ADDRESS)
    return None


@transaction.atomic
def login_failure_record(*, username: str | None, address: str | None) -> LoginFailure:
    """Count one refused login; rows older than a day are useless and are deleted on the way."""
    LoginFailure.objects.filter(created_at__lt=timezone.now() - max(_window(), datetime.timedelta(days=1))).delete()
    return LoginFailure.objects.create(
        username_digest=username_digest(username or ""), address_digest=address_digest(address)
    )


@transaction.atomic
def login_attempt_start(*, username: str | None, address: str | None) -> LoginFailure | Lock:
    """Count a login attempt as failed before its password is checked; the lock if it came one too many.

    Several workers may check the same account at the same moment: had each compared the count first and recorded
    its failure after checking the password, twelve simultaneous attempts would all have found fewer than five
    failures and tried twelve passwords. Here attempts on one account (and from one address) take their turn
    (a lock held until the transaction ends, core.locks): each is recorded, then counts the attempts recorded before
    it, so the sixth is refused whatever the timing. Without the turn, two attempts could each miss the other's row
    (ids are handed out before commit, not in commit order) and six passwords were tried under load. A refused
    attempt leaves no row (attempts while locked are not counted); a successful login deletes the account's rows
    (login_failures_clear).
    """
    transaction_lock("login-account", username_digest(username or ""))  # always first: no two-lock deadlock
    if address:
        transaction_lock("login-address", address_digest(address))
    failure = login_failure_record(username=username, address=address)
    lock = login_lock(username=username, address=address, before=failure)
    if lock is not None:
        failure.delete()
        return lock
    return failure


@transaction.atomic
def login_failures_clear(*, username: str) -> int:
    """Forget an account's refused logins (after a successful login, or when coordination unlocks it)."""
    deleted, _ = LoginFailure.objects.filter(username_digest=username_digest(username)).delete()
    return deleted


def locked_usernames(usernames: list[str]) -> set[str]:
    """Which of these accounts are blocked now, in one query (for the members table)."""
    by_digest = {username_digest(name): name for name in usernames}
    since = timezone.now() - _window()
    counts: dict[str, int] = {}
    for digest in LoginFailure.objects.filter(created_at__gt=since, username_digest__in=by_digest).values_list(
        "username_digest", flat=True
    ):
        counts[digest] = counts.get(digest, 0) + 1
    limit = settings.FILIERE["LOGIN_FAILURES_PER_ACCOUNT"]
    return {by_digest[digest] for digest, count in counts.items() if count >= limit}
