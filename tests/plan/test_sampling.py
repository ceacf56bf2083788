"""The 双随机 draw itself: the same seed and candidates give the same result, whatever order they come in."""

import random

import pytest

from inspection.sampling import SEED_PATTERN, Pick, draw, new_seed

SEED = "0123456789abcdef0123456789abcdef"
FACILITIES = list(range(100, 130))
POOL = [7, 3, 11, 5, 9]


def test_the_same_seed_and_candidates_give_the_same_draw_in_any_order():
    first = draw(SEED, FACILITIES, POOL, 5, 2)
    shuffled_facilities, shuffled_pool = FACILITIES[:], POOL[:]
    random.Random(1).shuffle(shuffled_facilities)
    random.Random(2).shuffle(shuffled_pool)
    assert draw(SEED, shuffled_facilities, shuffled_pool, 5, 2) == first


def test_the_draw_is_the_documented_steps():
    rng = random.Random(int(SEED, 16))
    facilities = rng.sample(sorted(FACILITIES), 3)
    expected = [Pick(f, tuple(rng.sample(sorted(POOL), 2))) for f in facilities]
    assert draw(SEED, FACILITIES, POOL, 3, 2) == expected


def test_a_draw_picks_distinct_facilities_and_distinct_inspectors_per_facility():
    picks = draw(SEED, FACILITIES, POOL, 30, 5)
    assert sorted(p.facility_id for p in picks) == FACILITIES
    assert all(sorted(p.inspector_ids) == sorted(POOL) for p in picks)


def test_another_seed_gives_another_draw():
    draws = {tuple(draw(new_seed(), FACILITIES, POOL, 5, 2)) for _ in range(5)}
    assert len(draws) > 1


def test_seeds_come_from_a_secure_source_and_differ():
    seeds = {new_seed() for _ in range(100)}
    assert len(seeds) == 100 and all(SEED_PATTERN.fullmatch(s) for s in seeds)


@pytest.mark.parametrize(
    ("seed", "facilities", "pool", "count", "per"),
    [
        ("xyz", FACILITIES, POOL, 1, 2),
        (SEED.upper(), FACILITIES, POOL, 1, 2),
        (SEED, FACILITIES, POOL, 31, 2),
        (SEED, FACILITIES, POOL, 0, 2),
        (SEED, FACILITIES, POOL, 1, 6),
        (SEED, [1, 1, 2], POOL, 1, 2),
    ],
)
def test_impossible_draws_are_refused(seed, facilities, pool, count, per):
    with pytest.raises(ValueError):
        draw(seed, facilities, pool, count, per)
