import io
import zipfile

import pytest
from sqlalchemy import select

from inspection.extensions import db
from inspection.models import Notice
from tests.factories import OWN
from tests.web.test_followup import _inspected

#: Everyone acts as a member of the cast (factories.make_cast), built in each test's transaction.
pytestmark = pytest.mark.usefixtures("cast")


@pytest.fixture
def completed(app, cast):
    """A completed fire inspection of OWN with three hazards (see test_followup._inspected)."""
    with app.app_context():
        inspection_id = _inspected(facility_name=OWN).id
        db.session.commit()  # into the test's outer transaction, which is still rolled back afterwards
        return inspection_id


def _issue(client, inspection_id, mode="per_department"):
    response = client.post(f"/inspections/{inspection_id}/notices", data={"mode": mode})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return int(response.headers["Location"].rsplit("/", 1)[1])


def test_the_lead_issues_notices_from_the_inspection_page_and_downloads_identical_bytes(client, login, completed):
    login("mz1")
    page = client.get(f"/inspections/{completed}").get_data(as_text=True)
    assert "有 3 项隐患尚未发出通知书" in page
    notice_id = _issue(client, completed)
    notice = db.session.get(Notice, notice_id)
    stored, sha, number = notice.pdf_file.data, notice.pdf_sha256, notice.number
    first = client.get(f"/notices/{notice_id}/pdf")
    second = client.get(f"/notices/{notice_id}/pdf")
    assert first.mimetype == "application/pdf" and first.data == second.data == stored
    assert first.headers["ETag"].strip('"') == sha
    print_view = client.get(f"/notices/{notice_id}/print").get_data(as_text=True)
    assert number in print_view and OWN in print_view


def test_a_correction_supersedes_the_notice_through_the_web(client, login, completed):
    login("mz1")
    notice_id = _issue(client, completed, "joint")
    response = client.post(f"/notices/{notice_id}/supersede", data={"reason": "期限笔误"})
    assert response.status_code == 302
    new_page = client.get(response.headers["Location"]).get_data(as_text=True)
    old = db.session.get(Notice, notice_id)
    assert old.status == "superseded" and f"替代 {old.number}" in new_page

    assert "已作废" in client.get(f"/notices/{notice_id}").get_data(as_text=True)


def test_the_public_verification_page_shows_the_status_and_nothing_private(client, login, completed):
    login("mz1")
    notice = db.session.get(Notice, _issue(client, completed, "joint"))
    token, number = notice.public_token, notice.number
    private = (notice.facility.person_in_charge, notice.facility.phone, notice.facility.uscc, "现场发现")
    client.post("/auth/logout")
    page = client.get(f"/n/{token}").get_data(as_text=True)
    assert number in page and OWN in page and "有效" in page
    for value in private:
        assert value not in page
    assert client.get("/n/not-a-token").status_code == 404


def test_who_may_read_a_notice(client, login, completed):
    login("mz1")
    notice_id = _issue(client, completed, "joint")
    client.post("/auth/logout")
    for username, status in {"operator": 200, "reviewer": 200, "other_operator": 404, "other_reviewer": 404}.items():
        login(username)
        assert client.get(f"/notices/{notice_id}/pdf").status_code == status, username
        client.post("/auth/logout")


def test_an_inspector_of_another_department_cannot_issue(client, login, completed):
    login("xf1")
    response = client.post(f"/inspections/{completed}/notices", data={"mode": "joint"})
    assert response.status_code == 302
    assert db.session.scalar(select(Notice).where(Notice.inspection_id == completed)) is None


def test_the_bundle_zips_the_current_notices(client, login, completed):
    login("mz1")
    _issue(client, completed)
    ours = {
        f"{n.number}-{OWN}.pdf" for n in db.session.scalars(select(Notice).where(Notice.inspection_id == completed))
    }
    client.post("/auth/logout")
    login("reviewer")
    response = client.get("/notices/bundle.zip")
    names = set(zipfile.ZipFile(io.BytesIO(response.data)).namelist())
    assert len(ours) == 2 and ours <= names
    assert int(response.headers["Content-Length"]) == len(response.data)
