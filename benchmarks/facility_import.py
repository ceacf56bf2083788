"""Benchmark the facility register import with a county-sized file: 2,000 valid rows.

Usage::

    .venv/bin/python benchmarks/facility_import.py                      # SQLite in a temporary folder
    .venv/bin/python benchmarks/facility_import.py --rows 5000
    .venv/bin/python benchmarks/facility_import.py --database-url postgresql+psycopg://…/db   # an empty database

Through the real routes (Flask test client, in process), as an admin: upload the workbook and render its preview
(every row checked, matched by 统一社会信用代码), confirm it (2,000 entries created in one transaction, each audited),
preview the same file again (2,000 unchanged), then a file that changes every entry's phone number, previewed and
confirmed (2,000 updates). Prints each time, and the peak Python memory (tracemalloc) of reading and planning the
file outside the timed runs.
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from inspection import create_app  # noqa: E402
from inspection.extensions import db  # noqa: E402
from inspection.models import Facility  # noqa: E402
from inspection.passwords import use_fast_hashing  # noqa: E402
from inspection.services.facility_import import plan_import  # noqa: E402
from tests.factories import PASSWORD, make_admin, make_county  # noqa: E402
from tests.register_files import register_row, xlsx_bytes  # noqa: E402


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


def prepare(app) -> list[str]:
    """Create the schema, a county of ten townships and its admin; return the townships' names."""
    with app.app_context():
        with db.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        upgrade()
        county = make_county("基准县", townships=10, short="基")
        make_admin(county, username="admin")
        names = [township.name for township in county.townships]
        db.session.commit()
        return names


def timed(label: str, action):
    started = time.perf_counter()
    result = action()
    print(f"  {label:<48} {time.perf_counter() - started:7.2f} s")
    return result


def preview(client, data: bytes, expect: str) -> str:
    form = {"file": (io.BytesIO(data), "名录.xlsx")}
    response = client.post("/facilities/import", data=form, content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and expect in page, page[:2000]
    return page


def confirm(client, page: str) -> None:
    fields = {}
    for name in ("token", "plan"):
        at = page.index('value="', page.index(f'name="{name}"')) + len('value="')
        fields[name] = page[at : page.index('"', at)]
    response = client.post("/facilities/import/confirm", data=fields)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--database-url", help="an empty database (default: SQLite in a temporary folder)")
    args = parser.parse_args()
    use_fast_hashing()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{folder}/bench.sqlite"
        app = build_app(url)
        townships = prepare(app)
        rows = [register_row(n, townships[n % len(townships)]) for n in range(1, args.rows + 1)]
        created = xlsx_bytes(rows)
        changed = xlsx_bytes([{**row, "联系电话": "0350-4721234"} for row in rows])
        print(f"{args.rows} rows, {len(created) // 1024} KB workbook, on {url.split(':')[0]}")
        client = app.test_client()
        client.post("/auth/login", data={"username": "admin", "password": PASSWORD})
        page = timed("preview (upload, check, render)", lambda: preview(client, created, f"新建 {args.rows} 个机构"))
        timed("import (one transaction, audited)", lambda: confirm(client, page))
        with app.app_context():
            assert db.session.scalar(select(func.count()).select_from(Facility)) == args.rows
        timed("preview again (all unchanged)", lambda: preview(client, created, "无需导入"))
        page = timed("preview of a file changing every phone", lambda: preview(client, changed, f"更新 {args.rows}"))
        timed("import of those updates", lambda: confirm(client, page))
        with app.app_context():
            tracemalloc.start()
            plan_import(changed, None)
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
        print(f"  peak Python memory of reading and planning the file: {peak / 1024 / 1024:.1f} MB")


if __name__ == "__main__":
    main()
