"""Benchmark the league table and its exports on SQLite and PostgreSQL.

Usage::

    .venv/bin/python benchmarks/bench_rankings.py                      # 100 × 5 on SQLite, 20,000 × 5 on PostgreSQL
    .venv/bin/python benchmarks/bench_rankings.py --skip-postgres
    .venv/bin/python benchmarks/bench_rankings.py --database-url postgresql+psycopg://…/db   # an empty database
    .venv/bin/python benchmarks/bench_rankings.py --skip-sqlite --reuse   # the PostgreSQL county of a previous run

For each database: migrate, import the checklists, generate a synthetic county (``flask demo generate``), then
time through the Flask test client (in process) every view of the ranking page (its first and a deep page, each
filter the page offers, each sort including the trend; :func:`page_views`) against the aim of issue 16 (p50 ≤ 50 ms
at 20,000 facilities on PostgreSQL), and the Excel and CSV exports of all rows (with the time to their first byte,
beside issue 16's aims); print medians and p95, and the ratio of the ranking page to executing the page's own SQL
with the raw DB-API cursor (no ORM, no trends, no template). On PostgreSQL it also measures the Excel export's peak
Python memory (tracemalloc) for 2,000 and 20,000 rows. Without
--database-url the PostgreSQL run uses ``scripts/test-postgres.sh`` with the throw-away database
``careinspect_bench`` (dropped and re-created; the environment variable CAREINSPECT_BENCH_DB names another).
Generating 20,000 facilities takes minutes: ``--reuse`` keeps the PostgreSQL database a previous run generated
(with the same sizes), only migrating it.
Each run also times ``/healthz`` (the cheapest request) so figures from a busy machine can be read against it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import date
from itertools import islice
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import select, update  # noqa: E402

from inspection import create_app  # noqa: E402
from inspection.demo.county import DEMO_PASSWORD  # noqa: E402
from inspection.demo.generate import generate_dataset  # noqa: E402
from inspection.extensions import db  # noqa: E402
from inspection.models import FacilityType, Ownership, RankKeysVersion, Region, RegionLevel, User  # noqa: E402
from inspection.passwords import use_fast_hashing  # noqa: E402
from inspection.services import Actor  # noqa: E402
from inspection.services.checklists import import_shipped_checklists  # noqa: E402
from inspection.services.exports import ranking_xlsx  # noqa: E402
from inspection.services.rankings import (  # noqa: E402
    RankingFilters,
    count_rows,
    iter_ranking,
    page_statement,
    query_params,
    safety_kinds,
    sort_keys,
)
from inspection.services.rankings.stored import usable_on  # noqa: E402
from inspection.templating import label  # noqa: E402


def build_app(url: str):
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "benchmark-secret-key-that-is-long-enough-0123456789",
            "SQLALCHEMY_DATABASE_URI": url,
            "WTF_CSRF_ENABLED": False,
            "SESSION_COOKIE_SECURE": False,
        }
    )


def prepare(app, facilities: int, years: int, reuse: bool = False) -> tuple[str, float]:
    """Create the schema and a synthetic county; return the reviewer's username and the generation time. With
    `reuse`, only migrate a county generated before."""
    with app.app_context():
        if reuse:
            upgrade()
            reviewer = db.session.scalar(select(User.username).where(User.username.like("synth%_reviewer")))
            assert reviewer, "no synthetic county to reuse: run once without --reuse"
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.exec_driver_sql("VACUUM ANALYZE")
            print(f"  reusing the synthetic county of {reviewer}")
            return reviewer, 0.0
        with db.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        upgrade()
        import_shipped_checklists(Actor(None, "bench"))
        db.session.commit()
        started = time.perf_counter()
        summary = generate_dataset(facilities, years, seed=2026)
        db.session.commit()
        elapsed = time.perf_counter() - started
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE" if connection.dialect.name == "postgresql" else "ANALYZE")
        counts = summary["counts"]
        print(
            f"  generated {facilities} facilities × {years} years in {elapsed:.1f} s: "
            + ", ".join(f"{counts[k]} {k}" for k in ("inspections", "inspection_checklists", "hazards"))
        )
        return summary["reviewer"], elapsed


def timed(fn, repeat: int) -> list[float]:
    fn()  # warm-up
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def timed_after_a_change(app, fn, repeat: int) -> list[float]:
    """Time `fn` as :func:`timed` does, each time after a committed change of the stored keys (counted as every
    change counts: rank_keys_version up by one), not timing the change."""
    samples = []
    for _ in range(repeat):
        with app.app_context():
            table = RankKeysVersion.__table__
            db.session.execute(update(table).values(version=table.c.version + 1))
            db.session.commit()
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


#: Issue 16's aim for every view of the ranking page: the median at 20,000 facilities on PostgreSQL.
AIM_MS = 50.0


def report(name: str, samples: list[float], aim: float | None = None) -> float:
    median = statistics.median(samples)
    p95 = sorted(samples)[max(0, int(len(samples) * 0.95) - 1)]
    verdict = "" if aim is None else f"   aim ≤ {aim:.0f} ms: {'met' if median <= aim else 'MISSED'}"
    print(f"  {name:<44} p50 {median:8.1f} ms   p95 {p95:8.1f} ms   (n={len(samples)}){verdict}")
    return median


def page_views(township: int, last_page: int, kinds: tuple[str, ...]) -> list[tuple[str, str]]:
    """Every view of the ranking page worth timing apart, as (name, query string): the first and the last page,
    each filter the page's form offers (a grade and a group for the grade filter), two combined, and each sort of
    its columns and its sort menu (the safety verdicts' columns sort by their dates), in the direction a second
    click gives where that is a different query."""
    filters = [
        ("first page", ""),
        (f"deep page (page={last_page})", f"page={last_page}"),
        ("filter township", f"township={township}"),
        ("filter type", "type=nursing_home"),
        ("filter ownership", "ownership=private"),
        ("filter grade=2", "grade=2"),
        ("filter grade=pending (a group)", "grade=pending"),
        ("filter overdue", "overdue=1"),
        ("filter last inspected from/to", f"from={date.today().year - 1}-01-01&to={date.today().isoformat()}"),
        ("filter name (q)", "q=养老"),
        ("filter township+type", f"township={township}&type=nursing_home"),
        ("filter grade=2+overdue", "grade=2&overdue=1"),
    ]
    sorts = [(f"sort {key}", f"sort={key}&dir=desc" if key == "trend" else f"sort={key}") for key in sort_keys(kinds)]
    return [*filters, *sorts, ("sort rank descending", "sort=rank&dir=desc")]


def get(client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    response.get_data()


#: Issue 16's aims for exporting 20,000 rows.
CSV_AIM_MS, EXCEL_AIM_MS = 1_000, 3_000


def first_byte(client, path: str) -> None:
    """Request `path` and read its first piece only (the export streams: the rest is not produced)."""
    response = client.get(path, buffered=False)
    assert response.status_code == 200, (path, response.status_code)
    next(iter(response.response))
    response.close()


def raw_select(app, username: str, filters: RankingFilters, page: int):
    """Return a function that executes the page's SQL (after the count) through the raw DB-API cursor and fetches the
    rows (no ORM, trends or template), and the raw connection to close afterwards."""
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        stored = usable_on(date.today())
        total = count_rows(user, filters, stored=stored)  # as the page counts first
        stmt = page_statement(filters, "rank", "asc", page, 50, total, stored=stored)
        compiled = stmt.compile(dialect=db.engine.dialect)
        state = compiled.construct_expanded_state(query_params(user, date.today()))
        sql = state.statement
        params = state.positional_parameters if compiled.positional else state.parameters
        raw = db.engine.raw_connection()

    def run() -> None:
        cursor = raw.cursor()
        cursor.execute(sql, params)
        cursor.fetchall()
        cursor.close()

    return run, raw


def bench(url: str, facilities: int, years: int, repeat: int, memory: bool, reuse: bool = False) -> None:
    app = build_app(url)
    reviewer, _ = prepare(app, facilities, years, reuse)
    client = app.test_client()
    response = client.post("/auth/login", data={"username": reviewer, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    with app.app_context():
        township = db.session.scalar(
            select(Region.id).where(Region.level == RegionLevel.TOWNSHIP, Region.name.like("合成%")).limit(1)
        )
        kinds = safety_kinds()
    deep = -(-facilities // 50)  # the last page
    healthz = report("/healthz (for scale: the machine's load)", timed(lambda: get(client, "/healthz"), repeat))
    aim = AIM_MS if facilities >= 20_000 else None
    medians = {}
    for name, query in page_views(township, deep, kinds):
        path = f"/rankings/?{query}" if query else "/rankings/"
        medians[name] = report(f"ranking page, {name}", timed(lambda path=path: get(client, path), repeat), aim)
    first_page = medians["first page"]
    met = sum(median <= AIM_MS for median in medians.values())
    slowest = max(medians, key=medians.__getitem__)
    if aim:
        print(
            f"  {met} of {len(medians)} views of the ranking page have p50 ≤ {AIM_MS:.0f} ms; slowest: {slowest} "
            f"{medians[slowest]:.1f} ms; /healthz p50 {healthz:.1f} ms in the same run"
        )
    # The filtered and re-sorted views use the rank numbers the process keeps while no change of the keys has
    # committed (rankings.positions); the first page after a change computes them again.
    afresh = report(
        "ranking page, filter type, after a change",
        timed_after_a_change(app, lambda: get(client, "/rankings/?type=nursing_home"), repeat),
    )
    extra = afresh - medians["filter type"]
    print(f"    (the rank numbers of the region computed again: +{extra:.1f} ms, once per change and process)")
    run, raw = raw_select(app, reviewer, RankingFilters(), 1)
    try:
        select_ms = report("raw SELECT of the first page (same SQL)", timed(run, repeat))
    finally:
        raw.close()
    print(f"  ratio ranking page / raw SELECT: {first_page / select_ms:.2f}")
    export_repeat = max(3, repeat // 3)
    for fmt, name, aim in (("xlsx", "Excel", EXCEL_AIM_MS), ("csv", "CSV", CSV_AIM_MS)):
        path = f"/rankings/export.{fmt}"
        median = report(f"{name} export of all {facilities} rows", timed(lambda p=path: get(client, p), export_repeat))
        first = statistics.median(timed(lambda p=path: first_byte(client, p), export_repeat))
        verdict = "meets" if median <= aim else "MISSES"
        print(f"    first byte after {first:.0f} ms; aim at 20,000 rows ≤ {aim} ms: {verdict} it")
    if memory:
        for rows in (2_000, 20_000):
            if rows <= facilities:
                peak, elapsed = export_memory(app, reviewer, rows)
                print(f"  Excel export of {rows:>6} rows: peak Python memory {peak / 1e6:6.2f} MB, {elapsed:.1f} s")
    with app.app_context():
        db.engine.dispose()


def export_memory(app, username: str, rows: int) -> tuple[int, float]:
    """Write the first `rows` rows of the table to an .xlsx file; return tracemalloc's peak and the time."""
    with app.test_request_context():
        labels = {t.value: label(t, "facility_type") for t in FacilityType} | {
            o.value: label(o, "ownership") for o in Ownership
        }  # as the export view builds them
        user = db.session.scalar(select(User).where(User.username == username))
        tracemalloc.start()
        started = time.perf_counter()
        for _chunk in ranking_xlsx(islice(iter_ranking(user, RankingFilters()), rows), filters=[], labels=labels):
            pass  # sent on and dropped, as the response does
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        db.session.remove()
    return peak, elapsed


def postgres_url(reuse: bool = False) -> str:
    """Return the URL of the benchmark's PostgreSQL database: a fresh one, or with `reuse` the one left before."""
    env = {**os.environ, "CAREINSPECT_TEST_DB": os.environ.get("CAREINSPECT_BENCH_DB", "careinspect_bench")}
    script = ROOT / "scripts" / "test-postgres.sh"
    if reuse:
        name = subprocess.run([str(script), "--name"], check=True, capture_output=True, text=True, env=env).stdout
        return f"postgresql+psycopg://careinspect:careinspect@127.0.0.1:5432/{name.strip()}"
    return subprocess.run([str(script)], check=True, capture_output=True, text=True, env=env).stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sqlite-facilities", type=int, default=100)
    parser.add_argument("--pg-facilities", type=int, default=20_000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--database-url", help="an empty PostgreSQL database (default: a throw-away one)")
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--reuse", action="store_true", help="reuse the PostgreSQL county a previous run generated")
    args = parser.parse_args()
    use_fast_hashing()
    started = time.perf_counter()
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if not args.skip_sqlite:
        with tempfile.TemporaryDirectory() as folder:
            print(f"SQLite, {args.sqlite_facilities} facilities × {args.years} years")
            bench(f"sqlite:///{folder}/bench.sqlite", args.sqlite_facilities, args.years, args.repeat, False)
    if not args.skip_postgres:
        print(f"PostgreSQL, {args.pg_facilities} facilities × {args.years} years")
        url = args.database_url or postgres_url(args.reuse)
        bench(url, args.pg_facilities, args.years, args.repeat, True, args.reuse)
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"total {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
