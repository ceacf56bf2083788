"""The audit log's hash chain: the canonical bytes of an entry and its hash. Pure: no Flask, no database.

Each entry's hash covers its fields and the previous entry's hash, so editing, deleting, inserting or reordering an
entry breaks the chain from that entry on. The serialisation is fixed (version 1) and gives the same bytes whether the
entry was read back from SQLite or PostgreSQL:

- a JSON object with sorted keys, no whitespace (separators ``,`` and ``:``), non-ASCII characters as themselves,
  encoded as UTF-8; NaN and infinities are refused;
- ``created_at`` as naive UTC ``YYYY-MM-DDTHH:MM:SS.ffffff`` (always six fraction digits: both databases keep
  microseconds, and a whole second must not print differently from one with a fraction);
- ``before``/``after`` as JSON values in the form a JSON column gives back (see `stored_json`): dict keys are strings,
  tuples are lists, so what is hashed at append is what is read at verify; a Decimal or a date is refused there;
- ``None`` as JSON ``null``; integers as integers; everything else as strings.

The first entry links to GENESIS (64 zeros).
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from inspection.i18n import N_

CANONICAL_VERSION = 1
GENESIS = "0" * 64

#: The entry fields the hash covers, besides the previous hash and the version.
HASHED_FIELDS = (
    "created_at",
    "actor_id",
    "actor_name",
    "ip",
    "action",
    "object_type",
    "object_id",
    "region_path",
    "before",
    "after",
    "detail",
)


def stored_json(value: Any) -> Any:
    """Return `value` as a JSON column gives it back: the form that is both stored and hashed.

    :raises TypeError: a value JSON cannot hold (a Decimal, a date): the caller converts it to a string first.
    :raises ValueError: NaN or an infinity.
    """
    if value is None:
        return None
    return json.loads(json.dumps(value, ensure_ascii=False, allow_nan=False))


def canonical_bytes(fields: dict[str, Any], previous_hash: str) -> bytes:
    """Return the version-1 canonical serialisation of an entry's fields linked to `previous_hash`."""
    created_at: datetime = fields["created_at"]
    if created_at.tzinfo is not None:
        raise ValueError("audit timestamps are naive UTC")
    document = {name: fields[name] for name in HASHED_FIELDS}
    document["created_at"] = created_at.isoformat(timespec="microseconds")
    document["v"] = CANONICAL_VERSION
    document["prev"] = previous_hash
    text = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.encode("utf-8")


def entry_hash(fields: dict[str, Any], previous_hash: str) -> str:
    """Return the SHA-256 (hex) of an entry's canonical bytes."""
    return hashlib.sha256(canonical_bytes(fields, previous_hash)).hexdigest()


@dataclass(frozen=True, slots=True)
class ChainState:
    """What a walk of the chain found.

    :ivar verified: how many entries matched, from the first on.
    :ivar last_id: the id of the last entry that matched (None when none did).
    :ivar broken_at: the id of the first entry that does not match (None when the chain is whole).
    :ivar reason: why that entry does not match, in Chinese (marked for translation where it is shown).
    """

    verified: int
    last_id: int | None
    broken_at: int | None = None
    reason: str = ""

    @property
    def intact(self) -> bool:
        """Whether every entry matched."""
        return self.broken_at is None


class ChainWalker:
    """Checks entries one at a time in id order, remembering only the previous hash: memory stays flat."""

    def __init__(self) -> None:
        self.previous_hash = GENESIS
        self.verified = 0
        self.last_id: int | None = None

    def check(self, entry_id: int, fields: dict[str, Any], prev_hash: str | None, own_hash: str | None) -> str:
        """Return "" when the entry links to the one before and its hash matches its fields, else the reason."""
        if prev_hash != self.previous_hash:
            return N_("与前一条记录的链接不符（前一条被删除、插入或改动）")
        if own_hash != entry_hash(fields, self.previous_hash):
            return N_("记录内容与其哈希不符（记录被改动）")
        self.previous_hash, self.last_id = own_hash, entry_id
        self.verified += 1
        return ""

    def state(self, broken_at: int | None = None, reason: str = "") -> ChainState:
        """Return the state of the walk so far, broken at `broken_at` when given."""
        return ChainState(self.verified, self.last_id, broken_at, reason)
