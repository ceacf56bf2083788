"""Saving 300 answers in one API request vs. a plain bulk insert of the same rows, in one run.

Usage: .venv/bin/python benchmarks/bench_answers.py [--database-url URL] [--repeat 15]
Default database: a temporary SQLite file. A PostgreSQL URL must name a throw-away database: its public schema
is dropped and rebuilt. Prints medians and the ratio (aim: ≤ 2×).
"""

import argparse
import json
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

from sqlalchemy import insert, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flask_migrate import upgrade

from inspection import create_app
from inspection.demo.county import DEMO_PASSWORD
from inspection.demo.seed import seed_demo_county
from inspection.extensions import db
from inspection.models import Answer, AnswerChange, Department, Facility, InspectionChecklist, InspectionPurpose, User
from inspection.orm import utcnow
from inspection.passwords import use_fast_hashing
from inspection.services import Actor
from inspection.services.checklists import import_checklist, import_shipped_checklists
from inspection.services.planning import start_inspection

ITEMS = 300


def checklist_toml(items: int) -> str:
    """A synthetic fire checklist with `items` general items (benchmark data, not shipped)."""
    head = """code = "bench_300"
title = "基准测试检查表（300项）"
department = "xf"
verified = false
source_note = "benchmark only"

[verdict]
rule = "percent_bands"
[[verdict.bands]]
code = "pass"
label = "合格"
min_percent = 60
[[verdict.bands]]
code = "fail"
label = "不合格"
min_percent = 0

[rectification_days]
major = 0
major_reinspect_within_days = 7
key = 15
general = 30

[[sections]]
code = "all"
title = "全部"
"""
    item = (
        '\n[[sections.items]]\ncode = "B{i}"\ntext = "基准条目 {i}"\nmethod = "查看"\nbasis = "基准"\n'
        'class = "general"\npoints = 1\nna_allowed = true\nphoto_on_fail = false\n'
    )
    body = "".join(item.format(i=i) for i in range(1, items + 1))
    return head + body


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url")
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    use_fast_hashing()
    folder = tempfile.mkdtemp()
    url = args.database_url or f"sqlite:///{folder}/bench.sqlite"
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "x" * 40, "SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False},
        instance_path=folder,
    )
    with app.app_context():
        if url.startswith("postgresql"):
            with db.engine.begin() as connection:
                connection.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        upgrade()
        actor = Actor(None, "bench")
        import_shipped_checklists(actor)
        import_checklist(checklist_toml(ITEMS), "bench_300.toml", actor)
        seed_demo_county()
        db.session.commit()
        team = {"xf": list(db.session.scalars(select(User).where(User.username.in_(["xf1", "xf2"]))))}
        facility = db.session.scalar(select(Facility).where(Facility.name == "北苑敬老院"))
        lead = db.session.scalar(select(Department).where(Department.code == "xf"))
        inspections = [
            start_inspection(facility, ["bench_300"], date.today(), InspectionPurpose.ROUTINE, lead, team, actor).id
            for _ in range(2 * args.repeat + 2)
        ]
        db.session.commit()
        ic_ids = {
            i: db.session.scalar(select(InspectionChecklist.id).where(InspectionChecklist.inspection_id == i))
            for i in inspections
        }
        inspector_id = db.session.scalar(select(User.id).where(User.username == "xf1"))  # the token's user
    client = app.test_client()
    token = client.post("/api/v1/auth/token", json={"username": "xf1", "password": DEMO_PASSWORD}).json["token"]
    headers = {"Authorization": f"Bearer {token}"}

    def payload() -> dict:
        return {
            "answers": [
                {
                    "item_code": f"B{i}",
                    "result": "pass" if i % 7 else "fail",
                    "note": "" if i % 7 else "基准问题",
                    "client_id": str(uuid.uuid4()),
                }
                for i in range(1, ITEMS + 1)
            ]
        }

    def api_save(inspection_id: int) -> float:
        body = json.dumps(payload())  # the phone's encoding is not the server's work
        started = time.perf_counter()
        response = client.put(
            f"/api/v1/inspections/{inspection_id}/answers", data=body, content_type="application/json", headers=headers
        )
        elapsed = time.perf_counter() - started
        assert response.status_code == 200, response.get_data(as_text=True)
        return elapsed

    def bulk_insert(inspection_checklist_id: int) -> float:
        body = payload()["answers"]
        with app.app_context():
            started = time.perf_counter()
            now = utcnow()  # the same columns the API writes, so that both insert the same rows
            rows = [
                {
                    "inspection_checklist_id": inspection_checklist_id,
                    "item_code": a["item_code"],
                    "result": a["result"],
                    "deduction": None,
                    "note": a["note"],
                    "revision": 1,
                    "answered_by_id": inspector_id,
                    "updated_at": now,
                }
                for a in body
            ]
            db.session.execute(insert(Answer), rows)  # one executemany, then the ids in one SELECT
            stmt = select(Answer.item_code, Answer.id).where(Answer.inspection_checklist_id == inspection_checklist_id)
            by_code = {code: answer_id for code, answer_id in db.session.execute(stmt)}
            ids = [by_code[a["item_code"]] for a in body]
            changes = [
                {
                    "client_id": a["client_id"],
                    "answer_id": answer_id,
                    "revision": 1,
                    "result": a["result"],
                    "deduction": None,
                    "note": a["note"],
                    "reason": "",
                    "user_id": inspector_id,
                    "created_at": now,
                }
                for a, answer_id in zip(body, ids, strict=True)
            ]
            db.session.execute(insert(AnswerChange), changes)
            db.session.commit()
            return time.perf_counter() - started

    api_save(inspections[0])  # warm up both paths
    bulk_insert(ic_ids[inspections[1]])
    api_times, bulk_times = [], []
    for n in range(args.repeat):
        api_times.append(api_save(inspections[2 + 2 * n]))
        bulk_times.append(bulk_insert(ic_ids[inspections[3 + 2 * n]]))
    api_median, bulk_median = statistics.median(api_times), statistics.median(bulk_times)
    print(f"database: {url.split(':', 1)[0]}, {ITEMS} answers per save, {args.repeat} runs each")
    print(f"PUT answers via the API (auth, validation, idempotency, conflicts): median {api_median * 1000:.1f} ms")
    print(f"plain bulk INSERT of the same rows (answers + answer_changes):     median {bulk_median * 1000:.1f} ms")
    print(f"ratio api/bulk: {api_median / bulk_median:.2f}x (aim <= 2x)")


if __name__ == "__main__":
    main()
