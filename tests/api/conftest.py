"""Fixtures for the JSON API: a token client per user and a joint fire-safety inspection planned over the API."""

import io
import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import TestResponse, encode_multipart

from inspection.extensions import db
from inspection.models import Photo, StoredFile
from tests.conftest import facility, user
from tests.factories import OWN, PASSWORD, SAME_COUNTY

#: The joint fire-safety checklist has sections of 消防救援 (xf) and 民政 (mz).
FIRE = "fire_safety"
#: The operator's facility, and another of the same county (see factories.make_cast).
OWN_FACILITY = OWN
OTHER_FACILITY = SAME_COUNTY


def new_id() -> str:
    """Return a fresh client UUID."""
    return str(uuid.uuid4())


class ApiClient:
    """A test client that sends a user's bearer token with every request."""

    def __init__(self, client: FlaskClient, token: str | None) -> None:
        self.client = client
        self.token = token

    def headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        return {**headers, **(extra or {})}

    def get(self, path: str, **kwargs: Any) -> TestResponse:
        return self.client.get(f"/api/v1{path}", headers=self.headers(kwargs.pop("headers", None)), **kwargs)

    def post(self, path: str, **kwargs: Any) -> TestResponse:
        return self.client.post(f"/api/v1{path}", headers=self.headers(kwargs.pop("headers", None)), **kwargs)

    def put(self, path: str, **kwargs: Any) -> TestResponse:
        return self.client.put(f"/api/v1{path}", headers=self.headers(kwargs.pop("headers", None)), **kwargs)

    def answers(self, inspection_id: int, *answers: dict[str, Any], **extra: Any) -> TestResponse:
        """PUT a batch of answers."""
        return self.put(f"/inspections/{inspection_id}/answers", json={"answers": list(answers), **extra})

    def photo(self, inspection_id: int, item_code: str, data: bytes, client_id: str | None = None) -> TestResponse:
        """POST one photo upload."""
        form = {"item_code": item_code, "client_id": client_id or new_id(), "file": (io.BytesIO(data), "photo.jpg")}
        return self.multipart(f"/inspections/{inspection_id}/photos", form)

    def multipart(self, path: str, form: dict[str, Any]) -> TestResponse:
        """POST a multipart form, encoded in memory (the test client would spool a large body to a temporary file
        that nobody closes: a ResourceWarning)."""
        fields = {
            name: FileStorage(value[0], filename=value[1]) if isinstance(value, tuple) else value
            for name, value in form.items()
        }
        boundary, body = encode_multipart(fields)
        return self.post(path, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def assert_error(response, status: int, code: str) -> dict:
    """Assert the API's error body with `status` and `code`; return the error."""
    assert response.status_code == status, response.get_data(as_text=True)
    error = response.json["error"]
    assert error["code"] == code and error["message"] and isinstance(error["fields"], dict)
    return error


def token_for(client: FlaskClient, username: str) -> str:
    """Log in over the API and return the bearer token."""
    password = client.application.config.get("TEST_LOGIN_PASSWORD", PASSWORD)
    response = client.post("/api/v1/auth/token", json={"username": username, "password": password})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.json["token"]


@pytest.fixture
def as_user(app: Flask, cast: dict) -> Callable[[str], ApiClient]:
    """Return a factory: `as_user("xf1")` is an API client holding the token of xf1 (of the cast)."""

    def make(username: str) -> ApiClient:
        client = app.test_client()
        return ApiClient(client, token_for(client, username))

    return make


@pytest.fixture
def anonymous(app: Flask) -> ApiClient:
    return ApiClient(app.test_client(), None)


def answer(item_code: str, result: str = "pass", **extra: Any) -> dict[str, Any]:
    """Return one answer of a batch, with a fresh client UUID."""
    return {"item_code": item_code, "result": result, "client_id": new_id(), **extra}


@pytest.fixture
def ids(app: Flask, cast: dict) -> dict[str, int]:
    """The ids of the cast's users and facilities the tests use."""
    with app.app_context():
        users = {name: user(name).id for name in ("mz1", "mz2", "xf1", "xf2", "sc1", "sc2", "reviewer", "operator")}
        facilities = {"own": facility(OWN_FACILITY).id, "other": facility(OTHER_FACILITY).id}
    return {**users, **{f"facility_{k}": v for k, v in facilities.items()}}


def plan_body(ids: dict[str, int], **overrides: Any) -> dict[str, Any]:
    """Return the body of a joint fire-safety inspection of the operator's facility (民政 and 消防 inspectors)."""
    body = {
        "facility_id": ids["facility_own"],
        "checklists": [FIRE],
        "date": date.today().isoformat(),  # a day within the plan window, and come, on whatever day the tests run
        "purpose": "routine",
        "client_id": new_id(),
        "inspectors": [ids["mz1"], ids["mz2"], ids["xf1"], ids["xf2"]],
    }
    return {**body, **overrides}


@pytest.fixture
def fire_inspection(as_user: Callable[[str], ApiClient], ids: dict[str, int]) -> dict[str, Any]:
    """A joint fire-safety inspection planned by the reviewer; returns its JSON."""
    response = as_user("reviewer").post("/inspections", json=plan_body(ids))
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.json


def items_of(inspection: dict[str, Any], department: str) -> list[dict[str, Any]]:
    """Return the items of the inspection's sections of `department`."""
    return [
        item
        for checklist in inspection["checklists"]
        for section in checklist["sections"]
        if section["department"] == department
        for item in section["items"]
    ]


def jpeg(width: int = 64, height: int = 48, **save: Any) -> bytes:
    """Return a small valid JPEG."""
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 80, 40)).save(out, "JPEG", **save)
    return out.getvalue()


def media_rows(app: Flask) -> tuple[int, int]:
    """Return how many photos and stored files exist."""
    with app.app_context():
        return (
            db.session.scalar(select(func.count()).select_from(Photo)),
            db.session.scalar(select(func.count()).select_from(StoredFile)),
        )


@pytest.fixture
def counts(app: Flask) -> Callable[[], tuple[int, int]]:
    """Return a function counting the rows in photos and stored_files."""
    return lambda: media_rows(app)
