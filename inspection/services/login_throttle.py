"""Login throttling: growing delays, counted per account from one address, per address and per account.

Each attempt is counted before its password is checked, in one INSERT … ON CONFLICT DO UPDATE … RETURNING per
scope: attempts racing each other are numbered one by one by the database, and only the one the row says was let
through gets a password check. A delay only ever refuses attempts for a while; nothing is locked until an admin acts.

- Account from one address: `max_failures` attempts, then delays doubling from `FIRST_DELAY` up to the window. Guessing
  one password from one place slows to a crawl, and only there.
- Address: four times as many, then the same delays; spraying many accounts from one place slows down too.
- Account: four times as many, from any number of addresses, then delays of at most `ACCOUNT_LONGEST_DELAY`: guessing
  from many addresses is slowed, yet nobody can keep an account's owner out for longer than that.

An attempt refused by one scope is not counted in the scopes after it, so one address hammering an account does not
delay its owner elsewhere.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import DateTime, case, delete, literal, or_, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import ReturningInsert
from sqlalchemy.sql.elements import ColumnElement

from inspection.extensions import db
from inspection.models import LoginThrottle, ThrottleScope
from inspection.orm import utcnow

#: The delay after the last free attempt; each further failure doubles it.
FIRST_DELAY = timedelta(seconds=30)
#: The longest delay counted per account alone.
ACCOUNT_LONGEST_DELAY = timedelta(minutes=1)


@dataclass(frozen=True)
class Refusal:
    """An attempt refused, and how long until the next is let through."""

    wait: timedelta
    #: The first attempt refused since one was let through; the later ones are not worth an audit event each.
    first: bool


@dataclass(frozen=True)
class _Limit:
    scope: ThrottleScope
    #: Attempts let through before the delays start.
    free: int
    longest: timedelta

    def delay(self, failures: int) -> timedelta:
        """Return how long to wait after failure number `failures` (at least `free`)."""
        return min(FIRST_DELAY * 2 ** (failures - self.free), self.longest)

    def free_at(self, failures: ColumnElement[int], now: datetime) -> ColumnElement[datetime | None]:
        """Return, as SQL, when an attempt may be let through after `failures`: NULL while attempts are free (not
        `now`: an attempt that read the clock a moment earlier but came later must not be refused), then `now` plus
        the doubling delay, one CASE branch per step (they are few)."""
        steps, n = [(failures < self.free, _moment(None))], self.free
        while self.delay(n) < self.longest:
            steps.append((failures == n, _moment(now + self.delay(n))))
            n += 1
        return case(*steps, else_=_moment(now + self.longest))


def count_attempt(username: str, ip: str, *, max_failures: int, window: timedelta) -> Refusal | None:
    """Count a login attempt for `username` from `ip` and return why it must wait, or None to check its password.

    :param max_failures: attempts for one account from one address before the delays start.
    :param window: after this long without attempts a count starts over; also the longest delay.
    """
    now = utcnow()
    limits = (
        (_Limit(ThrottleScope.ACCOUNT_IP, max_failures, window), f"{username}@{ip}"),
        (_Limit(ThrottleScope.IP, 4 * max_failures, window), ip),
        (_Limit(ThrottleScope.ACCOUNT, 4 * max_failures, ACCOUNT_LONGEST_DELAY), username),
    )
    for limit, subject in limits:
        row = db.session.execute(_count(limit, subject, now, window)).one()
        if row.admitted != row.attempts:
            return Refusal(wait=row.free_at - now, first=row.attempts == row.admitted + 1)
    return None


def count_public_request(scope: ThrottleScope, ip: str, *, free: int, window: timedelta) -> Refusal | None:
    """Count one anonymous request of a costly kind (an upload to verify) from `ip`, with the same growing delays
    after `free` requests: each counts as a failure, none is forgiven. Return why it must wait, or None."""
    now = utcnow()
    row = db.session.execute(_count(_Limit(scope, free, window), ip, now, window)).one()
    if row.admitted != row.attempts:
        return Refusal(wait=row.free_at - now, first=row.attempts == row.admitted + 1)
    return None


def forgive_attempt(username: str, ip: str) -> None:
    """Take back the failure an attempt was counted as, once its password proved right: the account's count from
    this address starts over, and the address and account counts drop by one."""
    db.session.execute(
        delete(LoginThrottle).where(
            LoginThrottle.scope == ThrottleScope.ACCOUNT_IP, LoginThrottle.subject == f"{username}@{ip}"
        )
    )
    keys = [(ThrottleScope.IP.value, ip), (ThrottleScope.ACCOUNT.value, username)]
    db.session.execute(
        update(LoginThrottle)
        .where(tuple_(LoginThrottle.scope, LoginThrottle.subject).in_(keys))
        .values(failures=case((LoginThrottle.failures > 0, LoginThrottle.failures - 1), else_=0))
    )


def _count(limit: _Limit, subject: str, now: datetime, window: timedelta) -> ReturningInsert[Any]:
    """Return the statement counting one attempt in the row of `limit.scope` and `subject`; it returns the row."""
    row = LoginThrottle.__table__.c
    stale = row.last_attempt_at < now - window
    attempts = case((stale, 1), else_=row.attempts + 1)
    failures = case((stale, 1), else_=row.failures + 1)  # stored only if this attempt is let through
    let_through = or_(stale, row.free_at.is_(None), row.free_at <= now)
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(LoginThrottle.__table__).values(
        scope=limit.scope.value,
        subject=subject,
        attempts=1,
        admitted=1,
        failures=1,
        free_at=limit.free_at(literal(1), now),
        last_attempt_at=now,
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=[row.scope, row.subject],
        set_={
            "attempts": attempts,
            "admitted": case((let_through, attempts), else_=row.admitted),
            "failures": case((let_through, failures), else_=row.failures),
            "free_at": case((let_through, limit.free_at(failures, now)), else_=row.free_at),
            "last_attempt_at": now,
        },
    )
    return stmt.returning(row.attempts, row.admitted, row.free_at)


def _moment(value: datetime | None) -> ColumnElement[datetime | None]:
    return literal(value, DateTime())
