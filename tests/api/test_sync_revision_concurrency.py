"""The inspection's revision under writes at the same moment, with real commits (SQLite, and PostgreSQL on its
pass): an answer, a photo, a signature and another department's answers from four phones each count it up once,
and the revisions their replies name form one unbroken chain, so that every phone can tell whether its copy is
current (issue 17: phones poll with the revision as ETag)."""

import io

from flask import Flask

from tests.api.conftest import answer, jpeg, new_id, token_for
from tests.api.test_answers_concurrency import county_app, joint_inspection, revision_of
from tests.api.test_signatures import signature
from tests.conftest import run_together

__all__ = ["county_app", "joint_inspection"]  # fixtures of the concurrent county


def test_writes_at_once_each_count_the_revision_once_in_one_chain(concurrent_app: Flask, joint_inspection: int):
    path = f"/api/v1/inspections/{joint_inspection}"

    def as_user(username: str, method: str, suffix: str, **body):
        client = concurrent_app.test_client()
        headers = {"Authorization": f"Bearer {token_for(client, username)}"}

        def send(go):
            go()
            return client.open(f"{path}{suffix}", method=method, headers=headers, **body)

        return send

    photo = {"item_code": "F4", "client_id": new_id(), "file": (io.BytesIO(jpeg()), "photo.jpg")}
    replies = run_together(
        [
            as_user("xf1", "PUT", "/answers", json={"answers": [answer("F3")]}),
            as_user("xf2", "POST", "/photos", data=photo, content_type="multipart/form-data"),
            as_user("mz1", "PUT", "/answers", json={"answers": [answer("F18")]}),
            as_user("xf1", "POST", "/signatures", json=signature()),
        ]
    )
    assert [r.status_code for r in replies] == [200, 201, 200, 201], [r.get_data(as_text=True) for r in replies]
    chain = sorted(
        (
            r.json.get("previous_revision", r.json.get("previous_inspection_revision")),
            r.json.get("revision", r.json.get("inspection_revision")),
        )
        for r in replies
    )
    assert chain == [(0, 1), (1, 2), (2, 3), (3, 4)]
    assert revision_of(concurrent_app, joint_inspection) == 4
