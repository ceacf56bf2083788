"""The audit chain's canonical form: the same entry gives the same bytes however it was read back (issue 18)."""

import hashlib
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from inspection.audit_chain import GENESIS, ChainWalker, canonical_bytes, entry_hash, stored_json


def entry(**changes: object) -> dict:
    fields = {
        "created_at": datetime(2026, 12, 4, 8, 0, 0),
        "actor_id": 7,
        "actor_name": "消防检查员一",
        "ip": "10.0.0.1",
        "action": "facility.update",
        "object_type": "facility",
        "object_id": "3",
        "region_path": "/1/2/",
        "before": {"beds": 40, "name": "旧名"},
        "after": {"name": "新名", "beds": 50},
        "detail": "",
    }
    fields.update(changes)
    return fields


def test_the_canonical_form_is_fixed_byte_for_byte():
    """Pinned: a change of the format would break every chain already stored."""
    expected = (
        '{"action":"facility.update","actor_id":7,"actor_name":"消防检查员一","after":{"beds":50,"name":"新名"},'
        '"before":{"beds":40,"name":"旧名"},"created_at":"2026-12-04T08:00:00.000000","detail":"",'
        '"ip":"10.0.0.1","object_id":"3","object_type":"facility","prev":"' + GENESIS + '",'
        '"region_path":"/1/2/","v":1}'
    )
    assert canonical_bytes(entry(), GENESIS) == expected.encode()
    assert entry_hash(entry(), GENESIS) == hashlib.sha256(expected.encode()).hexdigest()


def test_key_order_and_whole_seconds_do_not_change_the_hash():
    reordered = entry(after={"beds": 50, "name": "新名"})
    assert entry_hash(reordered, GENESIS) == entry_hash(entry(), GENESIS)
    with_micro = entry(created_at=datetime(2026, 12, 4, 8, 0, 0, 5))
    assert entry_hash(with_micro, GENESIS) != entry_hash(entry(), GENESIS)
    assert b'"created_at":"2026-12-04T08:00:00.000005"' in canonical_bytes(with_micro, GENESIS)


def test_every_field_and_the_link_are_covered():
    base = entry_hash(entry(), GENESIS)
    assert entry_hash(entry(detail="x"), GENESIS) != base
    assert entry_hash(entry(actor_id=None), GENESIS) != base
    assert entry_hash(entry(before=None), GENESIS) != base
    assert entry_hash(entry(), "1" * 64) != base


def test_what_is_hashed_is_what_a_json_column_gives_back():
    assert stored_json({1: (1, 2), "x": None}) == {"1": [1, 2], "x": None}
    assert stored_json(None) is None
    with pytest.raises(TypeError):
        stored_json({"amount": Decimal("1.50")})  # the caller states it as a string
    with pytest.raises(ValueError):
        stored_json({"ratio": float("nan")})
    with pytest.raises(ValueError):
        canonical_bytes(entry(created_at=datetime(2026, 12, 4, tzinfo=UTC)), GENESIS)


def test_the_walker_names_the_first_entry_that_does_not_match():
    first = entry_hash(entry(), GENESIS)
    second = entry_hash(entry(detail="2"), first)
    walker = ChainWalker()
    assert walker.check(1, entry(), GENESIS, first) == ""
    assert "改动" in walker.check(2, entry(detail="edited"), first, second)
    assert walker.state(2).verified == 1 and walker.state(2).broken_at == 2
    relinked = ChainWalker()
    relinked.check(1, entry(), GENESIS, first)
    assert "链接" in relinked.check(3, entry(detail="3"), "f" * 64, "0" * 64)
