"""GET /api/v1/export and `flask export`: records as JSON Lines in the documented schema, only what changed since a
time, only for those who may export, only of their region."""

import json
from datetime import date, datetime
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from inspection.extensions import db
from inspection.models import AnswerResult, Hazard, Inspection, NoticeMode
from inspection.orm import utcnow
from inspection.services import Actor
from inspection.services.facilities import update_facility
from inspection.services.hazards import sync_hazards
from inspection.services.notices import issue_notices
from inspection.services.provincial_export import SinceError, parse_since
from tests.api.conftest import assert_error
from tests.conftest import facility, user
from tests.factories import OTHER_COUNTY, OWN, SAME_COUNTY, hazards_of, inspect, plan_inspection

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "docs" / "export" / "careinspect-export.v1.schema.json"
VALIDATOR = Draft202012Validator(
    json.loads(SCHEMA_PATH.read_text(encoding="utf-8")), format_checker=Draft202012Validator.FORMAT_CHECKER
)


def lines(response) -> list[dict]:
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/x-ndjson"
    return [json.loads(line) for line in response.get_data(as_text=True).splitlines()]


def keys(records: list[dict]) -> set[tuple[str, int]]:
    return {(r["type"], r["id"]) for r in records}


def since(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@pytest.fixture
def inspected(app, cast):
    """A completed fire inspection of the operator's facility with a failed item, its hazard on a notice."""
    inspection = inspect(facility(OWN), fail=["F3"])
    for hazard in hazards_of(inspection):
        hazard.finding, hazard.location = "二楼东侧安全出口上锁（测试）", "二楼东侧"
    ids = {"inspection": inspection.id, "hazard": hazards_of(inspection)[0].id}
    db.session.commit()
    with app.app_context():  # issuing signs with the department's key, named in the configuration
        (notice,) = issue_notices(
            db.session.get(Inspection, ids["inspection"]),
            NoticeMode.PER_DEPARTMENT,
            Actor(user("reviewer"), "test"),
            date.today(),
            verify_url,
        )
        ids["notice"] = notice.id
        db.session.commit()
    return ids


def verify_url(token: str) -> str:
    return f"https://careinspect.example.invalid/n/{token}"


def test_the_schema_is_a_valid_json_schema():
    Draft202012Validator.check_schema(VALIDATOR.schema)


def test_every_line_follows_the_schema_and_carries_its_results(as_user, inspected):
    records = lines(as_user("reviewer").get("/export"))
    for record in records:
        errors = sorted(VALIDATOR.iter_errors(record), key=str)
        assert not errors, f"{record['type']} {record['id']}: {errors[0].message}"
    assert [r["type"] for r in records] == sorted(
        (r["type"] for r in records), key=("facility", "inspection", "hazard", "notice").index
    )
    by_key = {(r["type"], r["id"]): r for r in records}
    inspection = by_key[("inspection", inspected["inspection"])]
    assert inspection["status"] == "complete" and inspection["hazard_ids"] == [inspected["hazard"]]
    (fire,) = inspection["checklists"]
    assert fire["code"] == "fire_safety" and fire["status"] == "submitted" and fire["verdict"]
    hazard = by_key[("hazard", inspected["hazard"])]
    assert hazard["item_code"] == "F3" and hazard["status"] == "open" and hazard["department"]
    notice = by_key[("notice", inspected["notice"])]
    assert notice["hazard_ids"] == [inspected["hazard"]] and len(notice["pdf_sha256"]) == 64
    own = next(r for r in records if r["type"] == "facility" and r["name"] == OWN)
    assert own["uscc"] and own["region"]["path"][:2] == ["山西省", "忻州市"]


def test_an_incremental_export_returns_only_what_changed(as_user, inspected, cast):
    client = as_user("reviewer")
    everything = keys(lines(client.get("/export")))
    mark = utcnow()
    assert lines(client.get(f"/export?since={since(mark)}")) == []

    same = facility(SAME_COUNTY)
    update_facility(same, {"region_id": same.region_id, "uscc": same.uscc, "beds": 99}, Actor(user("admin")))
    hazard = db.session.get(Hazard, inspected["hazard"])
    hazard.deadline = date(2030, 1, 1)
    planned = plan_inspection(facility(OWN), ["fire_safety"])
    expected = {("facility", same.id), ("hazard", inspected["hazard"]), ("inspection", planned.id)}
    db.session.commit()
    changed = lines(client.get(f"/export?since={since(mark)}"))
    assert keys(changed) == expected
    assert next(r for r in changed if r["type"] == "facility")["beds"] == 99
    assert all(r["changed_at"] >= since(mark) for r in changed)
    assert {("notice", inspected["notice"]), ("inspection", inspected["inspection"])} <= everything - keys(changed)


def test_a_hazard_withdrawn_by_a_correction_moves_its_inspection(cast):
    inspection = inspect(facility(SAME_COUNTY), fail=["F3"])
    (ic,) = inspection.checklists
    (hazard,) = hazards_of(inspection)
    next(a for a in ic.answers if a.item_code == "F3").result = AnswerResult.PASS
    mark = utcnow()
    sync_hazards(ic)  # as a correction of the submitted section does
    assert db.session.get(Hazard, hazard.id) is None
    assert db.session.get(Inspection, inspection.id).updated_at >= mark


def test_each_exporter_gets_their_own_region_and_others_are_refused(as_user, anonymous, cast):
    names = {r["name"] for r in lines(as_user("other_reviewer").get("/export")) if r["type"] == "facility"}
    assert names == {OTHER_COUNTY}
    admin_names = {r["name"] for r in lines(as_user("admin").get("/export")) if r["type"] == "facility"}
    assert {OWN, SAME_COUNTY} <= admin_names and OTHER_COUNTY not in admin_names
    for username in ("xf1", "operator"):
        assert_error(as_user(username).get("/export"), 403, "forbidden")
    assert_error(anonymous.get("/export"), 401, "unauthorized")


def test_a_since_that_is_no_date_is_named(as_user):
    error = assert_error(as_user("reviewer").get("/export?since=yesterday"), 400, "bad_request")
    assert "since" in error["fields"]


def test_the_next_since_overlaps_the_export(as_user):
    before = utcnow()
    response = as_user("reviewer").get("/export")
    next_since = datetime.fromisoformat(response.headers["X-Export-Next-Since"].replace("Z", ""))
    assert next_since < before and response.headers["X-Schema-Version"] == "1.0"


@pytest.mark.parametrize(
    ("text", "utc"),
    [
        ("2026-12-01", datetime(2026, 11, 30, 16)),
        ("2026-12-01T08:30:00", datetime(2026, 12, 1, 0, 30)),
        ("2026-12-01T08:30:00+08:00", datetime(2026, 12, 1, 0, 30)),
        ("2026-12-01T00:30:00Z", datetime(2026, 12, 1, 0, 30)),
    ],
)
def test_since_is_read_in_the_countys_time_unless_it_names_a_zone(text, utc):
    assert parse_since(text) == utc


@pytest.mark.parametrize("text", ["yesterday", "2026-13-01", "2026-12-01T25:00", "9" * 40])
def test_since_that_is_no_iso_time_is_refused(text):
    with pytest.raises(SinceError):
        parse_since(text)


def test_the_command_line_writes_the_same_lines_to_a_file(runner, inspected, tmp_path):
    out = tmp_path / "export.jsonl"
    result = runner.invoke(args=["export", "--since", "2000-01-01", "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert "next --since" in result.output
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert ("notice", inspected["notice"]) in keys(records)
    assert all(VALIDATOR.is_valid(record) for record in records)
    bad = runner.invoke(args=["export", "--since", "soon"])
    assert bad.exit_code == 2
