"""The phone form under a randomized inspector (tests/browser/phone_fuzz.py): nothing lost, nothing doubled, no
conflict with oneself. A few seeds here; `benchmarks/sync_fuzz.py --runs 50` runs many."""

from flask import Flask

from tests.browser.phone_fuzz import plan_fire_inspection, run_seeds, server_state

SEEDS = [11, 12, 13]


def test_random_edits_offline_periods_and_reloads_lose_and_double_nothing(live_app: Flask, live_server: str):
    outcomes = run_seeds(
        live_server,
        SEEDS,
        plan=lambda: plan_fire_inspection(live_app),
        read_server=lambda inspection_id: server_state(live_app, inspection_id),
    )
    for outcome in outcomes:
        assert outcome.actions > 0
        assert (outcome.lost, outcome.duplicated, outcome.self_conflicts) == ([], [], 0), f"seed {outcome.seed}"
