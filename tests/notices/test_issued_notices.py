"""Issued notices read as a legal reviewer expects (issue 13): the PDFs as issued, read with pdftotext.

A joint inspection of one facility by 民政 (lead), 消防 and 市场监管 (fire and food checklists) fails one item of
each department; the inspectors wrote what they saw and where. Then: who may issue in whose name, what each notice
says, the 复查意见书 that closes everything, and the credit-list rule of ground 4.
"""

import re
import subprocess
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from inspection.extensions import db
from inspection.models import AuditEvent, CreditListing, Hazard, HazardStatus, NoticeMode
from inspection.notices.settings import NoticeSettings
from inspection.services import Actor, OtherDepartment, ServiceError
from inspection.services.checklists import checklist_of
from inspection.services.credit import propose_listings, record_fire_determination
from inspection.services.hazards import Decision, change_requirement, reinspect
from inspection.services.notice_settings import current_settings, update_notice_settings
from inspection.services.notices import issue_notices, issue_reinspection_notice
from tests.conftest import facility, user
from tests.factories import BASE_COUNTY, SAME_COUNTY, answer_all, base_county, plan_inspection, submit

pytestmark = pytest.mark.usefixtures("app_ctx", "cast")

INSPECTED = date.today() - timedelta(days=40)
ISSUED = INSPECTED + timedelta(days=1)
REVIEW_BODY = f"{BASE_COUNTY}人民政府"
DOC_NUMBER = re.compile(r"〔\d{4}〕[1-9]\d*号")
#: What each department's inspector saw, and where (the phone's location field).
SEEN = {
    "mz": ("未与入住老年人签订服务协议的有3人", "一楼办公室档案柜"),
    "xf": ("东侧安全出口门被铁链上锁", "2号楼二层东侧走廊"),
    "sc": ("冷藏柜内存放超过保质期的酸奶2盒", "厨房冷藏间"),
}
CONSEQUENCE_WORDS = {"mz": "停业整顿", "xf": "临时查封", "sc": "市场监督管理部门"}
ORDER_POWER = {
    "mz": "依据《中华人民共和国老年人权益保障法》第四十五条第一款第（四）项",
    "xf": "依据《中华人民共和国消防法》第五十四条",
    "sc": "依据《食品生产经营监督检查管理办法》",
}


def verify(token: str) -> str:
    return f"https://careinspect.example.invalid/n/{token}"


def actor(username: str) -> Actor:
    return Actor(user(username), "127.0.0.1")


def pdf_text(notice) -> str:
    """The notice's stored PDF as text, with the line breaks of table cells taken out."""
    out = subprocess.run(["pdftotext", "-", "-"], input=notice.pdf_file.data, capture_output=True, check=True)
    return re.sub(r"\s+", "", out.stdout.decode())


def first_item(inspection, department_code: str) -> str:
    """The code of the first item of the department's section that applies to the facility."""
    from inspection.services.submission import facility_facts

    facts = facility_facts(inspection.facility).true_facts()
    for ic in inspection.checklists:
        for section in checklist_of(ic.version).sections:
            if section.department.value == department_code:
                return next(item.code for item in section.items if item.applies_to(facts))
    raise AssertionError(f"no section of {department_code}")


def planned():
    """The joint inspection, answered (one failure per department) but not submitted."""
    team = {code: [user(f"{code}1"), user(f"{code}2")] for code in ("mz", "xf", "sc")}
    inspection = plan_inspection(
        facility(SAME_COUNTY), ["fire_safety", "food_safety"], on=INSPECTED, team=team, lead="mz"
    )
    failing = {code: first_item(inspection, code) for code in SEEN}
    answer_all(inspection, fail=failing.values())
    return inspection, failing


def seen_by_the_inspectors(inspection) -> None:
    """Write each hazard's finding and location as the phone sends them."""
    for hazard in db.session.scalars(select(Hazard).where(Hazard.inspection_id == inspection.id)):
        hazard.finding, hazard.location = SEEN[hazard.department_code]
    db.session.flush()


def fire_hazard(inspection) -> Hazard:
    """The inspection's hazard of 消防."""
    return db.session.scalar(
        select(Hazard).where(Hazard.inspection_id == inspection.id, Hazard.department_code == "xf")
    )


@pytest.fixture
def inspection():
    inspection, _ = planned()
    submit(inspection)
    seen_by_the_inspectors(inspection)
    return inspection


def test_a_fire_notice_states_its_own_power_consequence_remedies_and_facts(inspection):
    (notice,) = issue_notices(inspection, NoticeMode.PER_DEPARTMENT, actor("xf1"), ISSUED, verify)
    text = pdf_text(notice)
    assert DOC_NUMBER.search(notice.number) and notice.number in text and "〔" in notice.number
    assert "责令限期改正通知书" in text  # 消防's configured title
    assert (
        f"可以自收到之日起六十日内向{REVIEW_BODY}申请行政复议，或者自收到之日起六个月内依法向有管辖权的人民法院提起行政诉讼"
        in text
    )
    assert ORDER_POWER["xf"] in text and "依据《中华人民共和国消防法》第五十三条" in text  # power, and the inspection
    assert CONSEQUENCE_WORDS["xf"] in text
    assert CONSEQUENCE_WORDS["mz"] not in text and CONSEQUENCE_WORDS["sc"] not in text
    finding, location = SEEN["xf"]
    assert finding in text and f"位置：{location}" in text and "违反了" in text
    assert "是否" not in text
    assert facility(SAME_COUNTY).name not in text.split("发现问题", 1)[1].split("整改期限", 1)[0]


def test_each_per_department_notice_prints_only_its_departments_consequence(inspection):
    notices = issue_notices(inspection, NoticeMode.PER_DEPARTMENT, actor("mz1"), ISSUED, verify)
    assert len(notices) == 3
    for notice in notices:
        code = notice.department.code
        text = pdf_text(notice)
        assert ORDER_POWER[code] in text and CONSEQUENCE_WORDS[code] in text, code
        others = [word for other, word in CONSEQUENCE_WORDS.items() if other != code]
        assert not any(word in text for word in others), code
        assert re.fullmatch(r"测\w整" + DOC_NUMBER.pattern, notice.number), notice.number
        assert "是否" not in text


def test_a_joint_notice_prints_each_departments_order_against_its_own_findings(inspection):
    (notice,) = issue_notices(inspection, NoticeMode.JOINT, actor("mz1"), ISSUED, verify)
    text = pdf_text(notice)
    assert "联合检查整改通知书" in text
    for row, code in enumerate(("mz", "xf", "sc"), start=1):  # the lead's findings first
        department = base_county().department(code).name
        assert f"对上表第{row}项问题，{ORDER_POWER[code]}" in text, code
        assert f"{department}责令你单位" in text and CONSEQUENCE_WORDS[code] in text
        assert f"位置：{SEEN[code][1]}" in text
    assert text.count("申请行政复议") == 1 and "是否" not in text


def test_another_departments_inspector_may_not_issue_in_the_leads_name(inspection):
    with pytest.raises(OtherDepartment, match="牵头部门") as refused:
        issue_notices(inspection, NoticeMode.JOINT, actor("sc1"), ISSUED, verify)
    assert refused.value.status == 403
    with pytest.raises(OtherDepartment, match="消防救援大队"):
        issue_notices(inspection, NoticeMode.PER_DEPARTMENT, actor("sc1"), ISSUED, verify, department_code="xf")
    with pytest.raises(OtherDepartment, match="未参加本次检查"):
        issue_notices(inspection, NoticeMode.PER_DEPARTMENT, actor("mz1"), ISSUED, verify, department_code="wj")


def test_a_department_issues_once_it_has_submitted_and_not_before():
    inspection, _ = planned()
    submit(inspection, "sc")  # 市场监管 is done; 民政 and 消防 are still at work
    with pytest.raises(ServiceError, match="尚未提交"):
        issue_notices(inspection, NoticeMode.PER_DEPARTMENT, actor("mz1"), ISSUED, verify, department_code="mz")
    with pytest.raises(ServiceError, match="尚未全部提交"):
        issue_notices(inspection, NoticeMode.JOINT, actor("mz1"), ISSUED, verify)
    (notice,) = issue_notices(inspection, NoticeMode.PER_DEPARTMENT, actor("sc1"), ISSUED, verify)
    assert notice.department.code == "sc"
    signers = {a.user.display_name for a in inspection.assignments if a.department.code == "sc"}
    text = pdf_text(notice)
    assert len(signers) == 2 and all(name in text for name in signers)  # both of its inspectors sign


def test_a_fully_accepted_reinspection_closes_without_threats(inspection):
    (notice,) = issue_notices(inspection, NoticeMode.PER_DEPARTMENT, actor("xf1"), ISSUED, verify)
    decisions = [Decision(h, True, "已拆除门锁，通道畅通") for h in notice.hazards]
    visit = reinspect(facility(SAME_COUNTY), decisions, ISSUED + timedelta(days=5), True, actor("xf1"))
    opinion = issue_reinspection_notice(visit, actor("xf1"), ISSUED + timedelta(days=5), verify)
    text = pdf_text(opinion)
    assert "复查意见书" in text and "均已整改到位，予以销号，不再另行复查" in text and "如不服本复查意见书" in text
    assert not any(word in text for word in CONSEQUENCE_WORDS.values())
    assert f"六十日内向{REVIEW_BODY}申请行政复议" in text and "六个月内" in text
    assert DOC_NUMBER.search(opinion.number)


def test_the_configured_review_body_and_code_are_printed(inspection):
    department = base_county().department("xf")
    admin = actor("admin")
    changed = NoticeSettings(
        **{**current_settings(department).__dict__, "short_code": "消救", "review_body": "忻州市消防救援支队"}
    )
    update_notice_settings(department, changed, admin)
    (notice,) = issue_notices(inspection, NoticeMode.PER_DEPARTMENT, actor("xf1"), ISSUED, verify)
    assert re.fullmatch(r"测消救整" + DOC_NUMBER.pattern, notice.number)
    assert "六十日内向忻州市消防救援支队申请行政复议" in pdf_text(notice)
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "department.notice_settings")).all()[-1]
    assert event.after["review_body"] == "忻州市消防救援支队"


def test_settings_are_validated_with_a_message_per_field():
    department = base_county().department("mz")
    bad = NoticeSettings(
        **{**current_settings(department).__dict__, "short_code": "民1", "notice_title": "通知", "review_body": " "}
    )
    with pytest.raises(ServiceError) as refused:
        update_notice_settings(department, bad, actor("admin"))
    assert set(refused.value.fields) == {"short_code", "notice_title", "review_body"}
    with pytest.raises(ServiceError, match="管理员"):
        update_notice_settings(department, current_settings(department), actor("reviewer"))


def test_the_requirement_is_an_action_edited_before_the_notice(inspection):
    hazard = fire_hazard(inspection)
    with pytest.raises(ServiceError, match="问句"):
        change_requirement(hazard, "安全出口是否畅通？", actor("xf1"))
    with pytest.raises(ServiceError, match="负责该隐患的部门"):
        change_requirement(hazard, "立即拆除门锁", actor("mz1"))
    change_requirement(hazard, "立即拆除二楼东侧安全出口门锁，保持疏散通道畅通", actor("xf1"))
    (notice,) = issue_notices(inspection, NoticeMode.PER_DEPARTMENT, actor("xf1"), ISSUED, verify)
    assert "立即拆除二楼东侧安全出口门锁，保持疏散通道畅通" in pdf_text(notice)
    with pytest.raises(ServiceError, match="已列入通知书"):
        change_requirement(hazard, "立即拆除门锁", actor("xf1"))


def test_ground_4_needs_a_recorded_fire_hazard_determination(inspection):
    hazard = fire_hazard(inspection)
    hazard.item_class = "major"  # even a major failure proposes nothing on its own
    late = hazard.deadline + timedelta(days=1)

    def proposed() -> list[CreditListing]:
        return [p for p in propose_listings(late, actor("reviewer")) if p.facility_id == hazard.facility_id]

    assert proposed() == []
    with pytest.raises(OtherDepartment):
        record_fire_determination(hazard, "五消重判〔2026〕1号", INSPECTED, actor("mz1"), late)
    with pytest.raises(ServiceError, match="判定日期"):
        record_fire_determination(hazard, "五消重判〔2026〕1号", INSPECTED - timedelta(days=1), actor("xf1"), late)
    record_fire_determination(hazard, "五消重判〔2026〕1号", INSPECTED + timedelta(days=2), actor("xf1"), late)
    assert hazard.status != HazardStatus.CLOSED
    (listing,) = proposed()
    assert "五消重判〔2026〕1号" in listing.note and {"type": "hazard", "id": hazard.id} in listing.evidence
    actions = set(
        db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.object_type == "hazard", AuditEvent.object_id == str(hazard.id))
        )
    )
    assert "hazard.fire_determination" in actions


def test_a_reinspection_that_finds_work_undone_repeats_the_order_and_its_consequence(inspection):
    (notice,) = issue_notices(inspection, NoticeMode.PER_DEPARTMENT, actor("xf1"), ISSUED, verify)
    new_deadline = ISSUED + timedelta(days=20)
    decisions = [Decision(h, False, "门锁仍未拆除", new_deadline) for h in notice.hazards]
    visit = reinspect(facility(SAME_COUNTY), decisions, ISSUED + timedelta(days=5), True, actor("xf1"))
    text = pdf_text(issue_reinspection_notice(visit, actor("xf1"), ISSUED + timedelta(days=5), verify))
    assert "对上表第1项中未整改到位的问题，" + ORDER_POWER["xf"] in text
    assert CONSEQUENCE_WORDS["xf"] in text and "予以销号" not in text
