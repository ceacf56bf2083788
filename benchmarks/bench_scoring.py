"""Benchmark the scoring engine against a plain points-summing loop.

Usage: ``.venv/bin/python benchmarks/bench_scoring.py [--n 100000] [--seed 20250101]``

Generates ``n`` random answer sets for the largest shipped checklist (seeded, not timed),
then times :func:`inspection.scoring.score` over all of them and a plain loop that only
sums the points of passed items over the same data, and prints both times per
inspection and their ratio.
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from inspection.checklists import Checklist, load_shipped
from inspection.scoring import Answer, AnswerResult, FacilityFacts, score


def generate(checklist: Checklist, n: int, seed: int) -> list[dict[str, Answer]]:
    """Return ``n`` random answer sets: mostly passes, some fails (with or without a
    deduction), some N/A where allowed and a few unanswered items."""
    rng = random.Random(seed)
    items = list(checklist.items())
    answer_sets = []
    for _ in range(n):
        answers: dict[str, Answer] = {}
        for item in items:
            roll = rng.random()
            if roll < 0.02:
                continue
            if roll < 0.12 and item.na_allowed:
                answers[item.code] = Answer(AnswerResult.NA)
            elif roll < 0.30:
                deduction = rng.choice([None, None, rng.randint(0, item.points), Decimal(item.points) / 2])
                answers[item.code] = Answer(AnswerResult.FAIL, deduction=deduction, note="发现问题")
            else:
                answers[item.code] = Answer(AnswerResult.PASS)
        answer_sets.append(answers)
    return answer_sets


def plain_sum(points: dict[str, int], answer_sets: list[dict[str, Answer]]) -> int:
    """The baseline: for each answer set, sum the points of the passed items."""
    passed = AnswerResult.PASS
    grand_total = 0
    for answers in answer_sets:
        total = 0
        for code, answer in answers.items():
            if answer.result is passed:
                total += points[code]
        grand_total += total
    return grand_total


def time_both(
    checklist: Checklist, facts: FacilityFacts, answer_sets: list[dict[str, Answer]], points: dict[str, int]
) -> tuple[Counter[str], float, float]:
    """Time the engine and the plain loop over the same data; return verdict counts and both times."""
    # As timeit does: no garbage collection while timing. The generated answers are
    # millions of long-lived objects that a full collection would otherwise rescan.
    gc.collect()
    gc.freeze()
    gc.disable()
    try:
        verdicts: Counter[str] = Counter()
        start = time.perf_counter()
        for answers in answer_sets:
            verdicts[score(checklist, answers, facts).verdict] += 1
        engine_seconds = time.perf_counter() - start
        start = time.perf_counter()
        plain_sum(points, answer_sets)
        plain_seconds = time.perf_counter() - start
    finally:
        gc.enable()
    return verdicts, engine_seconds, plain_seconds


def main() -> None:
    """Parse arguments, generate data, time both loops and print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="number of inspections")
    parser.add_argument("--seed", type=int, default=20250101)
    args = parser.parse_args()

    shipped = load_shipped()
    checklist = max(shipped.checklists.values(), key=lambda c: sum(1 for _ in c.items()))
    facts = FacilityFacts(
        has_canteen=True,
        has_medical_unit=True,
        has_special_equipment=True,
        has_campus_roads=True,
        beds=100,
        residents=80,
    )
    answer_sets = generate(checklist, args.n, args.seed)
    points = {item.code: item.points for item in checklist.items()}
    print(f"checklist: {checklist.code} ({len(points)} items, {len(checklist.sections)} sections), n = {args.n}")

    verdicts, engine_seconds, plain_seconds = time_both(checklist, facts, answer_sets, points)
    engine_us = engine_seconds / args.n * 1e6
    plain_us = plain_seconds / args.n * 1e6
    print(f"engine score():    {engine_seconds:8.3f} s total, {engine_us:7.2f} µs per inspection")
    print(f"plain points sum:  {plain_seconds:8.3f} s total, {plain_us:7.2f} µs per inspection")
    print(f"ratio engine/plain: {engine_seconds / plain_seconds:.2f}x")
    print(f"verdicts: {dict(sorted(verdicts.items()))}")


if __name__ == "__main__":
    main()
