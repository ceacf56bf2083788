"""Inspections keep the checklist version they used; results and standings are stored at submission."""

import io
from datetime import date, timedelta
from decimal import Decimal
from uuid import uuid4

import pytest
from PIL import Image
from sqlalchemy import insert, select

from inspection.extensions import db
from inspection.models import (
    Answer,
    AnswerResult,
    Department,
    FacilityStanding,
    FacilityType,
    InspectionPurpose,
    InspectionStatus,
    StandingKind,
)
from inspection.services import Actor, OtherDepartment, RuleViolation, ServiceError
from inspection.services.answers import AnswerInput, save_answers
from inspection.services.checklists import checklist_of, import_checklist
from inspection.services.corrections import correct_answer
from inspection.services.evidence import add_photo
from inspection.services.planning import departments_of, start_inspection
from inspection.services.submission import score_checklist, submit_department
from tests.conftest import facility, user
from tests.factories import OWN, SAME_COUNTY, base_county, make_facility
from tests.web.test_checklist_admin import FIRE_CHANGED

#: Everyone acts as a member of the cast (factories.make_cast), built in each test's transaction.
pytestmark = pytest.mark.usefixtures("app_ctx", "cast")


def _actor(username="xf1"):
    return Actor(user(username), "127.0.0.1")


TEAMS = {"mz": ["mz1", "mz2"], "xf": ["xf1", "xf2"], "sc": ["sc1", "sc2"], "wj": ["wj1", "wj2"]}


#: The day of the inspections recorded here: past (results are never recorded ahead), leaving room for later ones.
DAY = date.today() - timedelta(days=40)


def _mz(place=None):
    """The 民政 department of the county of `place` (a facility; the base county when None)."""
    if place is None:
        return base_county().department("mz")
    return db.session.scalar(
        select(Department).where(Department.region_id == place.region.parent_id, Department.code == "mz")
    )


def _inspect(codes, on=DAY, facility_name=SAME_COUNTY):
    teams = {code: [user(name) for name in names] for code, names in TEAMS.items()}
    place = facility(facility_name)
    return start_inspection(place, codes, on, InspectionPurpose.ROUTINE, _mz(place), teams, _actor("reviewer"))


def _answer(ic, code, result, username, **extra):
    return save_answers(ic.inspection, [AnswerInput(code, result, str(uuid4()), **extra)], _actor(username))


def _answer_all(ic, result=AnswerResult.PASS, fail=()):
    """Answer every item, each by an inspector of the department owning its section."""
    for section in checklist_of(ic.version).sections:
        username = TEAMS[section.department.value][0]
        changes = [
            AnswerInput(item.code, AnswerResult.FAIL if item.code in fail else result, str(uuid4()))
            for item in section.items
        ]
        save_answers(ic.inspection, changes, _actor(username))


def _submit_all(inspection):
    for code in departments_of(inspection):
        results = submit_department(inspection, code, _actor(TEAMS[code][0]))
    return results[0]


def _photo(ic, code, username="xf1"):
    image = Image.new("RGB", (40, 30), "red")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG")
    add_photo(ic.inspection, code, str(uuid4()), buffer.getvalue(), _actor(username))


def test_a_submitted_fire_inspection_stores_its_result_and_the_facility_standing():
    inspection = _inspect(["fire_safety"])
    ic = inspection.checklists[0]
    _answer_all(ic)
    result = _submit_all(inspection)
    assert result.verdict == "优秀" and ic.verdict == "优秀" and ic.percent == 100
    assert inspection.status == InspectionStatus.COMPLETE
    standing = db.session.scalar(
        select(FacilityStanding).where(
            FacilityStanding.kind == StandingKind.FIRE, FacilityStanding.facility_id == inspection.facility_id
        )
    )
    assert standing.verdict == "优秀" and standing.decided_on == DAY


def test_the_checklist_is_scored_only_when_every_owning_department_has_submitted():
    inspection = _inspect(["fire_safety"])
    ic = inspection.checklists[0]
    _answer_all(ic)
    submit_department(inspection, "xf", _actor("xf1"))
    assert ic.result is None and inspection.status == InspectionStatus.IN_PROGRESS
    submit_department(inspection, "mz", _actor("mz1"))
    assert ic.result is not None and inspection.status == InspectionStatus.COMPLETE


def test_a_failed_major_item_vetoes_the_stored_verdict():
    ic = _inspect(["fire_safety"]).checklists[0]
    _answer_all(ic, fail=("F2",))
    _photo(ic, "F2")
    result = _submit_all(ic.inspection)
    assert result.percent > 90 and ic.verdict == "不合格" and "F2" in result.vetoed_by


def test_a_failed_item_needing_a_photo_blocks_submission_until_the_photo_is_there():
    ic = _inspect(["fire_safety"]).checklists[0]
    _answer_all(ic, fail=("F2",))
    with pytest.raises(RuleViolation, match="须拍照"):
        submit_department(ic.inspection, "xf", _actor("xf1"))
    _photo(ic, "F2")
    submit_department(ic.inspection, "xf", _actor("xf1"))


def test_submission_is_refused_while_items_are_unanswered_and_locks_afterwards():
    ic = _inspect(["fire_safety"]).checklists[0]
    _answer(ic, "F2", AnswerResult.PASS, "xf1")
    with pytest.raises(RuleViolation, match="未检查"):
        submit_department(ic.inspection, "xf", _actor("xf1"))
    _answer_all(ic)
    submit_department(ic.inspection, "xf", _actor("xf1"))
    with pytest.raises(ServiceError, match="已提交"):
        _answer(ic, "F2", AnswerResult.FAIL, "xf1")


def test_an_inspector_edits_only_their_own_departments_sections():
    ic = _inspect(["fire_safety"]).checklists[0]
    with pytest.raises(ServiceError, match="只能查看"):
        _answer(ic, "F2", AnswerResult.PASS, "mz1")


def test_answers_break_no_item_rule():
    ic = _inspect(["fire_safety"]).checklists[0]
    with pytest.raises(ServiceError, match="不允许作为合理缺项"):
        _answer(ic, "F2", AnswerResult.NA, "xf1")
    with pytest.raises(ServiceError, match="扣分不能超过"):
        _answer(ic, "F2", AnswerResult.FAIL, "xf1", deduction=Decimal(11))
    with pytest.raises(ServiceError, match="没有条目"):
        _answer(ic, "NOPE", AnswerResult.PASS, "xf1")


def test_an_answer_stored_by_another_request_meanwhile_is_updated_not_duplicated():
    """Two inspectors answer the same new item at once: the later batch finds the row the unique index reports
    and becomes its next revision."""
    ic = _inspect(["fire_safety"]).checklists[0]
    assert ic.answers == []  # this request has read the answers
    db.session.execute(
        insert(Answer), [{"inspection_checklist_id": ic.id, "item_code": "F4", "result": "pass", "revision": 1}]
    )  # another request's row, behind this session's back
    saved = _answer(ic, "F4", AnswerResult.FAIL, "xf2", deduction=Decimal(1))
    assert [(s.item_code, s.revision) for s in saved] == [("F4", 2)]
    rows = db.session.scalars(select(Answer).where(Answer.inspection_checklist_id == ic.id)).all()
    assert [(a.item_code, a.result, a.revision) for a in rows] == [("F4", "fail", 2)]


def test_a_plan_needs_two_inspectors_of_each_department():
    with pytest.raises(ServiceError, match="至少 2 名"):
        start_inspection(
            facility(SAME_COUNTY),
            ["fire_safety"],
            DAY,
            InspectionPurpose.ROUTINE,
            _mz(),
            {"xf": [user("xf1")], "mz": [user("mz1"), user("mz2")]},
            _actor("reviewer"),
        )
    with pytest.raises(ServiceError, match="不是消防救援的检查员"):
        start_inspection(
            facility(SAME_COUNTY),
            ["fire_safety"],
            DAY,
            InspectionPurpose.ROUTINE,
            _mz(),
            {"xf": [user("xf1"), user("sc1")], "mz": [user("mz1"), user("mz2")]},
            _actor("reviewer"),
        )


def test_a_facility_without_canteen_is_asked_only_about_its_bought_in_meals():
    day_care = make_facility(type=FacilityType.DAY_CARE, has_canteen=False, beds=15, residents=9)
    ic = _inspect(["food_safety"], facility_name=day_care.name).checklists[0]
    result = score_checklist(ic)
    assert result.unanswered == ("C15",) and result.max_points == 5  # 食品安全法 第57条第二款


def test_an_old_inspection_keeps_its_version_and_result_after_a_new_version_is_imported():
    old = _inspect(["fire_safety"]).checklists[0]
    _answer_all(old, fail=("F5",))
    _photo(old, "F5")
    _submit_all(old.inspection)
    stored = dict(old.result)
    new_version, created = import_checklist(FIRE_CHANGED, "fire_safety.toml", _actor("admin"))
    assert created and new_version.version == 2
    assert old.version.version == 1
    assert score_checklist(old).to_dict() == stored  # re-scored against v1, byte for byte the same
    newer = _inspect(["fire_safety"], on=DAY + timedelta(days=18)).checklists[0]
    assert newer.version.version == 2 and checklist_of(newer.version).item("F2").points == 12


def test_the_grade_standing_follows_the_latest_grading_inspection_and_is_marked_unverified():
    later = _inspect(["grading_gbt37276"], on=DAY + timedelta(days=30)).checklists[0]
    _answer_all(later)
    _submit_all(later.inspection)
    earlier = _inspect(["grading_gbt37276"], on=DAY + timedelta(days=10)).checklists[0]
    _answer_all(earlier, result=AnswerResult.FAIL)
    for item in checklist_of(earlier.version).items():
        if item.photo_on_fail:
            _photo(earlier, item.code, "mz1")
    _submit_all(earlier.inspection)
    standing = db.session.scalar(
        select(FacilityStanding).where(
            FacilityStanding.kind == StandingKind.GRADE, FacilityStanding.facility_id == later.inspection.facility_id
        )
    )
    assert standing.inspection_checklist_id == later.id and standing.unverified
    assert standing.decided_on == DAY + timedelta(days=30)
    # Full marks, occupancy 40/60 and the ten services, but no in-house medical unit: 四级, not 五级.
    assert standing.grade == 4 and standing.verdict == "四级"


def test_a_correction_after_submission_needs_its_own_department_and_a_reason_and_is_rescored():
    ic = _inspect(["fire_safety"]).checklists[0]
    _answer_all(ic)
    _submit_all(ic.inspection)
    change = AnswerInput("F12", AnswerResult.FAIL, str(uuid4()), note="防火检查记录缺失")  # a 民政 item
    with pytest.raises(ServiceError, match="理由"):
        correct_answer(ic.inspection, change, " ", _actor("mz1"))
    with pytest.raises(OtherDepartment):
        correct_answer(ic.inspection, change, "补录", _actor("xf1"))
    correct_answer(ic.inspection, change, "复核记录时发现遗漏", _actor("mz1"))
    assert ic.percent < 100 and any(f["item_code"] == "F12" for f in ic.result["failed_items"])


def test_a_department_submits_when_its_photo_items_are_not_applicable_to_the_facility():
    """OWN has no medical unit and no special equipment: Q1/Q2 are N/A by its facts, never answered."""
    assert not facility(OWN).has_medical_unit and not facility(OWN).has_special_equipment
    ic = _inspect(["service_safety"], facility_name=OWN).checklists[0]
    applicable = [i for i in checklist_of(ic.version).items() if not i.na_when]
    save_answers(
        ic.inspection, [AnswerInput(i.code, AnswerResult.PASS, str(uuid4())) for i in applicable], _actor("mz1")
    )
    submit_department(ic.inspection, "mz", _actor("mz1"))
    assert ic.result is not None and ic.result["complete"]
