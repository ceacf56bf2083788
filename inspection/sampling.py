"""双随机、一公开: draw facilities at random from a filtered list and, for each, inspectors at random from a
department's pool, reproducibly from a recorded seed. Pure: no Flask, no database.

How to reproduce a draw (what the draw's page and the public page state): take the stored seed (32 hexadecimal
digits), the stored candidate facility ids and inspector ids, and the two counts; sort both lists by id ascending;
make ``random.Random(int(seed, 16))``; ``sample`` the facilities, then, for each drawn facility in the order drawn,
``sample`` its inspectors from the whole pool. CPython's ``random`` (Mersenne Twister) gives the same result for the
same seed and inputs on every platform; :func:`draw` is exactly these steps.

The seed comes from :func:`new_seed` (the operating system's secure source) unless one is given, so nobody picks a
seed that yields a convenient result; it is stored before anything else is done with it.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from random import Random

#: A seed: 128 bits as 32 lower-case hexadecimal digits.
SEED_PATTERN = re.compile(r"[0-9a-f]{32}")


@dataclass(frozen=True)
class Pick:
    """One drawn facility and the inspectors drawn for it, in the order drawn."""

    facility_id: int
    inspector_ids: tuple[int, ...]


def new_seed() -> str:
    """Return a fresh seed from the operating system's secure random source."""
    return secrets.token_hex(16)


def draw(
    seed: str,
    facility_ids: Sequence[int],
    inspector_ids: Sequence[int],
    facility_count: int,
    inspectors_per_facility: int,
) -> list[Pick]:
    """Draw `facility_count` facilities and, for each, `inspectors_per_facility` inspectors (an inspector may be
    drawn for several facilities, never twice for one).

    :param seed: 32 hexadecimal digits (`new_seed`).
    :param facility_ids: the candidate facilities; their order does not matter (they are sorted by id first).
    :param inspector_ids: the department's pool; likewise.
    :raises ValueError: a malformed seed, duplicate candidates, or more to draw than there are candidates.
    """
    if not SEED_PATTERN.fullmatch(seed):
        raise ValueError("the seed must be 32 lower-case hexadecimal digits")
    facilities, pool = sorted(facility_ids), sorted(inspector_ids)
    if len(set(facilities)) != len(facilities) or len(set(pool)) != len(pool):
        raise ValueError("a candidate is listed twice")
    if not 1 <= facility_count <= len(facilities) or not 1 <= inspectors_per_facility <= len(pool):
        raise ValueError("more to draw than there are candidates")
    rng = Random(int(seed, 16))
    drawn = rng.sample(facilities, facility_count)
    return [Pick(facility_id, tuple(rng.sample(pool, inspectors_per_facility))) for facility_id in drawn]
