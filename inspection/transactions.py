"""Running a unit of work as one transaction, retried when the database reports a transient lock conflict; row
locks for the writes whose rule reads state first."""

import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from inspection.extensions import db

T = TypeVar("T")
M = TypeVar("M")

#: SQLSTATEs of PostgreSQL serialization failures and deadlocks.
_RETRYABLE_SQLSTATES = {"40001", "40P01"}


def run_in_transaction(work: Callable[[], T], attempts: int = 8) -> T:
    """Call `work`, commit, and return its result; on a transient conflict roll back and try again.

    :raises: the last error when every attempt failed, or any non-transient error at once.
    """
    for attempt in range(attempts):
        try:
            result = work()
            db.session.commit()
            return result
        except DBAPIError as error:
            db.session.rollback()
            if attempt == attempts - 1 or not _transient(error):
                raise
            time.sleep(0.05 * (attempt + 1))
    raise AssertionError("unreachable")


def _transient(error: DBAPIError) -> bool:
    if isinstance(error, OperationalError) and "database is locked" in str(error.orig):
        return True
    return getattr(error.orig, "sqlstate", None) in _RETRYABLE_SQLSTATES


def locked(model: type[M], ids: int | list[int]) -> list[M]:
    """Lock rows of `model` until the transaction ends and return them as they are now (reloaded): a request that
    decides from the rows' state (what is still open, what is current) then sees what a request that held the lock
    before it committed. PostgreSQL: SELECT … FOR UPDATE, in id order so that two requests never deadlock; SQLite
    needs none, a writing request holds the whole database from its first statement (`BEGIN IMMEDIATE`)."""
    wanted = sorted({ids} if isinstance(ids, int) else set(ids))
    stmt = select(model).where(model.id.in_(wanted)).order_by(model.id).with_for_update()  # type: ignore[attr-defined]
    return list(db.session.scalars(stmt.execution_options(populate_existing=True)))


def insert_once(create: Callable[[], M], stored: Callable[[], M | None]) -> tuple[M, bool]:
    """Return the row keyed by a client's UUID as `stored` finds it, or add it with `create` (which flushes it);
    when a request carrying the same UUID stores it meanwhile (the unique index refuses this insert, after waiting
    for that request to commit), return that one. The caller compares a found row's content with its own. A
    savepoint keeps the transaction usable.

    :return: the row and whether it was created now.
    """
    earlier = stored()
    if earlier is not None:
        return earlier, False
    try:
        with db.session.begin_nested():
            return create(), True
    except IntegrityError:
        earlier = stored()
        if earlier is None:
            raise
        return earlier, False
