"""The rank numbers of a region's league table, kept by the server process while the stored keys stand.

A filtered or re-sorted page shows each row's place in the whole table of the region, and numbering every key of a
province (20,000 and more) for each page costs more than the rest of the page. So the numbers of a region are
computed once from the stored keys, in the ranking rule's order, and kept with the count of committed key changes
(``RankKeysVersion``) read *before* them: numbers computed while a change commits are labelled with the count
before it and never outlive it. A later page reads the count (one row) and uses the kept numbers while it stands;
a transaction that changed keys itself (not committed yet) computes them afresh and keeps nothing.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from sqlalchemy import select

from inspection.extensions import db
from inspection.models import RankKeysVersion, User
from inspection.services.rankings.query import _keys, _rank_order, dialect_name, query_params
from inspection.services.rankings.stored import changed_uncommitted

#: Regions whose numbers a process keeps at once (a 20,000-facility region's take about 2 MB).
KEPT_REGIONS = 8

#: By region id: the count of key changes the numbers were computed after, and the numbers.
_kept: OrderedDict[int, tuple[int, dict[int, int]]] = OrderedDict()
_lock = threading.Lock()


def rank_positions(user: User) -> dict[int, int]:
    """Return the rank of every facility of `user`'s region in the whole table of that region, by facility id,
    from the stored keys (use it only when they hold: ``stored.usable_on``)."""
    session = db.session
    version = None if changed_uncommitted(session) else session.scalar(select(RankKeysVersion.version))
    if version is not None:
        with _lock:
            held = _kept.get(user.region_id)
            if held and held[0] == version:
                _kept.move_to_end(user.region_id)
                return held[1]
    keys = _keys(dialect_name(), (), stored=True)
    ordered = session.scalars(select(keys.c.facility_id).order_by(*_rank_order(keys)), query_params(user))
    positions = {facility_id: place for place, facility_id in enumerate(ordered, 1)}
    if version is not None:
        with _lock:
            _kept[user.region_id] = (version, positions)
            _kept.move_to_end(user.region_id)
            while len(_kept) > KEPT_REGIONS:
                _kept.popitem(last=False)
    return positions
