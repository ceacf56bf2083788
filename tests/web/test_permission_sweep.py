"""Permission sweep (issue 12): every web route and API operation of the URL map, requested by every persona, answers
the outcome `EXPECTED` gives for that (endpoint, persona). A route added later without an entry fails the sweep,
naming its endpoint; a new URL argument needs a value in `ARGUMENTS`.

Outcomes: "login" (a redirect to the login page carrying `next`, or the API's 401), "403", "404", "refused" (the
view was reached but its service refused the work: an error flashed on the web, a 422 from the API), and "ok": the
view was reached and answered without refusing, whatever else it said (a page, a redirect elsewhere, a 400 for a
write sent with an empty body). Each of a route's methods is sent for real (writes inside the test's rolled-back
transaction), with an empty body unless `BODIES` gives a valid one (the writes whose service decides who may act),
and each method must give the same outcome. A 500 fails the sweep.

The world: a joint fire-safety inspection of the operator's facility (民政 leads; mz1 and mz2 of 民政, xf1 and xf2
of 消防 assigned), completed with a failed item, its photo, a signature, its notices and hazards, a rectification
photo; a second such inspection the day before, whose hazards await a notice; a grading result of another facility
awaiting countersignature; a credit listing of the operator's facility, old enough for a removal request.

Unassigned inspectors of the same region (decided here, following the code): they do not see the inspection itself
(404, web and API alike, as `can_view_inspection` says), but they may read the notices and hazards of every
facility in their region (`visible_notices`, `visible_hazards`, `_visible_hazard`: staff of the facility's region),
through the web and the API, because re-inspections and follow-up are region-wide work. Photos taken during the
inspection stay with the inspection (404), except the hazard's own finding photo on its page.
"""

import io
import uuid
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlencode, urlsplit

import pytest
import sqlalchemy as sa
from flask import Flask
from PIL import Image
from werkzeug.routing import Rule
from werkzeug.test import TestResponse

from inspection.checklists import GRADING_CHECKLIST
from inspection.dates import DateRange
from inspection.extensions import db
from inspection.models import (
    Briefing,
    ChecklistVersion,
    CreditListing,
    GradeCertificate,
    GradingApplication,
    GradingObjection,
    Hazard,
    HazardPhoto,
    Inspection,
    InspectionChecklist,
    Notice,
    NoticeMode,
    Photo,
    Role,
    Signature,
    SignerRole,
    SpotCheckDraw,
)
from inspection.services import Actor
from inspection.services.briefing import issue_briefing
from inspection.services.evidence import add_signature
from inspection.services.grading_applications import apply_for_grading, grading_checklist
from inspection.services.hazards import submit_evidence
from inspection.services.notices import issue_notices
from tests.api.conftest import token_for
from tests.conftest import Login, app_with, facility, make_test_app, user
from tests.factories import (
    OWN,
    SAME_COUNTY,
    County,
    answer_all,
    base_county,
    blacklist,
    certify,
    grade,
    hazards_of,
    inspect,
    jpeg,
    make_admin,
    make_cast,
    make_inspector,
    make_operator,
    make_user,
    objection_row,
    plan_inspection,
    submit,
)
from tests.plan.world import spot_check_draw

#: Who requests, by the username they log in with (None: not logged in).
PERSONAS = {
    "anonymous": None,
    "admin": "admin",
    "reviewer": "reviewer",
    "lead": "mz1",  # 民政 leads the inspection
    "other_dept": "xf1",  # assigned, of 消防
    "unassigned": "mz3",  # 民政, same county, not on the team
    "operator": "operator",  # of the inspected facility
    "operator_other": "operator_same_county",
    "other_reviewer": "other_reviewer",
    "other_inspector": "other_inspector",
    "other_admin": "other_admin",
    "assessor": "assessor",  # a grading assessor of the county, assigned to nothing here
}
IGNORED_METHODS = {"HEAD", "OPTIONS"}


def expect(default: str, anonymous: str = "login", **outcomes: str) -> dict[str, str]:
    """Return the outcome of every persona: `default` for the logged-in ones, `anonymous` for a visitor, and
    `outcomes` for the personas named."""
    assert outcomes.keys() <= PERSONAS.keys(), f"no such persona: {outcomes.keys() - PERSONAS.keys()}"
    return {persona: anonymous if persona == "anonymous" else default for persona in PERSONAS} | outcomes


#: The personas outside the facility's scope, to whom its objects do not exist.
HIDDEN_OUTSIDE = dict.fromkeys(("operator_other", "other_reviewer", "other_inspector", "other_admin"), "404")

#: What each persona gets from each route (keys: `route_key`), as the app answers today.
EXPECTED = {
    "admin.audit": expect("403", admin="ok", other_admin="ok"),
    "admin.audit_export": expect("403", admin="ok", other_admin="ok"),
    "admin.department_notices": expect("403", admin="ok", other_admin="404"),
    "admin.regions": expect("403", admin="ok", other_admin="ok"),
    "admin.revoke_user_tokens": expect("403", admin="ok", other_admin="404"),
    "admin.user_form /admin/users/<int:user_id>/edit": expect("403", admin="ok", other_admin="404"),
    "admin.user_form /admin/users/new": expect("403", admin="ok", other_admin="ok"),
    "admin.users": expect("403", admin="ok", other_admin="ok"),
    "api.briefing": expect("403", admin="ok", reviewer="ok", other_reviewer="ok", other_admin="ok"),
    "api.checklist_version": expect("ok"),
    "api.checklists": expect("ok"),
    "api.correct": expect("403", lead="ok", other_dept="ok", unassigned="404", other_inspector="404"),
    "api.export": expect("403", admin="ok", reviewer="ok", other_reviewer="ok", other_admin="ok"),
    # an operator may start only a self-inspection, of their own facility (another facility: 404)
    "api.create_inspection": expect(
        "403", reviewer="ok", other_reviewer="404", other_inspector="404", operator_other="404"
    ),
    "api.create_notices": expect(
        "403",
        reviewer="ok",
        lead="ok",
        other_dept="403",  # 消防 may not issue a joint notice in the lead's name
        unassigned="404",
        other_reviewer="404",
        other_inspector="404",
    ),
    # the sweep's inspections have no food checklist: whoever may see one is refused for that reason
    "api.create_food_result": expect(
        "403", lead="refused", other_dept="refused", unassigned="404", other_inspector="404"
    ),
    "api.facilities": expect("ok"),
    "api.get_inspection": expect("ok", unassigned="404", **HIDDEN_OUTSIDE),
    "api.get_notice": expect("ok", **HIDDEN_OUTSIDE),
    "api.create_application": expect("403", operator="ok", operator_other="ok"),
    "api.get_application": expect(
        "403", admin="ok", reviewer="ok", operator="ok", operator_other="404", other_reviewer="404", other_admin="404"
    ),
    "api.hazards": expect("ok"),
    "api.grading_coverage": expect("403", admin="ok", reviewer="ok", other_reviewer="ok", other_admin="ok"),
    "api.list_applications": expect("ok", lead="403", other_dept="403", unassigned="403", other_inspector="403"),
    "api.list_inspections": expect("ok"),
    "api.notice_pdf": expect("ok", **HIDDEN_OUTSIDE),
    "api.openapi": expect("ok", anonymous="ok"),
    "api.photo_file": expect("ok", unassigned="404", **HIDDEN_OUTSIDE),
    "api.plan": expect("403", admin="ok", reviewer="ok", other_reviewer="ok", other_admin="ok"),
    "api.post_photo": expect(
        "403", lead="ok", other_dept="ok", unassigned="404", other_inspector="404", operator_other="404"
    ),
    "api.post_signature": expect(
        "403", lead="ok", other_dept="ok", unassigned="404", other_inspector="404", operator_other="404"
    ),
    "api.put_answers": expect(
        "403", lead="ok", other_dept="ok", unassigned="404", other_inspector="404", operator_other="404"
    ),
    "api.rankings": expect("403", admin="ok", reviewer="ok", other_reviewer="ok", other_admin="ok"),
    "api.review_grading_application": expect("403", reviewer="ok", other_reviewer="404"),
    "api.schedule_grading_assessment": expect("403", reviewer="ok", other_reviewer="404"),
    "api.decide_grading_application": expect("403", reviewer="ok", other_reviewer="404"),
    "api.publish_grading_application": expect("403", reviewer="ok", other_reviewer="404"),
    "api.revoke_token_used": expect("ok"),
    "api.session_token": expect("ok"),
    "api.signature_file": expect("ok", unassigned="404", **HIDDEN_OUTSIDE),
    "api.submit": expect(
        "403", lead="ok", other_dept="ok", unassigned="404", other_inspector="404", operator_other="404"
    ),
    "api.token": expect("ok", anonymous="ok"),
    "api.verify": expect("ok", anonymous="ok"),
    "auth.login": expect("ok", anonymous="ok"),
    "auth.logout": expect("ok"),
    "auth.set_locale": expect("ok", anonymous="ok"),
    "briefing.index": expect("403", admin="ok", reviewer="ok", other_reviewer="ok", other_admin="ok"),
    "briefing.issue": expect("403", admin="ok", reviewer="ok", other_reviewer="ok", other_admin="ok"),
    "briefing.pdf": expect("403", admin="ok", reviewer="ok", other_reviewer="404", other_admin="404"),
    "briefing.workbook": expect("403", admin="ok", reviewer="ok", other_reviewer="ok", other_admin="ok"),
    "checklists.diff": expect("403", admin="ok", other_admin="ok"),
    "checklists.import_file": expect("403", admin="ok", other_admin="ok"),
    "checklists.index": expect("403", admin="ok", other_admin="ok"),
    "checklists.preview": expect("403", admin="ok", other_admin="ok"),
    "checklists.versions": expect("403", admin="ok", other_admin="ok"),
    "credit.confirm": expect("403", reviewer="ok", other_reviewer="404"),
    "credit.detail": expect("403", admin="ok", reviewer="ok", other_reviewer="404", other_admin="404"),
    "credit.dismiss": expect("403", reviewer="ok", other_reviewer="404"),
    "credit.index": expect("403", admin="ok", reviewer="ok", other_reviewer="ok", other_admin="ok"),
    "credit.new": expect("403", reviewer="ok", other_reviewer="ok"),
    "credit.public": expect("ok", anonymous="ok"),
    "credit.removal_decision": expect("403", reviewer="ok", other_reviewer="404"),
    "credit.removal_request": expect("403", reviewer="ok", operator="ok", operator_other="404", other_reviewer="404"),
    "facilities.change_status": expect("403", admin="ok", **HIDDEN_OUTSIDE),
    "facilities.create": expect("403", admin="ok", other_admin="ok"),
    "facilities.detail": expect("ok", **HIDDEN_OUTSIDE),
    "facilities.edit": expect("403", admin="ok", **HIDDEN_OUTSIDE),
    "facilities.import_file": expect("403", admin="ok", other_admin="ok"),
    "facilities.confirm_import_file": expect("403", admin="ok", other_admin="ok"),
    "facilities.import_template": expect("403", admin="ok", other_admin="ok"),
    "facilities.index": expect("ok", operator="403", operator_other="403"),
    "fieldform.form": expect("ok", unassigned="404", **HIDDEN_OUTSIDE),
    "fieldform.manifest": expect("ok", anonymous="ok"),
    "fieldform.service_worker": expect("ok", anonymous="ok"),
    "grading.apply": expect("403", operator="ok", operator_other="ok"),
    "grading.coverage": expect("403", admin="ok", reviewer="ok", other_reviewer="ok", other_admin="ok"),
    "grading.coverage_export": expect("403", admin="ok", reviewer="ok", other_reviewer="ok", other_admin="ok"),
    "grading.detail": expect(
        "403", admin="ok", reviewer="ok", operator="ok", operator_other="404", other_reviewer="404", other_admin="404"
    ),
    "grading.index": expect("ok", lead="403", other_dept="403", unassigned="403", other_inspector="403"),
    "grading.review": expect("403", reviewer="ok", other_reviewer="404"),
    "grading.assessment": expect("403", reviewer="ok", other_reviewer="404"),
    "grading.decision": expect("403", reviewer="ok", other_reviewer="404"),
    "grading.objection": expect("403", reviewer="ok", other_reviewer="404"),
    "grading.publish": expect("403", reviewer="ok", other_reviewer="404"),
    "grading.plaque_returned": expect("403", reviewer="ok", other_reviewer="404"),
    "grading.certificate_pdf": expect(
        "403", reviewer="ok", admin="ok", operator="ok", operator_other="404", other_reviewer="404", other_admin="404"
    ),
    "hazards.before_photo": expect("ok", **HIDDEN_OUTSIDE),
    "hazards.dashboard": expect("403", admin="ok", reviewer="ok", other_reviewer="ok", other_admin="ok"),
    # operators may set the deadline of what their own facility found itself; another facility's hazard: 404
    "hazards.deadline": expect("403", other_dept="ok", other_inspector="404", operator_other="404"),
    "hazards.detail": expect("ok", **HIDDEN_OUTSIDE),
    "hazards.fire_determination": expect("403", other_dept="ok", other_inspector="404", other_reviewer="404"),
    "hazards.evidence": expect("403", operator="ok", operator_other="404"),
    "hazards.mine": expect("403", operator="ok", operator_other="ok"),
    "hazards.photo": expect("ok", **HIDDEN_OUTSIDE),
    "hazards.requirement": expect("403", other_dept="ok", other_inspector="404"),
    "hazards.reinspect_facility": expect("403", lead="ok", other_dept="ok", unassigned="ok", other_inspector="404"),
    "hazards.worklist": expect("403", lead="ok", other_dept="ok", unassigned="ok", other_inspector="ok"),
    "inspections.campaign": expect("403", reviewer="ok", other_reviewer="ok"),
    "inspections.detail": expect("ok", unassigned="404", **HIDDEN_OUTSIDE),
    "inspections.index": expect("ok"),
    "inspections.photo": expect("ok", unassigned="404", **HIDDEN_OUTSIDE),
    "inspections.plan": expect("403", reviewer="ok", other_reviewer="ok"),
    "inspections.signature": expect("ok", unassigned="404", **HIDDEN_OUTSIDE),
    "inspections.spot": expect("403", lead="ok", other_dept="ok", unassigned="ok", other_inspector="ok"),
    "main.healthz": expect("ok", anonymous="ok"),
    "main.index": expect("ok"),
    "self_inspections.quarter": expect("403", admin="ok", reviewer="ok", other_reviewer="ok", other_admin="ok"),
    "self_inspections.start": expect("403", operator="ok", operator_other="ok"),
    "notices.bundle": expect("ok"),
    "notices.detail": expect("ok", **HIDDEN_OUTSIDE),
    "notices.index": expect("ok"),
    "notices.issue_food_result": expect("refused", unassigned="404", **HIDDEN_OUTSIDE),
    "notices.issue": expect("refused", reviewer="ok", lead="ok", unassigned="404", **HIDDEN_OUTSIDE),
    "notices.pdf": expect("ok", **HIDDEN_OUTSIDE),
    "notices.print_view": expect("ok", **HIDDEN_OUTSIDE),
    "notices.supersede": expect("refused", reviewer="ok", lead="ok", **HIDDEN_OUTSIDE),
    "notices.verify": expect("ok", anonymous="ok"),
    "notices.verify_upload": expect("ok", anonymous="ok"),
    "public.draws": expect("ok", anonymous="ok"),
    "public.facility": expect("ok", anonymous="ok"),
    "public.food_results": expect("ok", anonymous="ok"),
    "plan.draw": expect("403", admin="ok", reviewer="ok", other_reviewer="404", other_admin="404"),
    "plan.draws": expect("403", admin="ok", reviewer="ok", other_reviewer="ok", other_admin="ok"),
    "plan.export": expect("403", admin="ok", reviewer="ok", other_reviewer="ok", other_admin="ok"),
    "plan.index": expect("403", admin="ok", reviewer="ok", other_reviewer="ok", other_admin="ok"),
    "plan.new_draw": expect("403", reviewer="ok", other_reviewer="ok"),
    "public.grading_accepted": expect("ok", anonymous="ok"),
    "public.grading_publicity": expect("ok", anonymous="ok"),
    "public.grading_objection_received": expect("ok", anonymous="ok"),
    # the sweep's application is not decided: there is nothing in 公示 to object to
    "public.grading_objection": expect("404", anonymous="404"),
    "rankings.charts": expect("403", admin="ok", reviewer="ok", other_reviewer="ok", other_admin="ok"),
    "rankings.compare": expect("ok", operator="403", **HIDDEN_OUTSIDE),
    "rankings.countersign": expect("403", reviewer="ok", other_reviewer="404"),
    "rankings.export": expect("403", admin="ok", reviewer="ok", other_reviewer="ok", other_admin="ok"),
    "rankings.hazard_photo": expect("ok", **HIDDEN_OUTSIDE),
    "rankings.index": expect("403", admin="ok", reviewer="ok", other_reviewer="ok", other_admin="ok"),
    "rankings.return_result": expect("403", reviewer="ok", other_reviewer="404"),
    "rankings.reviews": expect("403", reviewer="ok", other_reviewer="ok"),
    "static": expect("ok", anonymous="ok"),
}
#: An assessor sees only the assessments assigned to them: here, none, so every object of the county is hidden and
#: the campaign's application lists are refused (issue 14).
ASSESSOR_HIDDEN = (
    "api.get_inspection",
    "api.put_answers",
    "api.correct",
    "api.post_photo",
    "api.post_signature",
    "api.submit",
    "api.get_notice",
    "api.notice_pdf",
    "api.photo_file",
    "api.signature_file",
    "facilities.detail",
    "facilities.change_status",
    "facilities.edit",
    "hazards.detail",
    "hazards.before_photo",
    "hazards.photo",
    "inspections.detail",
    "notices.issue_food_result",
    "fieldform.form",
    "notices.issue",
    "inspections.photo",
    "inspections.signature",
    "notices.detail",
    "notices.pdf",
    "notices.print_view",
    "notices.supersede",
    "rankings.compare",
    "rankings.hazard_photo",
)
for endpoint in ASSESSOR_HIDDEN:
    EXPECTED[endpoint] = EXPECTED[endpoint] | {"assessor": "404"}
for endpoint in ("api.list_applications", "grading.index"):
    EXPECTED[endpoint] = EXPECTED[endpoint] | {"assessor": "403"}


def build_world() -> None:
    """The cast, the personas it lacks, and one row behind every URL argument (see the module docstring)."""
    cast = make_cast()
    neighbour = County(cast["other_reviewer"].region, [], {"mz": cast["other_reviewer"].department})
    make_inspector("mz", base_county(), username="mz3")
    make_operator(cast[SAME_COUNTY], username="operator_same_county")
    make_inspector("mz", neighbour, username="other_inspector")
    make_admin(neighbour, username="other_admin")
    make_user(Role.ASSESSOR, base_county(), username="assessor", department_id=base_county().department("mz").id)
    team = {"mz": [cast["mz1"], cast["mz2"]], "xf": [cast["xf1"], cast["xf2"]]}
    inspection = plan_inspection(cast[OWN], ["fire_safety"], team=team, lead="mz")
    answer_all(inspection, fail=["F2"])
    add_signature(
        inspection, str(uuid.uuid4()), "民政检查员一", SignerRole.INSPECTOR, png(), datetime.now(UTC),
        Actor(cast["mz1"], "test"),
    )  # fmt: skip
    submit(inspection)
    issue_notices(inspection, NoticeMode.JOINT, Actor(cast["reviewer"], "test"), inspection.inspected_on, verify_url)
    submit_evidence(hazards_of(inspection)[0], "已整改（测试）", [jpeg()], Actor(cast["operator"], "test"))
    inspect(
        cast[OWN], ["fire_safety"], fail=["F2"], team=team, lead="mz", on=inspection.inspected_on - timedelta(days=1)
    )
    grade(cast[SAME_COUNTY], 3, countersign=False)
    blacklist(cast[OWN], reviewer=cast["reviewer"], decided_on=inspection.inspected_on - timedelta(days=3 * 365))
    spot_check_draw(cast)
    this_year = DateRange(date.today().replace(month=1, day=1), date.today())
    reviewer = Actor(cast["reviewer"], "test")
    issue_briefing(cast["reviewer"], this_year, date.today(), reviewer, title="测试县联席会议通报", issuer="测试县")
    _version, grading = grading_checklist()
    answers = {item.code: {"result": "pass"} for section in grading.sections for item in section.items}
    db.session.add(objection_row(apply_for_grading(cast[OWN], 2, answers, Actor(cast["operator"], "test"))))
    certify(cast[OWN], 2, date.today())


def verify_url(token: str) -> str:
    return f"https://t/{token}"


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (200, 80), (255, 255, 255)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory):
    with app_with("permission_sweep", tmp_path_factory, build_world) as app:
        yield app


@pytest.fixture(scope="module")
def credentials(app: Flask) -> dict[str, tuple[str, str]]:
    """Each persona's session cookie and API token, from real logins made once (before any test's transaction)."""
    found = {}
    for persona, username in PERSONAS.items():
        if username is None:
            continue
        client = app.test_client()
        Login(client)(username)
        found[persona] = (client.get_cookie("session").value, token_for(client, username))
    return found


def first(model: type[db.Model], *where: sa.ColumnElement[bool]) -> int:
    return db.session.scalar(sa.select(sa.func.min(model.id)).where(*where))


#: The value of each URL argument: a row of the world.
ARGUMENTS = {
    "inspection_id": lambda: first(Inspection),
    "notice_id": lambda: first(Notice),
    "hazard_id": lambda: first(Hazard),
    "facility_id": lambda: facility(OWN).id,
    "photo_id": lambda: first(Photo),
    "signature_id": lambda: first(Signature),
    "user_id": lambda: user("mz1").id,
    "department_id": lambda: user("mz1").department_id,
    "listing_id": lambda: first(CreditListing),
    "application_id": lambda: first(GradingApplication),
    "objection_id": lambda: first(GradingObjection),
    "certificate_id": lambda: first(GradeCertificate),
    "checklist_id": lambda: first(InspectionChecklist, InspectionChecklist.checklist_code == GRADING_CHECKLIST),
    "code": lambda: "fire_safety",
    "version": lambda: db.session.scalar(
        sa.select(sa.func.max(ChecklistVersion.version)).where(ChecklistVersion.code == "fire_safety")
    ),
    "token": lambda: db.session.scalar(sa.select(Notice.public_token).where(Notice.id == first(Notice))),
    "fmt": lambda: "csv",
    "action": lambda: "close",
    "filename": lambda: "css/app.css",
    "draw_id": lambda: first(SpotCheckDraw),
    "briefing_id": lambda: first(Briefing),
}
#: Issuing needs an inspection whose hazards await a notice: the second one, inspected the day before.
AWAITING_NOTICE = {
    "inspection_id": lambda: db.session.scalar(
        sa.select(sa.func.max(Inspection.id)).where(Inspection.facility_id == facility(OWN).id)
    )
}
#: Endpoints whose argument names another row than `ARGUMENTS` gives.
ENDPOINT_ARGUMENTS = {
    "hazards.photo": {"photo_id": lambda: first(HazardPhoto)},
    "rankings.hazard_photo": {"photo_id": lambda: first(HazardPhoto)},
    "notices.issue": AWAITING_NOTICE,
    "api.create_notices": AWAITING_NOTICE,
}
#: Valid bodies for the writes whose permission the service decides, so that its refusal shows.
BODIES = {
    "notices.issue": lambda: {"mode": NoticeMode.JOINT.value},
    "api.create_notices": lambda: {"mode": NoticeMode.JOINT.value},
    "notices.supersede": lambda: {"reason": "更正（测试）"},
    "rankings.countersign": lambda: {"comment": "同意（测试）", "confirmed": "1"},
    "rankings.return_result": lambda: {"reason": "扣分依据不足（测试）"},
    "briefing.issue": lambda: {name: value() for name, value in PERIOD.items()},
    "grading.review": lambda: {"decision": "refuse", "reason": "不符合条件（测试）"},
    "api.review_grading_application": lambda: {"decision": "refuse", "reason": "不符合条件（测试）"},
    "api.create_inspection": lambda: {
        "facility_id": facility(OWN).id,
        "checklists": ["fire_safety"],
        "date": (date.today() + timedelta(days=1)).isoformat(),
        "purpose": "routine",
        "client_id": str(uuid.uuid4()),
        "inspectors": [user(name).id for name in ("mz1", "mz2", "xf1", "xf2")],
    },
}
#: A period the briefing's routes accept: this year up to today.
PERIOD = {"start": lambda: date.today().replace(month=1, day=1).isoformat(), "end": lambda: date.today().isoformat()}
#: Query strings an endpoint needs to show anything at all.
QUERIES = {
    "api.briefing": PERIOD,
    "briefing.index": PERIOD,
    "briefing.workbook": PERIOD,
    "rankings.compare": {"facility_id": lambda: facility(OWN).id},
    "checklists.diff": {"a": ARGUMENTS["version"], "b": ARGUMENTS["version"]},
}


def url_of(rule: Rule) -> str:
    values = {}
    for argument in rule.arguments:
        value = ENDPOINT_ARGUMENTS.get(rule.endpoint, {}).get(argument) or ARGUMENTS.get(argument)
        if value is None:
            pytest.fail(f"{rule.rule}: give the argument {argument!r} a value in ARGUMENTS")
        values[argument] = value()
    path = rule.build(values, append_unknown=False)[1]
    query = {name: value() for name, value in QUERIES.get(rule.endpoint, {}).items()}
    return f"{path}?{urlencode(query)}" if query else path


def outcome(response: TestResponse) -> str:
    """Name what a response says about access (see the module docstring)."""
    status = response.status_code
    assert status < 500, f"{status}: {response.get_data(as_text=True)[:300]}"
    if status == 401 or (
        status == 302 and urlsplit(response.location).path == "/auth/login" and "next=" in response.location
    ):
        return "login"
    if status == 422:
        return "refused"
    return str(status) if status in (403, 404) else "ok"


def request_as(app: Flask, persona: str, credentials: dict, rule: Rule, method: str) -> str:
    """Send `method` to the rule's URL as `persona` and return the outcome."""
    client = app.test_client()
    headers = {}
    if persona in credentials:
        cookie, token = credentials[persona]
        client.set_cookie("session", cookie)
        headers["Authorization"] = f"Bearer {token}"
    body = BODIES[rule.endpoint]() if rule.endpoint in BODIES else {}
    sent = {"json": body} if rule.rule.startswith("/api/") and method != "GET" else {"data": body}
    with client.open(url_of(rule), method=method, headers=headers, **sent) as response:
        answered = outcome(response)
    with client.session_transaction() as session:
        flashed = [category for category, _message in session.get("_flashes", [])]
    return "refused" if answered == "ok" and "error" in flashed else answered


RULES = sorted(make_test_app().url_map.iter_rules(), key=lambda rule: (rule.rule, rule.endpoint))
SHARED_ENDPOINTS = {rule.endpoint for rule in RULES if sum(other.endpoint == rule.endpoint for other in RULES) > 1}


def route_key(rule: Rule) -> str:
    """The key of `EXPECTED` for a rule: its endpoint, with its URL when the endpoint has several."""
    return f"{rule.endpoint} {rule.rule}" if rule.endpoint in SHARED_ENDPOINTS else rule.endpoint


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("rule", RULES, ids=map(route_key, RULES))
def test_each_route_answers_each_persona_as_expected(app: Flask, credentials: dict, rule: Rule, persona: str):
    expected = EXPECTED.get(route_key(rule))
    if expected is None:
        pytest.fail(f"{route_key(rule)!r} ({rule.rule}) has no entry in EXPECTED: say what each persona gets")
    for method in sorted(rule.methods - IGNORED_METHODS):
        got = request_as(app, persona, credentials, rule, method)
        assert got == expected[persona], f"{method} {rule.rule} as {persona}: {got}, expected {expected[persona]}"


def test_the_table_names_only_routes_of_the_url_map():
    assert EXPECTED.keys() - {route_key(rule) for rule in RULES} == set()
