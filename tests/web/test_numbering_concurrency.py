"""Document numbers stay unique and gapless when several inspectors issue at the same moment.

Runs with real commits on a separate database (the `concurrent_app` fixture).
"""

import time

from inspection.extensions import db
from inspection.services.numbering import last_sequence, next_sequence
from inspection.transactions import run_in_transaction
from tests.conftest import run_together

THREADS, PER_THREAD = 4, 5


def test_numbers_issued_at_the_same_moment_are_unique_and_gapless(concurrent_app):
    def allocate() -> int:
        number = next_sequence("五民养整", 2026)
        time.sleep(0.01)  # hold the transaction open, as rendering the PDF does
        return number

    def issuer(go) -> list[int]:
        with concurrent_app.app_context():
            go()
            return [run_in_transaction(allocate) for _ in range(PER_THREAD)]

    issued = [number for numbers in run_together([issuer] * THREADS) for number in numbers]
    assert sorted(issued) == list(range(1, THREADS * PER_THREAD + 1))
    with concurrent_app.app_context():
        assert last_sequence("五民养整", 2026) == THREADS * PER_THREAD
        assert last_sequence("五民养整", 2027) == 0


def test_a_rolled_back_issue_gives_its_number_back(concurrent_app):
    with concurrent_app.app_context():
        assert run_in_transaction(lambda: next_sequence("五消养整", 2026)) == 1
        next_sequence("五消养整", 2026)
        db.session.rollback()  # e.g. rendering the PDF failed
        assert run_in_transaction(lambda: next_sequence("五消养整", 2026)) == 2
