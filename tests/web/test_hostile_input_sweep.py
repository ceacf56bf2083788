"""Hostile-input sweep (issue 12): every route of the URL map, web and API, gets hostile values in each of its
parameters (huge and negative integers, malformed dates, over-long strings, wrong types, deeply nested JSON) and
answers without a 500. A new route is swept without an edit here; a new URL argument needs a value in `TARGETS`.

Where the parameters come from:
- path arguments: the rule itself;
- web query and form fields: the names a view looks up while answering a plain request (its WTForms form reads
  every field's name, a view its `request.args`), noted by `RecordingRequest`;
- API query parameters and JSON fields: the OpenAPI document (`openapi.json`), down to the fields of array items.

tests/api/test_schemathesis.py generates requests from the same document at random; this sweep sends the values
that broke routes before, to every parameter. Each parameter gets one value of each kind of `WEB_VALUES` or
`JSON_VALUES`, rotated from parameter to parameter so that every value is sent somewhere without the full cross
product."""

import io
import json
import re
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any, ClassVar

import pytest
import sqlalchemy as sa
from flask import Flask, Request, request
from flask.testing import FlaskClient
from PIL import Image
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.routing import Rule

from inspection.blueprints.api.openapi import openapi_document
from inspection.dates import DateRange
from inspection.extensions import db
from inspection.models import (
    Briefing,
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
    Photo,
    Signature,
    SignerRole,
    SpotCheckDraw,
    User,
)
from inspection.services import Actor
from inspection.services.briefing import issue_briefing
from inspection.services.evidence import add_signature
from inspection.services.grading_applications import apply_for_grading, grading_checklist
from inspection.services.hazards import submit_evidence
from inspection.services.notices import issue_notices
from tests.api.conftest import token_for
from tests.conftest import Login, app_with, make_test_app, user
from tests.factories import (
    OWN,
    SAME_COUNTY,
    answer_all,
    blacklist,
    certify,
    grade,
    hazards_of,
    inspect,
    jpeg,
    make_cast,
    objection_row,
    plan_inspection,
)
from tests.plan.world import spot_check_draw

API = "/api/v1"
#: Who sends the requests: the first matching prefix names a user of `make_cast` who can reach the route (for the
#: inspection routes an inspector assigned to every inspection of the world); None is anonymous. Everyone else is
#: the reviewer.
SENDERS = (
    ("/auth/login", None),
    (f"{API}/auth/token", None),
    ("/admin/", "admin"),
    ("/facilities/new", "admin"),
    ("/facilities/import", "admin"),
    ("/facilities/<int:facility_id>/", "admin"),
    ("/hazards/<int:hazard_id>/evidence", "operator"),
    ("/hazards/mine", "operator"),
    ("/credit/<int:listing_id>/request-removal", "operator"),
    ("/hazards/<int:hazard_id>/deadline", "xf1"),
    ("/hazards/reinspect", "xf1"),
    (f"{API}/inspections/<int:inspection_id>", "xf1"),
)
#: URL arguments naming rows: each id the select returns is swept (every inspection: one open for answers, photos
#: and signatures, one submitted for corrections and notices; every photo: one of an inspection, one of evidence).
TARGETS = {
    "user_id": sa.select(sa.func.min(User.id)),
    "department_id": sa.select(sa.func.min(Department.id)),
    "facility_id": sa.select(sa.func.min(Facility.id)),
    "hazard_id": sa.select(sa.func.min(Hazard.id)),
    "inspection_id": sa.select(Inspection.id).order_by(Inspection.id),
    "notice_id": sa.select(sa.func.min(Notice.id)),
    "listing_id": sa.select(sa.func.min(CreditListing.id)),
    "checklist_id": sa.select(sa.func.max(InspectionChecklist.id)),  # the grading result awaiting countersignature
    "application_id": sa.select(sa.func.min(GradingApplication.id)),
    "photo_id": sa.select(Photo.id).order_by(Photo.id),
    "signature_id": sa.select(sa.func.min(Signature.id)),
    "token": sa.select(sa.func.min(Notice.public_token)),
    "code": sa.select(sa.literal("fire_safety")),
    "version": sa.select(sa.literal(1)),
    "filename": sa.select(sa.literal("css/app.css")),
    "draw_id": sa.select(sa.func.min(SpotCheckDraw.id)),
    "briefing_id": sa.select(sa.func.min(Briefing.id)),
    "objection_id": sa.select(sa.func.min(GradingObjection.id)),
    "certificate_id": sa.select(sa.func.min(GradeCertificate.id)),
}
#: A number no id column holds, one no integer type holds.
HUGE_NUMBERS = (str(2**63), str(10**100))
MALFORMED_DATES = ("yesterday", "2026-13-45", "0000-00-00")
TOO_LONG = "x" * 100_000
NESTED = "[" * 10_000 + "]" * 10_000
#: Stands for a file uploaded where text is expected (a form field only).
UPLOAD = "(an upload)"
#: Query and form values, by kind; a list repeats the parameter.
WEB_VALUES: dict[str, tuple[Any, ...]] = {
    "huge number": HUGE_NUMBERS,
    "negative number": ("-1",),
    "malformed date": MALFORMED_DATES,
    "over-long string": (TOO_LONG,),
    "wrong type": (UPLOAD, ["1", "2"], "\x00", "１２"),
}
#: JSON values, by kind, as JSON text (so that a value Python's encoder would refuse can be sent).
JSON_VALUES: dict[str, tuple[str, ...]] = {
    "huge number": (*HUGE_NUMBERS, "1e400"),
    "negative number": ("-1", "-1e400"),
    "malformed date": tuple(json.dumps(text) for text in MALFORMED_DATES),
    "over-long string": (json.dumps(TOO_LONG),),
    "wrong type": ('"1"', "1.5", "true", "[]", "{}", '"\\u0000"', '"\\ud800"', '{"a": 1}', '["x", 2]'),
    "nested": ("[" * 900 + "]" * 900, '{"a":' * 900 + "1" + "}" * 900),
}
#: Whole JSON bodies that are not the object a route reads.
JSON_BODIES = (NESTED, "[]", '"x"', str(10**100), "{")
#: Marks the field being made hostile in a body's JSON text, until the hostile JSON text replaces it.
HOLE = "\x01hostile\x01"


def rules() -> list[Rule]:
    return sorted(make_test_app().url_map.iter_rules(), key=lambda rule: rule.rule)


RULES = rules()


def build_world() -> None:
    """One row behind every URL argument, reachable by the senders: the cast; a submitted inspection of the
    operator's facility with a hazard, its photo, notices and the operator's evidence; an open inspection being
    answered and signed; a grading result awaiting countersignature; the operator's facility on the credit list; an
    issued joint-meeting briefing; a grading application with a public objection; a grade certificate."""
    cast = make_cast()
    team = {"xf": [cast["xf1"], cast["xf2"]], "mz": [cast["mz1"], cast["mz2"]]}
    inspection = inspect(cast[OWN], fail=["F2"], team=team)
    reviewer = Actor(cast["reviewer"], "test")
    issue_notices(inspection, NoticeMode.JOINT, reviewer, date.today(), lambda token: f"https://t/{token}")
    submit_evidence(hazards_of(inspection)[0], "已整改（测试）", [jpeg()], Actor(cast["operator"], "test"))
    underway = plan_inspection(cast[SAME_COUNTY], team=team)
    answer_all(underway, fail=["F2"], departments=["xf"])
    add_signature(
        underway, str(uuid.uuid4()), "消防检查员一", SignerRole.INSPECTOR, png(), datetime.now(UTC),
        Actor(cast["xf1"], "test"),
    )  # fmt: skip
    grade(cast[SAME_COUNTY], 3, countersign=False)
    blacklist(cast[OWN], reviewer=cast["reviewer"])
    spot_check_draw(cast)
    this_year = DateRange(date.today().replace(month=1, day=1), date.today())
    issue_briefing(cast["reviewer"], this_year, date.today(), reviewer, title="测试县联席会议通报", issuer="测试县")
    _version, grading = grading_checklist()
    answers = {item.code: {"result": "pass"} for section in grading.sections for item in section.items}
    db.session.add(objection_row(apply_for_grading(cast[OWN], 2, answers, Actor(cast["operator"], "test"))))
    certify(cast[SAME_COUNTY], 3, date.today())


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(out, "PNG")
    return out.getvalue()


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    with app_with("hostile", tmp_path_factory, build_world) as app:
        yield app


class RecordedParameters(ImmutableMultiDict):
    """Query or form parameters that note each name a view looks up, in `RecordingRequest.names`."""

    def _note(self, key: object) -> None:
        if isinstance(key, str):
            RecordingRequest.names.add(("query" if self is request.args else "form", key))

    def __contains__(self, key: object) -> bool:
        self._note(key)
        return super().__contains__(key)

    def __getitem__(self, key: str) -> Any:
        self._note(key)
        return super().__getitem__(key)

    def get(self, key: str, default: Any = None, type: Any = None) -> Any:
        self._note(key)
        return super().get(key, default, type)

    def getlist(self, key: str, type: Any = None) -> list[Any]:
        self._note(key)
        return super().getlist(key, type)


class RecordingRequest(Request):
    parameter_storage_class = RecordedParameters
    #: (where, name) of each parameter looked up since the sweep last emptied it.
    names: ClassVar[set[tuple[str, str]]] = set()


def sender(rule: Rule) -> str | None:
    return next((username for prefix, username in SENDERS if rule.rule.startswith(prefix)), "reviewer")


def url_arguments(rule: Rule) -> list[dict[str, Any]]:
    """Every combination of target rows for the rule's arguments; an `any(…)` argument takes its first value."""
    combinations: list[dict[str, Any]] = [{}]
    for argument in sorted(rule.arguments):
        converter = rule._converters[argument]
        if hasattr(converter, "items"):
            values = [sorted(converter.items)[0]]
        elif argument in TARGETS:
            values = list(db.session.scalars(TARGETS[argument]))
        else:
            pytest.fail(f"{rule.rule}: give the argument {argument!r} a value in TARGETS")
        combinations = [{**combination, argument: value} for combination in combinations for value in values]
    return combinations


def path_values(rule: Rule, argument: str) -> tuple[str, ...]:
    """Hostile values for a path argument: an `any(…)` matches nothing else; an id or a name may be anything."""
    converter = rule._converters[argument]
    if hasattr(converter, "items"):
        return ()
    if converter.regex == r"\d+":
        return (*HUGE_NUMBERS, "-1")
    return (*HUGE_NUMBERS, "-1", MALFORMED_DATES[0], TOO_LONG[:5000], "\x00")


def sampled(kinds: dict[str, tuple[Any, ...]], turn: int) -> list[Any]:
    """One value of each kind, the `turn`-th (cycling)."""
    return [values[turn % len(values)] for values in kinds.values()]


class Sweep:
    """Sends the requests of one route and collects every answer that is a server error."""

    def __init__(self, client: FlaskClient, headers: dict[str, str]) -> None:
        self.client = client
        self.headers = headers
        self.errors: list[str] = []

    def send(self, method: str, path: str, label: str, **request: Any) -> None:
        try:
            with self.client.open(path, method=method, headers=self.headers, **request) as response:
                response.get_data()  # a streamed body (an export) fails only while it is read
                if response.status_code >= 500:
                    self.errors.append(f"{method} {path[:120]} {label}: {response.status_code}")
        except Exception as error:  # a 500: the test app raises it
            self.errors.append(f"{method} {path[:120]} {label}: {error!r}"[:400])


def form_value(value: Any) -> Any:
    return (io.BytesIO(b"x"), "x.txt") if value == UPLOAD else value


def parameters_read(sweep: Sweep, method: str, url: str) -> list[tuple[str, str]]:
    """Send a plain request; return (where, name) of each query or form parameter the view looked up."""
    RecordingRequest.names = set()
    # A form with a field the view does not know: Flask-WTF reads an empty form as no form at all.
    sweep.send(method, url, "(plain)", data={"unknown": ""} if method == "POST" else None)
    return sorted(RecordingRequest.names)


def sweep_web(sweep: Sweep, method: str, url: str) -> None:
    """Send each query or form parameter the view reads with hostile values, and the form as JSON."""
    names = parameters_read(sweep, method, url)
    for turn, (where, name) in enumerate(names):
        for value in sampled(WEB_VALUES, turn):
            if where == "query" and value == UPLOAD:
                continue
            label = f"{where} {name}={str(value)[:20]!r}"
            if where == "query":
                sweep.send(method, url, label, query_string={name: value})
            else:
                sweep.send(method, url, label, data={name: form_value(value)})
    fields = [name for where, name in names if where == "form"]
    for value in (*JSON_VALUES["wrong type"], *JSON_VALUES["nested"]) if fields else ():
        body = "{" + ", ".join(f"{json.dumps(name)}: {value}" for name in fields) + "}"
        sweep.send(method, url, f"json {value[:20]!r} in every field", data=body, content_type="application/json")


def operation(rule: Rule, method: str) -> dict[str, Any]:
    path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule.removeprefix(API))
    return openapi_document()["paths"][path][method.lower()]


def resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = openapi_document()["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def example(schema: dict[str, Any]) -> Any:
    """A plausible value of `schema`, around which one field at a time is made hostile."""
    schema = resolve(schema)
    if "example" in schema:
        return schema["example"]
    if "enum" in schema:
        return schema["enum"][0]
    if "oneOf" in schema:
        return example(schema["oneOf"][0])
    kind = schema.get("type")
    if kind == "object":
        return {name: example(field) for name, field in schema.get("properties", {}).items()}
    if kind == "array":
        return [example(schema["items"])]
    if kind in ("integer", "number"):
        return schema.get("minimum", 1)
    if kind == "boolean":
        return False
    return {"date": date.today().isoformat(), "uuid": str(uuid.uuid4()), "date-time": "2026-01-01T08:00:00Z"}.get(
        schema.get("format", ""), "x"
    )


def leaves(value: Any, path: tuple = ()) -> Iterator[tuple]:
    """The paths of the fields of a JSON example, its containers included."""
    if path:
        yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from leaves(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from leaves(item, (*path, index))


def with_hole(body: Any, path: tuple) -> str:
    """The body as JSON text, with `HOLE` where `path` points."""
    copy = json.loads(json.dumps(body))
    container = copy
    for key in path[:-1]:
        container = container[key]
    container[path[-1]] = HOLE
    return json.dumps(copy)


def sweep_api(sweep: Sweep, method: str, url: str, spec: dict[str, Any]) -> None:
    """Send each documented query parameter, form field and JSON field with hostile values."""
    sweep.send(method, url, "(plain)")
    query = [p["name"] for p in spec.get("parameters", []) if p.get("in") == "query"]
    for turn, name in enumerate(query):
        for value in sampled(WEB_VALUES, turn):
            if value != UPLOAD:
                sweep.send(method, url, f"query {name}={str(value)[:20]!r}", query_string={name: value})
    content = spec.get("requestBody", {}).get("content", {})
    if "multipart/form-data" in content:
        fields = resolve(content["multipart/form-data"]["schema"])["properties"]
        for turn, name in enumerate(fields):
            for value in sampled(WEB_VALUES, turn):
                sweep.send(method, url, f"form {name}={str(value)[:20]!r}", data={name: form_value(value)})
    if "application/json" not in content:
        return
    body = example(content["application/json"]["schema"])
    for text in JSON_BODIES:
        sweep.send(method, url, f"body {text[:20]!r}", data=text, content_type="application/json")
    fields = list(leaves(body))
    for turn, path in enumerate(fields):
        template = with_hole(body, path)
        for value in sampled(JSON_VALUES, turn):
            data = template.replace(json.dumps(HOLE), value)
            sweep.send(method, url, f"json {path}={value[:20]!r}", data=data, content_type="application/json")


@pytest.mark.parametrize("rule", RULES, ids=[rule.rule for rule in RULES])
def test_hostile_parameters_get_no_server_error(app: Flask, rule: Rule, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(app, "request_class", RecordingRequest)
    client = app.test_client()
    username = sender(rule)
    headers = {}
    if username and rule.rule.startswith(API):
        headers = {"Authorization": f"Bearer {token_for(client, username)}"}
    elif username:
        Login(client)(user(username))
    sweep = Sweep(client, headers)
    for arguments in url_arguments(rule):
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            url = rule.build(arguments, append_unknown=False)[1]
            for argument in arguments:
                for value in path_values(rule, argument):
                    hostile = rule.build({**arguments, argument: value}, append_unknown=False)[1]
                    sweep.send(method, hostile, f"path {argument}={value[:20]!r}")
            if rule.rule.startswith(API):
                sweep_api(sweep, method, url, operation(rule, method))
            else:
                sweep_web(sweep, method, url)
    assert not sweep.errors, "\n".join(sweep.errors)


def test_the_sweep_finds_what_forms_and_views_read(app: Flask, monkeypatch: pytest.MonkeyPatch):
    """The names the sweep fills: every field of a form (Flask-WTF reads them only from a non-empty form) and the
    query parameters a view reads itself or through a shared parser."""
    monkeypatch.setattr(app, "request_class", RecordingRequest)
    client = app.test_client()
    Login(client)(user("admin"))
    sweep = Sweep(client, {})
    assert {("form", "name"), ("form", "beds"), ("form", "food_licence_expiry")} <= set(
        parameters_read(sweep, "POST", "/facilities/new")
    )
    assert parameters_read(sweep, "GET", "/admin/users") == [("query", "page"), ("query", "q")]
    assert not sweep.errors
