"""Time the scoring engine on the largest shipped checklist against the user's budget.

Usage: ``.venv/bin/python benchmarks/bench_scoring.py [--n 2000] [--seed 20250101]``

The budget is what an inspector notices: scoring the largest checklist (the most items)
must take well under 1 ms. The script generates ``n`` random answer sets per shipped
checklist (seeded, not timed), times :func:`inspection.scoring.score` on each one and
prints the median and the 95th percentile per inspection, in milliseconds. It prints
measured figures only; it asserts nothing about timing, which depends on the machine.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from inspection.checklists import Checklist, load_shipped
from inspection.scoring import Answer, AnswerResult, FacilityFacts, score

#: The user's budget for scoring one inspection of the largest checklist.
BUDGET_MS = 1.0
FACTS = FacilityFacts(
    has_canteen=True,
    has_medical_unit=True,
    has_special_equipment=True,
    has_campus_roads=True,
    is_key_fire_unit=True,
    beds=100,
    residents=80,
    offers_ten_services=True,
)


def generate(checklist: Checklist, n: int, seed: int) -> list[dict[str, Answer]]:
    """Return ``n`` random answer sets: mostly passes, some fails (with or without a
    deduction), some N/A where allowed and a few unanswered items."""
    rng = random.Random(seed)
    answer_sets = []
    for _ in range(n):
        answers: dict[str, Answer] = {}
        for item in checklist.items():
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


def time_scoring(checklist: Checklist, answer_sets: list[dict[str, Answer]]) -> list[float]:
    """Score each answer set once (after a short warm-up) and return the times in milliseconds."""
    for answers in answer_sets[:50]:
        score(checklist, answers, FACTS)
    times = []
    for answers in answer_sets:
        start = time.perf_counter()
        score(checklist, answers, FACTS)
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> None:
    """Parse arguments, time every shipped checklist and print the figures against the budget."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="answer sets per checklist")
    parser.add_argument("--seed", type=int, default=20250101)
    args = parser.parse_args()

    checklists = [checklist for checklist in load_shipped().checklists.values() if any(checklist.items())]
    checklists.sort(key=lambda checklist: sum(1 for _ in checklist.items()), reverse=True)
    largest = checklists[0]
    print(f"budget: scoring the largest checklist takes well under {BUDGET_MS:g} ms; n = {args.n} per checklist")
    print(f"{'checklist':<20} {'items':>5} {'median ms':>10} {'p95 ms':>8}")
    medians = {}
    for checklist in checklists:
        times = time_scoring(checklist, generate(checklist, args.n, args.seed))
        medians[checklist.code] = statistics.median(times)
        p95 = statistics.quantiles(times, n=20)[-1]
        items = sum(1 for _ in checklist.items())
        print(f"{checklist.code:<20} {items:>5} {medians[checklist.code]:>10.4f} {p95:>8.4f}")
    median = medians[largest.code]
    share = median / BUDGET_MS * 100
    print(f"largest checklist ({largest.code}): median {median:.4f} ms per inspection, {share:.1f}% of the budget")


if __name__ == "__main__":
    main()
