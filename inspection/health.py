"""The checks behind /healthz: the database answers, and it accepts writes. A read-only database file, a standby
server or an account without write grants answers every read while every change fails, so reading alone is not
health."""

import logging

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from inspection.extensions import db

log = logging.getLogger(__name__)

#: Each check's statement, run in a transaction of its own that is rolled back. The write matches no row, yet the
#: database must take its write lock and check that the table may change, which is what fails when writes fail;
#: nothing is changed and nothing is left to clean up.
CHECKS = {
    "database_read": text("SELECT 1"),
    "database_write": text("UPDATE regions SET name = name WHERE 1 = 0"),
}


def run_checks() -> dict[str, str]:
    """Return each check's outcome by name: "ok" or "failed" (the error goes to the log, not to the caller)."""
    outcomes = {}
    for name, statement in CHECKS.items():
        try:
            db.session.execute(statement)
            outcomes[name] = "ok"
        except SQLAlchemyError:
            log.exception("health check %s failed", name)
            outcomes[name] = "failed"
        finally:
            db.session.rollback()
    return outcomes
