"""The hash-chained audit log (issue 18): an entry edited, deleted or cut off the end in the database is found by
`flask audit verify` and on the admin's audit page, which name the entry."""

import pytest
from sqlalchemy import select, text

from inspection.extensions import db
from inspection.models import AuditEvent
from inspection.services import Actor
from inspection.services.audit import record_event, verify_chain

pytestmark = pytest.mark.usefixtures("cast")


def three_events() -> list[int]:
    """Three new entries at the end of the chain; their ids."""
    actor = Actor(None, "10.0.0.9")
    ids = [
        record_event(actor, "test.chain", object_type="facility", object_id=n, before={"n": n}, after={"n": n + 1}).id
        for n in range(3)
    ]
    db.session.commit()
    return ids


def cli_verify(runner) -> tuple[int, str]:
    result = runner.invoke(args=["audit", "verify"])
    return result.exit_code, result.output


def test_an_untouched_log_verifies_whole(runner):
    three_events()
    total = db.session.scalar(select(db.func.count()).select_from(AuditEvent))
    state = verify_chain()
    assert state.intact and state.verified == total
    code, output = cli_verify(runner)
    assert code == 0 and f"{total} audit entries verified" in output


def test_an_edited_detail_is_found_and_named(runner):
    first, middle, _ = three_events()
    db.session.execute(
        text("UPDATE audit_events SET after = :after WHERE id = :id"), {"after": '{"n": 99}', "id": middle}
    )
    db.session.commit()
    state = verify_chain()
    assert not state.intact and state.broken_at == middle and state.last_id == first
    code, output = cli_verify(runner)
    assert code == 1 and f"BROKEN at audit entry {middle}" in output and "改动" in output


def test_an_entry_deleted_from_the_middle_breaks_the_link_of_the_next(runner):
    _, middle, last = three_events()
    db.session.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": middle})
    db.session.commit()
    state = verify_chain(batch=2)  # the walk continues across batches
    assert state.broken_at == last and "链接" in state.reason
    assert cli_verify(runner)[0] == 1


def test_the_last_entry_cut_off_is_found_from_the_head(runner):
    *_, last = three_events()
    db.session.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": last})
    db.session.commit()
    state = verify_chain()
    assert state.broken_at == last and "链尾" in state.reason
    code, output = cli_verify(runner)
    assert code == 1 and f"entry {last}" in output


def test_a_value_the_json_column_changes_is_hashed_as_stored():
    """Integer keys come back as strings and tuples as lists: the chain hashes what is stored."""
    record_event(Actor(None, "10.0.0.9"), "test.chain", after={1: ("a", "b")})
    db.session.commit()
    db.session.expire_all()
    assert verify_chain().intact


def test_the_admin_page_shows_whether_the_chain_holds(client, login):
    *_, last = three_events()
    login("admin")
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "哈希链完整" in page
    db.session.execute(text("UPDATE audit_events SET detail = 'edited' WHERE id = :id"), {"id": last})
    db.session.commit()
    page = client.get("/admin/audit").get_data(as_text=True)
    assert f"哈希链在第 {last} 条记录处断开" in page
