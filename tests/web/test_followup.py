"""Hazards from failed items, notices with gapless numbers, evidence, re-inspection and the credit list."""

import hashlib
import io
import subprocess
from datetime import date, timedelta
from uuid import uuid4

import pytest
from PIL import Image
from sqlalchemy import select

from inspection.extensions import db
from inspection.followup_rules import removal_eligible_on
from inspection.models import (
    CreditGround,
    CreditStatus,
    Hazard,
    HazardStatus,
    NoticeMode,
    NoticeStatus,
)
from inspection.scoring import AnswerResult
from inspection.services import Actor, ServiceError
from inspection.services.answers import AnswerInput, save_answers
from inspection.services.checklists import checklist_of
from inspection.services.credit import (
    decide_removal,
    list_party,
    propose_listings,
    record_fire_determination,
    request_removal,
)
from inspection.services.evidence import add_photo
from inspection.services.hazards import Decision, change_deadline, reinspect, submit_evidence
from inspection.services.notices import issue_notices, issue_reinspection_notice, supersede_notice
from inspection.services.numbering import last_sequence
from inspection.services.submission import submit_department
from tests.conftest import facility, user
from tests.factories import BASE_COUNTY, OWN, SAME_COUNTY, hazards_of
from tests.web.test_inspection_results import TEAMS, _inspect

#: Everyone acts as a member of the cast (factories.make_cast), built in each test's transaction.
pytestmark = pytest.mark.usefixtures("app_ctx", "cast")

#: Notice numbers start with the base county's short name (测试县: 测).
ABBR = "测"
#: The day _inspected() inspects: a result is recorded only once its day has come (inspection.dates).
FOUND = date.today()
ISSUED = FOUND + timedelta(days=1)
REVISIT = FOUND + timedelta(days=6)


def verify(token):
    return f"https://careinspect.example.invalid/n/{token}"


def _actor(name):
    return Actor(user(name), "127.0.0.1")


def _jpeg(color="red"):
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), color).save(buffer, "JPEG")
    return buffer.getvalue()


def _inspected(fail=("F2", "F5", "F12"), facility_name=SAME_COUNTY):
    """A completed fire inspection with failures: F2 major (xf), F5 key (xf), F12 general (mz)."""
    inspection = _inspect(["fire_safety"], on=FOUND, facility_name=facility_name)
    ic = inspection.checklists[0]
    for section in checklist_of(ic.version).sections:
        who = TEAMS[section.department.value][0]
        changes = [
            AnswerInput(
                i.code,
                AnswerResult.FAIL if i.code in fail else AnswerResult.PASS,
                str(uuid4()),
                note="现场发现" if i.code in fail else "",
            )
            for i in section.items
        ]
        save_answers(inspection, changes, _actor(who))
        for item in section.items:
            if item.code in fail and item.photo_on_fail:
                add_photo(inspection, item.code, str(uuid4()), _jpeg(), _actor(who))
    for code in ("xf", "mz"):
        submit_department(inspection, code, _actor(TEAMS[code][0]))
    return inspection


def _hazard(inspection, code):
    return db.session.scalar(select(Hazard).where(Hazard.inspection_id == inspection.id, Hazard.item_code == code))


def counters(year=ISSUED.year):
    """Return the last number used per issuer in `year`."""
    return {issuer: last_sequence(issuer, year) for issuer in (f"{ABBR}民整", f"{ABBR}消整", f"{ABBR}市整")}


def expected_number(issuer, year, before):
    """Return the 文号 the next notice of `issuer` gets: one past the counter before the test issued."""
    return f"{issuer}〔{year}〕{before[issuer] + 1}号"


def _pdftext(data):
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()


def test_failed_items_become_hazards_with_default_deadlines_and_responsible_departments():
    inspection = _inspected()
    major, key, general = (_hazard(inspection, c) for c in ("F2", "F5", "F12"))
    assert (
        major.item_class == "major"
        and major.immediate
        and major.deadline == FOUND + timedelta(days=7)
        and major.department_code == "xf"
    )
    assert key.deadline == FOUND + timedelta(days=15) and not key.immediate
    assert general.deadline == FOUND + timedelta(days=30) and general.department_code == "mz"
    assert (
        "现场发现" in general.finding
        and general.basis
        and general.requirement == "按规定频次开展防火检查，建立隐患整改台账并逐项整改"
    )


def test_per_department_notices_are_numbered_per_issuer_and_store_their_pdf():
    inspection = _inspected()
    before = counters()
    notices = issue_notices(inspection, NoticeMode.PER_DEPARTMENT, _actor("mz1"), ISSUED, verify)
    numbers = sorted(n.number for n in notices)
    assert numbers == [
        expected_number(f"{ABBR}民整", ISSUED.year, before),
        expected_number(f"{ABBR}消整", ISSUED.year, before),
    ]
    fire = next(n for n in notices if n.number.startswith(f"{ABBR}消"))
    assert {h.item_code for h in fire.hazards} == {"F2", "F5"}
    data = fire.pdf_file.data
    assert hashlib.sha256(data).hexdigest() == fire.pdf_sha256
    text = _pdftext(data)
    assert expected_number(f"{ABBR}消整", ISSUED.year, before) in text and SAME_COUNTY in text and "立即" in text
    with pytest.raises(ServiceError, match="没有需要发出"):
        issue_notices(inspection, NoticeMode.PER_DEPARTMENT, _actor("mz1"), ISSUED, verify)


def test_a_joint_notice_lists_every_hazard_under_the_leads_number():
    inspection = _inspected()
    (notice,) = issue_notices(inspection, NoticeMode.JOINT, _actor("reviewer"), ISSUED, verify)
    assert notice.number.startswith(f"{ABBR}民整〔{ISSUED.year}〕") and len(notice.hazards) == 3
    text = _pdftext(notice.pdf_file.data)
    assert "联合检查整改通知书" in text and f"{BASE_COUNTY}消防救援大队" in text


def test_only_the_lead_or_a_reviewer_issues():
    inspection = _inspected()
    with pytest.raises(ServiceError, match="牵头部门"):
        issue_notices(inspection, NoticeMode.JOINT, _actor("xf1"), ISSUED, verify)


def test_a_superseding_notice_replaces_the_old_one_and_says_so():
    inspection = _inspected()
    (old,) = issue_notices(inspection, NoticeMode.JOINT, _actor("mz1"), ISSUED, verify)
    change_deadline(_hazard(inspection, "F5"), FOUND + timedelta(days=59), "设备采购周期长", _actor("xf1"))
    new = supersede_notice(old, "整改期限更正", _actor("mz1"), ISSUED, verify)
    assert old.status == NoticeStatus.SUPERSEDED and new.supersedes_id == old.id and new.number != old.number
    text = _pdftext(new.pdf_file.data)
    assert old.number in text and (FOUND + timedelta(days=59)).isoformat() in text


def test_the_operator_submits_evidence_but_not_for_another_facilitys_hazard():
    inspection = _inspected(facility_name=OWN)
    hazard = _hazard(inspection, "F5")
    submit_evidence(hazard, "已清理疏散通道", [_jpeg("green")], _actor("operator"))
    assert hazard.status == HazardStatus.EVIDENCE_SUBMITTED and hazard.updates[-1].photos
    other = _hazard(_inspected(facility_name=SAME_COUNTY), "F5")
    with pytest.raises(ServiceError, match="只有本机构负责人"):
        submit_evidence(other, "伪造", [], _actor("operator"))


def test_a_bad_evidence_photo_stores_nothing():
    from inspection.media import MediaError

    hazard = _hazard(_inspected(facility_name=OWN), "F5")
    with pytest.raises(MediaError):
        submit_evidence(hazard, "说明", [_jpeg(), b"<html>not an image</html>"], _actor("operator"))
    assert hazard.status == HazardStatus.OPEN and not hazard.updates


def test_reinspection_accepts_rejects_and_closes_a_major_hazard_only_on_site():
    inspection = _inspected()
    major, key = _hazard(inspection, "F2"), _hazard(inspection, "F5")
    with pytest.raises(ServiceError, match="只能经现场复查销号"), db.session.begin_nested():
        reinspect(inspection.facility, [Decision(major, accepted=True)], REVISIT, on_site=False, actor=_actor("xf1"))
    with pytest.raises(ServiceError, match="新整改期限"), db.session.begin_nested():
        reinspect(inspection.facility, [Decision(key, accepted=False, note="未整改")], REVISIT, True, _actor("xf1"))
    assert major.status == HazardStatus.OPEN and key.status == HazardStatus.OPEN
    visit = reinspect(
        inspection.facility,
        [Decision(major, True, "已拆除"), Decision(key, False, "通道仍堆放杂物", REVISIT + timedelta(days=12))],
        REVISIT,
        True,
        _actor("xf1"),
        photos={major.id: [_jpeg("blue")]},
    )
    assert major.status == HazardStatus.CLOSED and major.closed_on == REVISIT
    assert key.status == HazardStatus.OPEN and key.deadline == REVISIT + timedelta(days=12)
    notice = issue_reinspection_notice(visit, _actor("xf1"), REVISIT, verify)
    text = _pdftext(notice.pdf_file.data)
    assert "复查意见书" in text and "已整改" in text and "未整改" in text and notice.number.startswith(f"{ABBR}消复")


def test_only_the_responsible_department_reinspects():
    inspection = _inspected()
    with pytest.raises(ServiceError, match="负责该隐患的部门"):
        reinspect(inspection.facility, [Decision(_hazard(inspection, "F5"), True)], REVISIT, True, _actor("mz1"))


def test_an_overdue_determined_fire_hazard_is_proposed_for_the_list_once_and_a_reviewer_decides():
    inspection = _inspected()

    def ours(day):
        return [p for p in propose_listings(day, _actor("reviewer")) if p.facility_id == inspection.facility_id]

    assert ours(FOUND + timedelta(days=8)) == []  # a failed major item alone is no 重大火灾隐患 determination
    major = next(h for h in hazards_of(inspection) if h.item_class == "major" and h.department_code == "xf")
    record_fire_determination(major, "测消重判〔2026〕1号", FOUND, _actor("xf1"), FOUND)
    assert ours(FOUND + timedelta(days=7)) == []  # the deadline day itself is not late yet
    decided = FOUND + timedelta(days=8)
    (proposal,) = ours(decided)
    assert proposal.status == CreditStatus.PROPOSED and proposal.ground == CreditGround.FIRE_HAZARD_UNCORRECTED
    assert ours(FOUND + timedelta(days=9)) == []
    with pytest.raises(ServiceError, match="民政审核人员"):
        list_party(
            inspection.facility,
            CreditGround.FIRE_HAZARD_UNCORRECTED,
            decided,
            "测民信〔2026〕1号",
            [],
            _actor("xf1"),
            proposal=proposal,
            today=decided,
        )
    with pytest.raises(ServiceError, match="不能晚于今天"):
        list_party(
            inspection.facility,
            CreditGround.FIRE_HAZARD_UNCORRECTED,
            decided + timedelta(days=1),
            "测民信〔2026〕1号",
            [],
            _actor("reviewer"),
            proposal=proposal,
            today=decided,
        )
    listing = list_party(
        inspection.facility,
        CreditGround.FIRE_HAZARD_UNCORRECTED,
        decided,
        "测民信〔2026〕1号",
        [],
        _actor("reviewer"),
        proposal=proposal,
        today=decided,
    )
    assert listing.status == CreditStatus.ACTIVE and listing.removal_eligible_on == removal_eligible_on(decided)


def test_removal_can_be_applied_for_only_after_two_full_years():
    decided = date(2024, 11, 20)
    listing = list_party(
        facility(SAME_COUNTY), CreditGround.FRAUD, decided, "测民信〔2024〕3号", [], _actor("reviewer"), today=decided
    )
    with pytest.raises(ServiceError, match="满两年"):
        request_removal(listing, date(2026, 11, 19), _actor("reviewer"))
    request_removal(listing, date(2026, 11, 20), _actor("reviewer"))
    decide_removal(listing, True, "已完成整改且无新的失信行为", date(2026, 11, 28), _actor("reviewer"))
    assert listing.status == CreditStatus.REMOVED and listing.removed_on == date(2026, 11, 28)


def test_a_blacklisted_facility_is_not_graded():
    from inspection.services.submission import facility_facts

    target = facility(SAME_COUNTY)
    assert not facility_facts(target).blacklisted
    decided = date(2026, 11, 1)
    list_party(target, CreditGround.FRAUD, decided, "测民信〔2026〕2号", [], _actor("reviewer"), today=decided)
    assert facility_facts(target).blacklisted
