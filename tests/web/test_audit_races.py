"""Audit entries appended by requests racing each other, against a real server process (issue 18): each links to
the entry committed before it, so the chain stays one line — two entries never share a predecessor."""

import time
from collections.abc import Callable

from sqlalchemy import func, select

from inspection.extensions import db
from inspection.models import AuditEvent
from inspection.services import Actor
from inspection.services.audit import record_event, verify_chain
from inspection.transactions import run_in_transaction
from tests.conftest import run_together
from tests.factories import PASSWORD
from tests.server_process import Client, together

#: How long each racing transaction holds its new entry before committing: long enough that, without the lock on
#: the chain's head, every other transaction would read the same head meanwhile.
HOLD_SECONDS = 0.3
#: Every login records an auth.login entry; ten people of the cast log in at the same moment.
PEOPLE = ("admin", "reviewer", "mz1", "mz2", "xf1", "xf2", "sc1", "sc2", "wj1", "wj2")


def test_logins_at_once_append_one_unbroken_chain(concurrent_app, served_county):
    with concurrent_app.app_context():
        before = db.session.scalar(select(func.count()).select_from(AuditEvent))
    clients = [Client(served_county) for _ in PEOPLE]
    form = [{"username": name, "password": PASSWORD} for name in PEOPLE]
    replies = together(
        *[lambda c=c, f=f: c.request("POST", "/auth/login", form=f) for c, f in zip(clients, form, strict=True)]
    )
    assert [r.status for r in replies] == [302] * len(PEOPLE), [r.body[:200] for r in replies]
    with concurrent_app.app_context():
        logins = db.session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "auth.login")
        )
        total = db.session.scalar(select(func.count()).select_from(AuditEvent))
        shared = db.session.execute(
            select(AuditEvent.prev_hash).group_by(AuditEvent.prev_hash).having(func.count() > 1)
        ).all()
        state = verify_chain()
    assert logins >= len(PEOPLE) and total >= before + len(PEOPLE)
    assert shared == []
    assert state.intact and state.verified == total, state


def test_transactions_holding_their_entry_still_link_one_after_another(concurrent_app, served_county):
    """Each transaction appends, then waits before committing: the next one must wait for that commit and link to
    the entry it made (without the lock they would all link to the same predecessor)."""

    def append(n: int) -> Callable[[Callable[[], object]], None]:
        def run(go: Callable[[], object]) -> None:
            with concurrent_app.app_context():
                go()
                run_in_transaction(lambda: hold(record_event(Actor(None, "10.0.0.1"), "test.race", object_id=n)))
                db.session.remove()

        return run

    def hold(_entry: AuditEvent) -> None:
        time.sleep(HOLD_SECONDS)

    run_together([append(n) for n in range(4)])
    with concurrent_app.app_context():
        racers = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "test.race")).all()
        state = verify_chain()
    assert len(racers) == 4 and len({e.prev_hash for e in racers}) == 4
    assert state.intact, state
