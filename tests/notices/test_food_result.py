"""The result record (结果记录表) of a food inspection: issued by the 市场监管 inspectors of the inspection after
their department submitted, stored like a notice (文号, SHA-256, verification QR), printed with the result, the
failed items and the measure, and listed on the public food results page (总局令第49号 第32–35条)."""

import hashlib
import re
import subprocess
import uuid
from datetime import date
from pathlib import Path

import pytest

from inspection.extensions import db
from inspection.models import AnswerResult, Inspection, Notice, NoticeKind
from inspection.services import Actor, ServiceError
from inspection.services.answers import AnswerInput, save_answers
from inspection.services.checklists import checklist_of
from inspection.services.notices.food_result import NotFoodIssuer, food_result_of, issue_food_result
from inspection.services.submission import facility_facts
from tests.api.conftest import ApiClient, token_for
from tests.api.test_contract import assert_documented
from tests.conftest import facility, user
from tests.factories import OWN, answer_all, plan_inspection, submit

#: Everyone acts as a member of the cast (factories.make_cast), built in each test's transaction.
pytestmark = pytest.mark.usefixtures("cast")

ISSUED = date(2026, 12, 4)
#: Where the record PDF is written for a look (as PNG: pdftoppm -r 60 -png food_result.pdf page).
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "notices"
FINDING = "冷藏柜内熟食与生肉混放，柜内温度 12℃"
LOCATION = "主食堂后厨冷藏间"


def _verify(token: str) -> str:
    return f"https://verify.example.gov.cn/n/{token}"


def _food(inspection):
    return next(ic for ic in inspection.checklists if ic.version.code == "food_safety")


def _food_codes(inspection, item_class: str) -> list[str]:
    return [item.code for item in checklist_of(_food(inspection).version).items() if item.item_class == item_class]


def _food_inspection(*, flag: bool = True, submitted: bool = True):
    """A joint fire and food inspection of OWN (mz1, mz2, xf1, xf2 on the fire checklist; sc1, sc2 on the food one).
    Two general food items fail, the first with a finding and location, flagged as affecting food safety when
    `flag`; the fire checklist passes. Every department submits when `submitted`."""
    team = {code: [user(f"{code}1"), user(f"{code}2")] for code in ("mz", "xf", "sc")}
    inspection = plan_inspection(facility(OWN), ("fire_safety", "food_safety"), team=team, on=ISSUED)
    answer_all(inspection, departments=["mz", "xf"])
    first, second = _food_codes(inspection, "general")[:2]
    facts = facility_facts(inspection.facility).true_facts()
    inputs = []
    for item in checklist_of(_food(inspection).version).items():
        if not item.applies_to(facts):
            continue
        if item.code == first:
            change = AnswerInput(
                item.code, AnswerResult.FAIL, str(uuid.uuid4()), note=FINDING, location=LOCATION,
                affects_food_safety=flag,
            )  # fmt: skip
        elif item.code == second:
            change = AnswerInput(item.code, AnswerResult.FAIL, str(uuid.uuid4()), note="洗手设施无洗手液")
        else:
            change = AnswerInput(item.code, AnswerResult.PASS, str(uuid.uuid4()))
        inputs.append(change)
    save_answers(inspection, inputs, Actor(user("sc1"), "test"))
    if submitted:
        submit(inspection)
    return inspection


def _pdftext(data: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()


def test_the_record_states_the_result_the_failed_items_and_the_measure(app_ctx):
    inspection = _food_inspection()
    first, second = _food_codes(inspection, "general")[:2]
    record, _ = issue_food_result(inspection, Actor(user("sc1"), "test"), ISSUED, _verify)

    assert record.kind == NoticeKind.FOOD_RESULT and record.inspection_id == inspection.id
    assert re.fullmatch(r".+〔2026〕[1-9]\d*号", record.number) and "检" in record.number
    pdf = record.pdf_file.data
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "food_result.pdf").write_bytes(pdf)
    assert hashlib.sha256(pdf).hexdigest() == record.pdf_sha256
    text = _pdftext(pdf)
    flat = re.sub(r"\s+", "", text)
    assert "食品经营监督检查结果记录表" in flat and record.number in flat
    assert "☑不符合" in flat and "☐基本符合" in flat and "☐符合" in flat
    assert "☑调查处理" in flat and "☐当场整改" in flat
    assert f"其中{first}经检查人员认定影响食品安全" in flat
    assert FINDING.split("，")[0] in flat and f"位置：{LOCATION}" in flat
    assert first in flat and second in flat and "洗手设施无洗手液" in flat
    # the inspectors of 市场监管 (their credential numbers end in their usernames), no one else
    assert "sc1" in flat and "sc2" in flat and "mz1" not in flat and "xf1" not in flat
    assert "2026年12月4日" in flat


def test_general_failures_without_the_flag_read_basically_compliant_corrected_on_the_spot(app_ctx):
    inspection = _food_inspection(flag=False)
    record, _ = issue_food_result(inspection, Actor(user("sc2"), "test"), ISSUED, _verify)
    flat = re.sub(r"\s+", "", _pdftext(record.pdf_file.data))
    assert "☑基本符合" in flat and "☑当场整改" in flat and "☐调查处理" in flat


def test_asking_again_returns_the_record_issued(app_ctx):
    inspection = _food_inspection()
    first, _ = issue_food_result(inspection, Actor(user("sc1"), "test"), ISSUED, _verify)
    again, _ = issue_food_result(inspection, Actor(user("sc2"), "test"), ISSUED, _verify)
    assert again.id == first.id
    assert db.session.query(Notice).filter_by(inspection_id=inspection.id).count() == 1


def test_only_the_market_regulation_inspectors_of_the_inspection_issue_it_after_submitting(app_ctx):
    waiting = _food_inspection(submitted=False)
    with pytest.raises(ServiceError, match="提交后"):
        issue_food_result(waiting, Actor(user("sc1"), "test"), ISSUED, _verify)
    inspection = _food_inspection()
    # 民政 and 消防 on the team, a reviewer of the county, the facility's operator
    for username in ("mz1", "xf2", "reviewer", "operator"):
        with pytest.raises(NotFoodIssuer):
            issue_food_result(inspection, Actor(user(username), "test"), ISSUED, _verify)
    assert food_result_of(inspection) is None


def _completed_id(app) -> int:
    with app.app_context():
        inspection_id = _food_inspection().id
        db.session.commit()  # into the test's outer transaction, which is still rolled back afterwards
        return inspection_id


def test_the_api_issues_it_for_the_market_regulation_inspector_and_refuses_others(app, client):
    inspection_id = _completed_id(app)
    path = f"/inspections/{inspection_id}/food-result"
    assert ApiClient(client, token_for(client, "mz1")).post(path).status_code == 403
    assert ApiClient(client, token_for(client, "other_reviewer")).post(path).status_code in (403, 404)
    sc1 = ApiClient(client, token_for(client, "sc1"))
    created = sc1.post(path)
    assert created.status_code == 201
    assert sorted(created.json) == ["department", "hazard_count", "id", "number", "pdf_url"]
    assert_documented(created, "post", path)
    read = sc1.get(f"/notices/{created.json['id']}")
    assert_documented(read, "get", f"/notices/{created.json['id']}")
    assert read.json["kind"] == "food_result" and read.json["inspection_id"] == inspection_id
    again = sc1.post(path)
    assert again.status_code == 200 and again.json["id"] == created.json["id"]
    assert_documented(again, "post", path)


def test_the_inspection_page_offers_the_button_to_the_market_regulation_inspector_only(app, client, login):
    inspection_id = _completed_id(app)
    login("mz1")
    assert "出具结果记录表" not in client.get(f"/inspections/{inspection_id}").get_data(as_text=True)
    refused = client.post(f"/inspections/{inspection_id}/food-result")
    assert refused.status_code == 302 and refused.headers["Location"].endswith(f"/inspections/{inspection_id}")
    client.post("/auth/logout")
    login("sc1")
    assert "出具结果记录表" in client.get(f"/inspections/{inspection_id}").get_data(as_text=True)
    issued = client.post(f"/inspections/{inspection_id}/food-result")
    assert issued.status_code == 302 and "/notices/" in issued.headers["Location"]
    page = client.get(f"/inspections/{inspection_id}").get_data(as_text=True)
    assert "出具结果记录表" not in page and "〔" in page
    record = client.get(issued.headers["Location"]).get_data(as_text=True)
    assert "食品经营监督检查结果记录表" in record
    assert "更正通知书" not in record and "所列问题" not in record  # a record is neither corrected nor lists hazards
    with app.app_context():
        facility_id = facility(OWN).id
    history = client.get(f"/facilities/{facility_id}").get_data(as_text=True)
    assert "检〔" in history and "结果记录表" in history


def test_the_public_page_lists_the_result_with_its_verification_link_and_no_inspector(app, client):
    inspection_id = _completed_id(app)
    with app.app_context():
        inspection = db.session.get(Inspection, inspection_id)
        record, _ = issue_food_result(inspection, Actor(user("sc1"), "test"), ISSUED, _verify)
        _food(inspection).verdict = "基本符合"  # as if corrected later: the page says what the issued record says
        db.session.commit()
        number, token = record.number, record.public_token
    with app.app_context():
        facility_page = client.get(f"/public/facilities/{facility(OWN).id}").get_data(as_text=True)
    assert 'href="/public/food-results"' in facility_page
    page = client.get("/public/food-results")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert OWN in html and number in html and "不符合" in html and "基本符合" not in html
    assert f"/n/{token}" in html
    assert "检查员" not in html and FINDING not in html
