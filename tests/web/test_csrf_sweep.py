"""CSRF sweep (issue 12): with CSRF protection on, every state-changing web route, read from the URL map, refuses a
request without a valid token before its view runs, and changes nothing. A new route is swept without an edit here;
a new URL argument needs a value in `TARGETS` or `VALUES`."""

from datetime import date
from functools import wraps

import pytest
import sqlalchemy as sa
from flask import Flask
from werkzeug.routing import Rule

from inspection.extensions import db
from inspection.models import (
    AuditEvent,
    CreditListing,
    Department,
    Facility,
    GradeCertificate,
    GradingApplication,
    GradingObjection,
    Hazard,
    Inspection,
    InspectionChecklist,
    Notice,
    NoticeMode,
    User,
)
from inspection.models.audit import AuditChainHead
from inspection.services import Actor
from inspection.services.grading_applications import apply_for_grading, grading_checklist
from inspection.services.notices import issue_notices
from tests.conftest import Login, app_with, make_test_app, user
from tests.factories import OWN, SAME_COUNTY, blacklist, certify, grade, inspect, make_cast, objection_row

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
#: Not swept: the token API authenticates with bearer tokens, not cookies, and is exempt as a whole
#: (`csrf.exempt(api.bp)` in `inspection/__init__.py`). A route exempted elsewhere must be added here on purpose.
CSRF_EXEMPT_PREFIXES = ("/api/v1/",)
#: Who sends the request: the first matching prefix names a user of `make_cast` who could otherwise reach the
#: route; None is anonymous. Everyone else is the reviewer.
SENDERS = (
    ("/auth/login", None),
    ("/verify", None),  # 验真 is for anyone holding a copy
    ("/public/", None),  # objections to a grading decision in 公示 come from anyone
    ("/admin/", "admin"),
    ("/hazards/<int:hazard_id>/evidence", "operator"),
    ("/credit/<int:listing_id>/request-removal", "operator"),
    ("/hazards/reinspect/", "xf1"),
)
#: URL arguments naming a row: the first row of the model is the target.
TARGETS = {
    "user_id": User,
    "department_id": Department,
    "facility_id": Facility,
    "hazard_id": Hazard,
    "inspection_id": Inspection,
    "notice_id": Notice,
    "listing_id": CreditListing,
    "checklist_id": InspectionChecklist,
    "application_id": GradingApplication,
    "objection_id": GradingObjection,
    "certificate_id": GradeCertificate,
}
VALUES = {"action": "close"}


def state_changing_rules() -> list[Rule]:
    rules = make_test_app().url_map.iter_rules()
    return sorted(
        (rule for rule in rules if rule.methods & STATE_CHANGING and not rule.rule.startswith(CSRF_EXEMPT_PREFIXES)),
        key=lambda rule: rule.rule,
    )


RULES = state_changing_rules()


def build_world() -> None:
    """One row behind every URL argument: the cast, an inspection with hazards and notices, a grading result
    awaiting countersignature, a credit listing and a grading application with an objection."""
    cast = make_cast()
    inspection = inspect(cast[OWN], fail=["F2"])
    reviewer = Actor(cast["reviewer"], "test")
    issue_notices(inspection, NoticeMode.JOINT, reviewer, date.today(), lambda token: f"https://t/{token}")
    grade(cast[SAME_COUNTY], 3, countersign=False)
    blacklist(cast[SAME_COUNTY], reviewer=cast["reviewer"])
    _version, grading = grading_checklist()
    answers = {item.code: {"result": "pass"} for section in grading.sections for item in section.items}
    application = apply_for_grading(cast[OWN], 2, answers, Actor(cast["operator"], "test"))
    db.session.add(objection_row(application))
    certify(cast[SAME_COUNTY], 2, date.today())


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory):
    with app_with("csrf", tmp_path_factory, build_world) as app:
        yield app


def sender(rule: Rule) -> str | None:
    return next((username for prefix, username in SENDERS if rule.rule.startswith(prefix)), "reviewer")


def url_for_rule(rule: Rule) -> str:
    values = {}
    for argument in rule.arguments:
        if argument in TARGETS:
            values[argument] = db.session.scalar(sa.select(sa.func.min(TARGETS[argument].id)))
        elif argument in VALUES:
            values[argument] = VALUES[argument]
        else:
            pytest.fail(f"{rule.rule}: give the argument {argument!r} a value in TARGETS or VALUES")
    return rule.build(values, append_unknown=False)[1]


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table but the audit log and its chain's head (the log may record the refusal itself,
    issue 12 item 8)."""
    db.session.expire_all()
    return {
        table.name: sorted(map(tuple, db.session.execute(sa.select(table)).all()), key=repr)
        for table in db.metadata.sorted_tables
        if table.name not in {AuditEvent.__tablename__, AuditChainHead.__tablename__}
    }


@pytest.mark.parametrize("token", [None, "forged-token"], ids=["no-token", "forged-token"])
@pytest.mark.parametrize(
    "rule", RULES, ids=[f"{sorted(rule.methods & STATE_CHANGING)[0]} {rule.rule}" for rule in RULES]
)
def test_a_state_changing_route_refuses_a_request_without_a_valid_token(
    app: Flask, rule: Rule, token: str | None, monkeypatch: pytest.MonkeyPatch
):
    client = app.test_client()
    username = sender(rule)
    if username:
        Login(client)(user(username))
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    reached = []
    view = app.view_functions[rule.endpoint]
    monkeypatch.setitem(app.view_functions, rule.endpoint, wraps(view)(lambda **values: reached.append(values)))
    url = url_for_rule(rule)
    before = snapshot()
    data = {"csrf_token": token} if token else {}
    for method in sorted(rule.methods & STATE_CHANGING):
        response = client.open(url, method=method, data=data)
        assert response.status_code in (400, 403), f"{method} {url}: {response.status_code}"
    assert not reached, "the view ran: refused by something other than the CSRF check"
    assert snapshot() == before


def test_the_sweep_finds_the_web_forms_and_no_api_route():
    swept = {rule.rule for rule in RULES}
    assert {"/auth/logout", "/admin/users/new", "/facilities/new", "/notices/<int:notice_id>/supersede"} <= swept
    assert not any(rule.startswith("/api/") for rule in swept)
