"""The randomized phone inspector of tests/browser/phone_fuzz.py, many runs: random edits, photos and signatures,
0–1500 ms of latency per API request, offline periods, reloads and reopened tabs, each run then compared with what
the server holds. Prints lost / duplicated / self-conflict counts per run and in total (all must be 0).

Usage: .venv/bin/python benchmarks/sync_fuzz.py [--runs 50] [--steps 30] [--first-seed 1000] [--database-url URL]
Default database: a temporary SQLite file. A PostgreSQL URL must name a throw-away database: its public schema is
dropped and rebuilt.
"""

import argparse
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flask_migrate import upgrade
from werkzeug.serving import make_server

from inspection import create_app
from inspection.demo.seed import seed_demo_county
from inspection.extensions import db
from inspection.passwords import use_fast_hashing
from inspection.services import Actor
from inspection.services.checklists import import_shipped_checklists
from tests.browser.phone_fuzz import plan_fire_inspection, run_seeds, server_state


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--first-seed", type=int, default=1000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    use_fast_hashing()
    folder = tempfile.mkdtemp()
    from tests.signing.keys import make_test_keys

    os.environ.update(make_test_keys(Path(folder)).environ)  # the demo county's history issues signed notices
    url = args.database_url or f"sqlite:///{folder}/fuzz.sqlite"
    app = create_app(
        {
            "SECRET_KEY": "x" * 40,
            "SQLALCHEMY_DATABASE_URI": url,
            "SESSION_COOKIE_SECURE": False,
            "REMEMBER_COOKIE_SECURE": False,
        },
        instance_path=folder,
    )
    with app.app_context():
        if url.startswith("postgresql"):
            with db.engine.begin() as connection:
                connection.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        upgrade()
        import_shipped_checklists(Actor(None, "fuzz"))
        seed_demo_county()
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base_url = f"http://127.0.0.1:{server.server_port}"
    database = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    print(f"sync fuzz: {args.runs} runs × {args.steps} steps on {database}, latency 0–1500 ms per API request")
    totals = {"actions": 0, "lost": 0, "duplicated": 0, "self_conflicts": 0}
    started = time.perf_counter()
    for seed in range(args.first_seed, args.first_seed + args.runs):
        (outcome,) = run_seeds(
            base_url,
            [seed],
            plan=lambda: plan_fire_inspection(app),
            read_server=lambda inspection_id: server_state(app, inspection_id),
            steps=args.steps,
        )
        counts = {
            "actions": outcome.actions,
            "lost": len(outcome.lost),
            "duplicated": len(outcome.duplicated),
            "self_conflicts": outcome.self_conflicts,
        }
        for name, count in counts.items():
            totals[name] += count
        print(f"seed {seed}: " + ", ".join(f"{name} {count}" for name, count in counts.items()), flush=True)
        for line in outcome.lost + outcome.duplicated:
            print(f"    {line}", flush=True)
    server.shutdown()
    print(
        f"total over {args.runs} runs ({time.perf_counter() - started:.0f} s): {totals['actions']} actions, "
        f"lost {totals['lost']}, duplicated {totals['duplicated']}, conflicts with oneself {totals['self_conflicts']}"
    )
    sys.exit(1 if totals["lost"] or totals["duplicated"] or totals["self_conflicts"] else 0)


if __name__ == "__main__":
    main()
