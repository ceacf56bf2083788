"""Responses of a whole inspection (answers, photos with EXIF, signatures, submission, corrections, conflicts and
errors) match the schemas the OpenAPI document declares for their operation and status."""

import re
from typing import Any

from openapi_schema_validator import OAS30Validator

from inspection.blueprints.api.openapi import openapi_document
from tests.api.conftest import answer, items_of, new_id
from tests.api.test_photos import exif_jpeg
from tests.api.test_signatures import signature
from tests.api.test_submit import answer_section, submit


def documented_schema(method: str, path: str, status: int) -> dict[str, Any]:
    """Return the JSON schema the document gives for `method path` answering `status`."""
    document = openapi_document()
    for template, item in document["paths"].items():
        if re.fullmatch(re.sub(r"\{[^}]+\}", "[^/]+", template), path) and method in item:
            response = item[method]["responses"][str(status)]
            if "$ref" in response:
                response = document["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
            return response["content"]["application/json"]["schema"]
    raise AssertionError(f"{method} {path} is not documented")


def assert_documented(response, method: str, path: str) -> None:
    """Validate the response body against its documented schema (OpenAPI 3.0 semantics, e.g. `nullable`)."""
    document = openapi_document()
    schema = {**documented_schema(method, path, response.status_code), "components": document["components"]}
    errors = [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in OAS30Validator(schema).iter_errors(response.json)
    ]
    assert not errors, errors


def test_whole_inspection_matches_the_document(as_user, fire_inspection):
    iid = fire_inspection["id"]
    xf1, mz1, reviewer = as_user("xf1"), as_user("mz1"), as_user("reviewer")
    calls = []

    def call(api, method: str, path: str, **kwargs: Any):
        response = getattr(api, method)(path, **kwargs)
        calls.append((response, method, path))
        return response

    batch = [answer(i["code"]) for i in items_of(fire_inspection, "xf") if i["code"] != "F2"]
    batch.append(answer("F2", "fail", note="危房"))
    call(xf1, "put", f"/inspections/{iid}/answers", json={"answers": batch})
    photo = xf1.photo(iid, "F2", exif_jpeg(800, 600))
    calls.append((photo, "post", f"/inspections/{iid}/photos"))
    call(xf1, "post", f"/inspections/{iid}/signatures", json=signature())
    refused = signature(refused=True)
    del refused["image"]
    call(xf1, "post", f"/inspections/{iid}/signatures", json=refused)
    call(xf1, "post", f"/inspections/{iid}/submit")
    call(xf1, "put", f"/inspections/{iid}/answers", json={"answers": [answer("F2", base_revision=0)]})
    answer_section(mz1, fire_inspection, "mz")
    assert submit(mz1, fire_inspection).status_code == 200
    correction = {"item_code": "F4", "result": "fail", "deduction": 1, "client_id": new_id(), "reason": "复核"}
    call(xf1, "post", f"/inspections/{iid}/corrections", json=correction)
    call(reviewer, "get", f"/inspections/{iid}")
    call(reviewer, "get", "/inspections")
    call(reviewer, "get", "/facilities")
    call(reviewer, "get", "/checklists")
    call(as_user("operator"), "get", f"/inspections/{iid}")
    call(reviewer, "post", "/inspections", json={"facility_id": 1})
    call(as_user("sc1"), "get", f"/inspections/{iid}")
    call(as_user("xf2"), "post", f"/inspections/{iid}/submit")

    statuses = [response.status_code for response, _, _ in calls]
    assert statuses == [200, 201, 201, 201, 200, 422, 200, 200, 200, 200, 200, 200, 400, 404, 409]
    for response, method, path in calls:
        assert_documented(response, method, path)
    whole = calls[7][0].json
    assert whole["photos"][0]["taken_at"] and whole["signatures"][1]["url"] is None
