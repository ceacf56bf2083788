"""The other roles' everyday screens (issue 17): notices in the navigation and listed with their PDFs, the PDF saved
under its 文号, and the operator's home as a to-do list."""

import io
import re
from datetime import date
from html import unescape
from urllib.parse import quote

import pytest
from sqlalchemy import select

from inspection.extensions import db
from inspection.models import Hazard, Notice
from tests.factories import OWN, SAME_COUNTY, grade, make_facility
from tests.web.test_followup import _inspected

pytestmark = pytest.mark.usefixtures("cast")


@pytest.fixture
def three_notices(app, cast, client, login):
    """Three issued notices: OWN's inspection per department (消防 and 民政), SAME_COUNTY's joint."""
    with app.app_context():
        own, other = _inspected(facility_name=OWN).id, _inspected(facility_name=SAME_COUNTY).id
        db.session.commit()
    login("mz1")
    for inspection_id, mode in ((own, "per_department"), (other, "joint")):
        assert client.post(f"/inspections/{inspection_id}/notices", data={"mode": mode}).status_code == 302
    client.post("/auth/logout")
    return own


@pytest.mark.parametrize("username", ["reviewer", "xf1", "mz1", "operator"])
def test_notices_are_in_the_navigation(client, login, username):
    login(username)
    nav = client.get("/").get_data(as_text=True).split('<nav aria-label="主导航">')[1].split("</nav>")[0]
    assert '<a href="/notices/">通知书</a>' in nav


def issued() -> list[tuple[int, str]]:
    return [tuple(row) for row in db.session.execute(select(Notice.id, Notice.number).order_by(Notice.id))]


def test_after_issuing_three_notices_each_is_listed_with_its_pdf(client, login, three_notices):
    notices = issued()
    assert len(notices) == 3
    login("reviewer")
    page = client.get("/notices/").get_data(as_text=True)
    for notice_id, number in notices:
        assert number in page and f'href="/notices/{notice_id}/pdf" download' in page
    detail = client.get(f"/inspections/{three_notices}").get_data(as_text=True)
    for notice_id, number in notices[:2]:
        assert number in detail and f'href="/notices/{notice_id}/pdf" download' in detail


def test_the_pdf_is_saved_under_its_number(client, login, three_notices):
    notice_id, number = issued()[0]
    login("reviewer")
    response = client.get(f"/notices/{notice_id}/pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    disposition = response.headers["Content-Disposition"]
    assert (
        disposition
        == f"inline; filename=\"notice-{notice_id}.pdf\"; filename*=UTF-8''{quote(number + '.pdf', safe='')}"
    )
    assert "〔" in number and disposition.isascii()


def test_the_operator_home_is_the_to_do_list_overdue_first(client, login, three_notices):
    hazards = db.session.scalars(
        select(Hazard).join(Hazard.facility).where(Hazard.facility.has(name=OWN)).order_by(Hazard.id)
    ).all()
    late, soon, reported = hazards
    late.deadline, soon.deadline = date(2020, 1, 1), date(2999, 1, 1)
    reported.status = "evidence_submitted"
    db.session.commit()
    late, soon, reported = late.id, soon.id, reported.id
    login("operator")
    page = client.get("/").get_data(as_text=True)
    assert "<h1>待办</h1>" in page and "查看本机构档案" in page and "有 2 项隐患需要上报整改" in page
    assert page.index(f'id="todo-{late}"') < page.index(f'id="todo-{soon}"') < page.index(f'id="todo-{reported}"')
    late_card = page.split(f'id="todo-{late}"')[1].split("</li>")[0]
    assert "已逾期" in late_card and "整改后的现场照片" in late_card
    assert f'href="/hazards/mine#hazard-{late}"' in late_card and "/pdf" in late_card
    assert "还剩" in page.split(f'id="todo-{soon}"')[1].split("</li>")[0]
    assert "已报整改，待复查" in page.split(f'id="todo-{reported}"')[1].split("</li>")[0]


def test_an_operator_with_nothing_open_is_told_so(client, login):
    login("operator")
    assert "没有待整改的隐患" in client.get("/").get_data(as_text=True)


def test_a_refused_upload_shows_its_error_at_its_hazard_and_returns_there(client, login, three_notices):
    hazard_id = db.session.scalars(select(Hazard.id).where(Hazard.facility.has(name=OWN)).order_by(Hazard.id)).first()
    login("operator")
    page = client.get("/hazards/mine").get_data(as_text=True)
    assert f'action="/hazards/{hazard_id}/evidence#evidence-{hazard_id}"' in page  # the browser returns to the form
    response = client.post(
        f"/hazards/{hazard_id}/evidence",
        data={
            f"h{hazard_id}-note": "已整改",
            f"h{hazard_id}-photos": (io.BytesIO(b"not a photo"), "x.jpg"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    card = response.get_data(as_text=True).split(f'id="hazard-{hazard_id}"')[1].split("</li>")[0]
    assert 'class="error"' in card and f'<details class="evidence-form" id="evidence-{hazard_id}" open>' in card


#: What must not show as text on a page a person reads: major-hazard criterion codes, item classes and department
#: codes as stored, and the engine's rule signs.
CODES = re.compile(r"MH-\d|\b(major|key|general|mz|xf|sc|wj|zj)\b|→|≥| < ")


def visible_text(html: str) -> str:
    """The text a browser shows: no scripts, styles, tags or attribute values."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", " ", html))


def test_pages_people_read_show_no_internal_codes_or_formulas(app, client, login, three_notices):
    with app.app_context():
        graded = grade(make_facility(), 3, countersign=False).inspection_id  # its explanation has rule signs
        db.session.commit()
    hazard_ids = db.session.scalars(select(Hazard.id).where(Hazard.facility.has(name=OWN))).all()
    notice_id = db.session.scalar(select(Notice.id).limit(1))
    pages = {
        "reviewer": [
            "/",
            "/rankings/reviews",
            f"/inspections/{graded}",
            "/notices/",
            f"/notices/{notice_id}",
            f"/inspections/{three_notices}",
            "/hazards/",
        ]
        + [f"/hazards/{h}" for h in hazard_ids],
        "xf1": ["/", "/hazards/reinspect", f"/inspections/{three_notices}", f"/inspections/{three_notices}/form"],
        "operator": ["/", "/hazards/mine", "/notices/"],
    }
    for username, paths in pages.items():
        login(username)
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, path
            found = CODES.search(visible_text(response.get_data(as_text=True)))
            assert found is None, f"{username} {path}: {found and found.group(0)!r}"
        client.post("/auth/logout")
