"""The briefing issued as a PDF through the real routes: the document rules of the notices (fonts embedded, text
extractable, signed, the issued bytes kept with their SHA-256), the county's title from configuration, the period's
figures in its text; who may issue and read it. Its pages are written to test-artifacts/briefing/ as PNG to look at."""

import hashlib
import re
from pathlib import Path

import pytest
from werkzeug.datastructures import MultiDict

from inspection.extensions import db
from inspection.models import AuditEvent, Briefing, Role
from tests.briefing_world import TODAY, ago, build_world
from tests.conftest import Login
from tests.factories import make_county, make_inspector, make_user, unique
from tests.notices.fixtures.pdftools import font_rows, page_texts, run
from tests.signing.pdfsig import pdfsig

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "briefing"
QUARTER = {"start": ago(60).isoformat(), "end": TODAY.isoformat()}


@pytest.fixture
def world(app):
    with app.app_context():
        built = build_world()
        built["reviewer_name"] = built["reviewer"].username
        built["county_name"] = built["county"].region.name
        built["inspector_name"] = make_inspector("xf", built["county"], username=unique("briefing_xf")).username
        built["admin_name"] = make_user(Role.ADMIN, built["county"], username=unique("briefing_admin")).username
        db.session.commit()
        return built


def issue(client, period=QUARTER):
    """Press 生成 PDF 通报 on the page of `period`: post the fields its form holds, as a browser would."""
    page = client.get("/briefing/", query_string=period).get_data(as_text=True)
    form = page.split('action="/briefing/issue"', 1)[1].split("</form>", 1)[0]
    fields = re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form)
    assert sorted(name for name, _ in fields) == ["client_id", "end", "start"]  # the tests' app renders no CSRF token
    return client.post("/briefing/issue", data=MultiDict(fields))


@pytest.fixture
def issued(client, login, world, tmp_path):
    login(world["reviewer_name"])
    response = issue(client)
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    link = re.search(r'href="(/briefing/(\d+)\.pdf)"', page)
    assert link, "the issued briefing is listed on the page"
    pdf = client.get(link[1])
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    path = tmp_path / "briefing.pdf"
    path.write_bytes(pdf.data)
    return {"id": int(link[2]), "response": pdf, "path": path, "page": page}


def test_the_issued_pdf_is_signed_kept_with_its_hash_and_served_as_issued(app, issued, world, tmp_path):
    report = pdfsig(issued["response"].data, tmp_path)
    assert report.valid and report.whole_document, report.output  # signed as the county's 民政 department
    with app.app_context():
        briefing = db.session.get(Briefing, issued["id"])
        assert briefing.signing_certificate_serial and briefing.signing_certificate_sha256
        assert briefing.pdf_sha256 == hashlib.sha256(issued["response"].data).hexdigest()
        assert (briefing.period_start, briefing.period_end) == (ago(60), TODAY)
        assert briefing.title == f"{world['county_name']}养老服务联席会议通报"
        event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "briefing.issue"))
        assert event.after["pdf_sha256"] == briefing.pdf_sha256
    assert issued["response"].headers["ETag"].strip('"') == hashlib.sha256(issued["response"].data).hexdigest()
    assert "SHA-256" in issued["page"]


def test_the_pdf_embeds_its_fonts_and_its_text_is_the_briefing(issued, world):
    rows = font_rows(issued["path"])
    assert rows
    for row in rows:
        assert (row[-5], row[-4]) == ("yes", "yes"), row
        # the document's own font, also in the charts (the signature stamp embeds the same file under its own name)
        assert "+NoticeSerif" in row[0] or "+NotoSerifCJKsc" in row[0], row
    text = "".join(page_texts(issued["path"]))
    assert f"{world['county_name']}养老服务联席会议通报" in text
    assert f"{world['county_name']}养老服务联席会议办公室" in text
    first = ago(60)
    assert f"{first.year}年{first.month}月{first.day}日至{TODAY.year}年{TODAY.month}月{TODAY.day}日" in text
    for heading in ("各部门完成检查", "隐患按类别", "制发文书", "复查", "等级评定进展", "列入失信名单", "统计口径"):
        assert heading in text
    assert "东城敬老院" in text and "西山敬老院" in text  # repeated major hazards; listed in the period
    assert "邻县敬老院" not in text
    assert "期内有两次及以上检查发现重大事故隐患的机构" in text  # the rule is stated


def test_the_pages_as_png(issued):
    """Write the pages as PNG for a person to look at (test-artifacts/briefing/)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    run("pdftoppm", "-r", "60", "-png", issued["path"], ARTIFACTS / "briefing")
    pages = sorted(ARTIFACTS.glob("briefing-*.png"))
    assert pages
    assert "A4" in run("pdfinfo", issued["path"]) or "595" in run("pdfinfo", issued["path"])


def test_others_may_not_issue_or_read_it(app, client, login, issued, world):
    client.post("/auth/logout")
    login(world["inspector_name"])
    assert client.get(f"/briefing/{issued['id']}.pdf").status_code == 403
    assert client.post("/briefing/issue", data=QUARTER).status_code == 403
    other = app.test_client()
    Login(other)(world["neighbour_reviewer"])
    assert other.get(f"/briefing/{issued['id']}.pdf").status_code == 404


def test_a_bad_period_issues_nothing(app, client, login, world):
    login(world["admin_name"])
    response = client.post("/briefing/issue", data={"start": "2026-03-01", "end": "2026-02-01"})
    assert response.status_code == 302
    assert "早于开始日期" in client.get(response.location).get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Briefing.id))) == 0


def test_a_county_without_civil_affairs_cannot_sign_a_briefing(app, client, login):
    with app.app_context():
        county = make_county(townships=1, departments=["xf"])
        admin = make_user(Role.ADMIN, county, username=unique("briefing_admin")).username
        db.session.commit()
    login(admin)
    response = client.post("/briefing/issue", data=QUARTER)
    assert response.status_code == 302
    assert "没有民政部门，无法签发联席会议通报" in client.get(response.location).get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Briefing.id))) == 0
