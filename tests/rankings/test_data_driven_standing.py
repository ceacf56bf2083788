"""A checklist's data file says which standing it sets: a new checklist with an existing verdict rule and a new kind
of standing needs no code change to show on the league table, the facility page and the exports.

The test builds its own county, people and facility through the services, so it depends on no seeded names.
"""

import csv
import io
import re
from datetime import date, timedelta
from uuid import uuid4

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from inspection.checklists import ChecklistError, load_checklist_file, load_checklist_text
from inspection.extensions import db
from inspection.models import (
    AnswerResult,
    Department,
    Facility,
    FacilityStanding,
    InspectionPurpose,
    User,
)
from inspection.services import Actor
from inspection.services.answers import AnswerInput, save_answers
from inspection.services.checklists import checklist_of, import_checklist
from inspection.services.planning import start_inspection
from inspection.services.rankings import RankingFilters, ranking_page, sort_keys
from inspection.services.standings import safety_standings
from inspection.services.submission import submit_department
from tests.factories import PASSWORD, make_county, make_facility, make_inspector, make_reviewer, unique

#: A checklist no code knows: an existing verdict rule (percent bands) and a new kind of standing, "elevator".
ELEVATOR = """
code = "elevator_safety"
title = "电梯安全检查表"
department = "mz"
verified = false
source_note = "测试用检查表。"

[standing]
kind = "elevator"
label = "电梯"
title = "电梯安全"
order = 4
colour = "#6a4c93"

[verdict]
rule = "percent_bands"

[[verdict.bands]]
min_percent = 90
code = "excellent"
label = "优秀"

[[verdict.bands]]
min_percent = 0
code = "fail"
label = "不合格"

[rectification_days]
major = 0
major_reinspect_within_days = 7
key = 15
general = 30

[[sections]]
code = "lift"
title = "电梯"

[[sections.items]]
code = "E1"
text = "电梯在检验有效期内"
method = "查看检验合格标志"
basis = "测试依据"
class = "key"
points = 5
na_allowed = false
photo_on_fail = false
requirement = "停用超期未检的电梯"

[[sections.items]]
code = "E2"
text = "轿厢内设有紧急报警装置"
method = "现场测试"
basis = "测试依据"
class = "general"
points = 3
na_allowed = false
photo_on_fail = false
requirement = "在轿厢内加装紧急报警装置"
"""


@pytest.fixture
def county(app):
    """A county of its own (民政 only) with a reviewer, two 民政 inspectors and one facility."""
    with app.app_context():
        place = make_county(unique("电梯县"), townships=1, departments=("mz",))
        people = {
            "reviewer": make_reviewer(place),
            "mz_a": make_inspector("mz", place),
            "mz_b": make_inspector("mz", place),
        }
        facility = make_facility(place, name="电梯县敬老院")
        ids = {"department": place.department("mz").id, "facility": facility.id, **{k: u.id for k, u in people.items()}}
        db.session.commit()  # into the test's outer transaction, which is rolled back at its end
    # no app context stays pushed (each request gets its own, as in production): tests load the objects by id
    return ids


def _load(county):
    """Return the county's objects, loaded in the current session."""
    models = {"department": Department, "facility": Facility}
    return {key: db.session.get(models.get(key, User), value) for key, value in county.items()}


def _import_and_inspect(app, county, tmp_path, fail=()):
    """Write the data file, import it, and run an inspection on it through the services."""
    with app.app_context():
        inspection = _inspect(_load(county), tmp_path, fail)
        inspected_on = inspection.inspected_on
        db.session.commit()
        return inspected_on


def _inspect(county, tmp_path, fail):
    path = tmp_path / "elevator_safety.toml"
    path.write_text(ELEVATOR, encoding="utf-8")
    version, created = import_checklist(path.read_text(encoding="utf-8"), path.name, Actor(county["reviewer"], "t"))
    assert created and checklist_of(version).standing.kind == "elevator"
    inspector = Actor(county["mz_a"], "127.0.0.1")
    inspection = start_inspection(
        county["facility"],
        ["elevator_safety"],
        date.today() - timedelta(days=1),
        InspectionPurpose.ROUTINE,
        county["department"],
        {"mz": [county["mz_a"], county["mz_b"]]},
        Actor(county["reviewer"], "127.0.0.1"),
    )
    answers = [
        AnswerInput(code, AnswerResult.FAIL if code in fail else AnswerResult.PASS, str(uuid4()))
        for code in ("E1", "E2")
    ]
    save_answers(inspection, answers, inspector)
    submit_department(inspection, "mz", inspector)
    return inspection


def _login(client, username):
    response = client.post("/auth/login", data={"username": username, "password": PASSWORD})
    assert response.status_code == 302


def test_the_data_file_alone_sets_a_new_kind_of_standing(app, county, tmp_path):
    inspected_on = _import_and_inspect(app, county, tmp_path)
    county = _load(county)
    assert load_checklist_file(tmp_path / "elevator_safety.toml").standing.title == "电梯安全"
    standing = db.session.scalar(
        select(FacilityStanding).where(
            FacilityStanding.facility_id == county["facility"].id, FacilityStanding.kind == "elevator"
        )
    )
    assert standing.verdict == "优秀" and standing.decided_on == inspected_on
    assert [s.kind for s in safety_standings()][-1] == "elevator"
    assert sort_keys(("fire", "elevator")).index("elevator") == sort_keys(("fire", "elevator")).index("fire") + 1
    row = ranking_page(county["reviewer"], RankingFilters()).rows[0]
    assert row.standings["elevator"].label == "优秀" and row.last_inspected == inspected_on


def test_the_new_standing_shows_on_the_ranking_and_facility_pages(app, client, county, tmp_path):
    _import_and_inspect(app, county, tmp_path, fail=("E1",))
    with app.app_context():
        reviewer, facility_id = _load(county)["reviewer"].username, county["facility"]
    _login(client, reviewer)

    table = client.get("/rankings/").get_data(as_text=True)
    assert re.search(r'<a href="[^"]*sort=elevator[^"]*">电梯</a>', table)
    assert '<td data-label="电梯"><div class="v"><span class="verdict verdict-fail">不合格</span>' in table
    assert '<option value="elevator">电梯检查日期</option>' in table

    by_date = client.get("/rankings/?sort=elevator&dir=desc").get_data(as_text=True)
    assert 'aria-sort="descending"' in by_date and "电梯县敬老院" in by_date

    page = client.get(f"/facilities/{facility_id}").get_data(as_text=True)
    assert re.search(r"<dt>电梯安全</dt><dd>不合格（\d{4}-\d{2}-\d{2}）</dd>", page)
    assert "<dt>消防安全</dt><dd>尚无检查</dd>" in page  # the shipped kinds still show


def test_the_new_standing_has_its_columns_in_the_csv_and_excel_exports(app, client, county, tmp_path):
    inspected_on = _import_and_inspect(app, county, tmp_path, fail=("E1",))
    with app.app_context():
        reviewer = _load(county)["reviewer"].username
    _login(client, reviewer)

    body = client.get("/rankings/export.csv").get_data().decode("utf-8-sig")
    headers, *rows = csv.reader(io.StringIO(body))
    elevator = headers.index("电梯检查结论")
    after_service = ["服务检查日期", "电梯检查结论", "电梯检查日期", "未整改隐患"]
    assert headers[elevator - 1 : elevator + 3] == after_service  # in the order the data file gives
    row = next(r for r in rows if r[1] == "电梯县敬老院")
    assert row[elevator : elevator + 2] == ["不合格", inspected_on.isoformat()]

    workbook = load_workbook(io.BytesIO(client.get("/rankings/export.xlsx").get_data()))
    sheet_headers, *sheet_rows = workbook["等级排名"].iter_rows(values_only=True)
    assert list(sheet_headers) == headers
    row = next(r for r in sheet_rows if r[1] == "电梯县敬老院")
    assert row[elevator] == "不合格" and row[elevator + 1].date() == inspected_on


@pytest.mark.parametrize(
    ("standing", "message"),
    [
        ('kind = "Lift!"', 'field "standing.kind": must be 1 to 20 lower-case letters'),
        ('kind = "grade"', 'field "standing.kind": "grade" is set only by the grading checklist'),
        ('kind = "name"', 'field "standing.kind": "name" names a column of the league table already'),
        ('kind = "lift"\ncolour = "red"', 'field "standing.colour": must be a colour "#rrggbb"'),
    ],
)
def test_a_bad_standing_is_refused_naming_file_and_field(standing, message):
    text = re.sub(r'(?s)\[standing\].*?colour = "#6a4c93"\n', "", ELEVATOR)
    rest = "" if "colour" in standing else '\ncolour = "#6a4c93"'
    text = text.replace(
        "[verdict]", f'[standing]\n{standing}\nlabel = "电梯"\ntitle = "电梯安全"\norder = 4{rest}\n\n[verdict]'
    )
    with pytest.raises(ChecklistError) as error:
        load_checklist_text(text, "elevator_safety.toml", hazard_codes=())
    assert str(error.value).startswith("elevator_safety.toml: ") and message in str(error.value)
