"""Allocation of document numbers: unique and gapless per issuer and year, even under concurrent issuing."""

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from inspection.extensions import db
from inspection.models import DocumentCounter


def next_sequence(issuer: str, year: int) -> int:
    """Return the next number of `issuer` in `year`, inside the caller's transaction.

    The counter row is incremented with one UPDATE … RETURNING: PostgreSQL's row lock (and SQLite's write lock)
    make a concurrent issuer wait until this transaction ends, and a rollback gives the number back, so the
    sequence has neither gaps nor duplicates. On SQLite the waiting side may get "database is locked";
    `inspection.transactions.run_in_transaction` retries it.
    """
    bump = (
        update(DocumentCounter)
        .where(DocumentCounter.issuer == issuer, DocumentCounter.year == year)
        .values(last_value=DocumentCounter.last_value + 1)
        .returning(DocumentCounter.last_value)
    )
    value = db.session.execute(bump).scalar()
    if value is None:
        try:
            with db.session.begin_nested():
                db.session.add(DocumentCounter(issuer=issuer, year=year, last_value=0))
        except IntegrityError:
            pass  # another transaction created it first; its row is now there to increment
        value = db.session.execute(bump).scalar()
    return value


def last_sequence(issuer: str, year: int) -> int:
    """Return the last number used by `issuer` in `year` (0 if none)."""
    stmt = select(DocumentCounter.last_value).where(DocumentCounter.issuer == issuer, DocumentCounter.year == year)
    return db.session.scalar(stmt) or 0
