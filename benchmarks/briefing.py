"""Benchmark: the joint-meeting briefing for a year of data — counting the figures, rendering the PDF, writing the
workbook — on the seeded demo county (五寨县, two years of history) and, optionally, a larger synthetic county.

Usage::

    .venv/bin/python benchmarks/briefing.py                       # the demo county on SQLite, the last 12 months
    .venv/bin/python benchmarks/briefing.py --facilities 300      # and a synthetic county of 300 facilities × 1 year
    .venv/bin/python benchmarks/briefing.py --database-url postgresql+psycopg://…/db   # an empty database

Prints the seeding time, the year's size (inspections, hazards) and, over `--runs` runs after a warm-up, the median
time of each step and of the whole (what the reviewer waits for: figures + PDF, or figures + workbook).
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from inspection import create_app  # noqa: E402
from inspection.briefing import tables  # noqa: E402
from inspection.dates import DateRange  # noqa: E402
from inspection.demo.generate import generate_dataset  # noqa: E402
from inspection.demo.seed import seed_demo_county  # noqa: E402
from inspection.extensions import db  # noqa: E402
from inspection.models import Hazard, Inspection, User  # noqa: E402
from inspection.notices.briefing import BriefingDocument, render_briefing_pdf  # noqa: E402
from inspection.passwords import use_fast_hashing  # noqa: E402
from inspection.services import Actor  # noqa: E402
from inspection.services.briefing import briefing_figures  # noqa: E402
from inspection.services.checklists import import_shipped_checklists  # noqa: E402
from inspection.services.exports import write_briefing_xlsx  # noqa: E402


def build_app(url: str):
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "benchmark-secret-key-that-is-long-enough-0123456789",
            "SQLALCHEMY_DATABASE_URI": url,
        }
    )


def median_ms(fn, runs: int) -> float:
    fn()  # warm-up
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def bench_briefing(username: str, period: DateRange, runs: int) -> None:
    user = db.session.scalar(select(User).where(User.username == username))
    in_year = Inspection.inspected_on.between(period.first, period.last)
    inspections = db.session.scalar(select(func.count(Inspection.id)).where(in_year))
    hazards = db.session.scalar(select(func.count(Hazard.id)).join(Inspection).where(in_year))
    print(f"  {user.region.name}, {period}: {inspections} inspections, {hazards} hazards found")
    figures = briefing_figures(user, period)
    document = BriefingDocument(f"{figures.region}养老服务联席会议通报", "联席会议办公室", date.today(), figures)
    pdf_size = len(render_briefing_pdf(document))
    count = median_ms(lambda: briefing_figures(user, period), runs)
    pdf = median_ms(lambda: render_briefing_pdf(document), runs)
    xlsx = median_ms(lambda: write_briefing_xlsx(tables(figures), io.BytesIO(), about=[("期间", str(period))]), runs)
    print(f"  figures (SQL)          {count:8.1f} ms")
    print(f"  PDF (WeasyPrint)       {pdf:8.1f} ms   ({pdf_size // 1024} KiB)")
    print(f"  workbook (openpyxl)    {xlsx:8.1f} ms")
    print(f"  figures + PDF          {count + pdf:8.1f} ms   figures + workbook {count + xlsx:8.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="an empty database (default: a temporary SQLite file)")
    parser.add_argument("--facilities", type=int, default=0, help="also a synthetic county of this many facilities")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    use_fast_hashing()
    with tempfile.TemporaryDirectory() as directory:
        from tests.signing.keys import make_test_keys

        os.environ.update(make_test_keys(Path(directory)).environ)  # the demo history issues signed notices
        app = build_app(args.database_url or f"sqlite:///{directory}/briefing.sqlite")
        with app.app_context():
            upgrade()
            import_shipped_checklists(Actor(None, "bench"))
            started = time.perf_counter()
            seed_demo_county()
            db.session.commit()
            print(f"demo county seeded (two years of history) in {time.perf_counter() - started:.1f} s")
            year = DateRange(date.today() - timedelta(days=364), date.today())
            bench_briefing("reviewer", year, args.runs)
            if args.facilities:
                started = time.perf_counter()
                summary = generate_dataset(args.facilities, 1, seed=2026)
                db.session.commit()
                elapsed = time.perf_counter() - started
                print(f"synthetic county of {args.facilities} facilities × 1 year in {elapsed:.1f} s")
                bench_briefing(summary["reviewer"], year, args.runs)


if __name__ == "__main__":
    main()
