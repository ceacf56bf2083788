"""Document numbers stay unique and gapless when several inspectors issue at the same moment.

Runs with real commits on a separate database (the `concurrent_app` fixture).
"""

import threading
import time

from inspection.extensions import db
from inspection.services.numbering import last_sequence, next_sequence
from inspection.transactions import run_in_transaction

THREADS, PER_THREAD = 4, 5


def test_numbers_issued_at_the_same_moment_are_unique_and_gapless(concurrent_app):
    start = threading.Barrier(THREADS)
    issued: list[int] = []
    errors: list[BaseException] = []

    def issuer():
        try:
            with concurrent_app.app_context():
                start.wait()
                for _ in range(PER_THREAD):

                    def allocate():
                        number = next_sequence("五民养整", 2026)
                        time.sleep(0.01)  # hold the transaction open, as rendering the PDF does
                        return number

                    issued.append(run_in_transaction(allocate))
        except BaseException as error:  # reported below, so a failing thread fails the test
            errors.append(error)

    threads = [threading.Thread(target=issuer) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
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
