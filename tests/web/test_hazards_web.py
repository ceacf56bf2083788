"""Hazard follow-up through the web: who sees which page, the operator's evidence, deadline changes, the
re-inspection with its 复查意见书, and the dashboard's counts against a frozen today."""

import io
import re
from datetime import date, timedelta

import pytest
from PIL import Image
from sqlalchemy import event, func, select

from inspection.extensions import db
from inspection.models import CreditListing, CreditStatus, Hazard, HazardStatus, Notice, Photo
from inspection.services import Actor, hazard_lists
from inspection.services.credit import record_fire_determination
from tests.conftest import facility, user
from tests.factories import OTHER_COUNTY, OWN, SAME_COUNTY, make_facility
from tests.web.test_followup import ABBR, FOUND, _inspected

#: Everyone acts as a member of the cast (factories.make_cast), built in each test's transaction.
pytestmark = pytest.mark.usefixtures("cast")
#: _inspected() finds the hazards on FOUND: F2 major (xf, due FOUND+7), F5 key (xf, +15), F12 general (mz, +30).
FROZEN = FOUND + timedelta(days=10)


class FrozenDate(date):
    """`date` whose today() is FROZEN, patched into the blueprint module."""

    @classmethod
    def today(cls):
        return FROZEN


@pytest.fixture
def frozen(monkeypatch):
    monkeypatch.setattr("inspection.blueprints.hazards.date", FrozenDate)


def _hazards(app, facility_name):
    """Build a completed fire inspection of `facility_name` and return its hazard ids by item code."""
    with app.app_context():
        inspection = _inspected(facility_name=facility_name)
        db.session.commit()  # into the test's outer transaction, which is still rolled back afterwards
        rows = db.session.scalars(select(Hazard).where(Hazard.inspection_id == inspection.id))
        return {h.item_code: h.id for h in rows}


@pytest.fixture
def own(app, cast):
    return _hazards(app, OWN)


@pytest.fixture
def same_county(app, cast):
    return _hazards(app, SAME_COUNTY)


def _jpeg(color="green"):
    buffer = io.BytesIO()
    Image.new("RGB", (80, 60), color).save(buffer, "JPEG")
    return buffer.getvalue()


def _hazard(hazard_id):
    return db.session.get(Hazard, hazard_id)


# ---- who may open which page ------------------------------------------------------------------------------------

PAGES = [
    ("/hazards/", "reviewer", 200), ("/hazards/", "admin", 200),
    ("/hazards/", "xf1", 403), ("/hazards/", "operator", 403),
    ("/hazards/mine", "operator", 200), ("/hazards/mine", "reviewer", 403), ("/hazards/mine", "xf1", 403),
    ("/hazards/reinspect", "xf1", 200), ("/hazards/reinspect", "mz1", 200),
    ("/hazards/reinspect", "reviewer", 403), ("/hazards/reinspect", "operator", 403),
    ("/hazards/reinspect", "admin", 403),
]  # fmt: skip


@pytest.mark.parametrize(("path", "username", "status"), PAGES)
def test_role_pages(client, login, path, username, status):
    login(username)
    assert client.get(path).status_code == status


def test_anonymous_users_are_sent_to_the_login(client):
    for path in ("/hazards/", "/hazards/mine", "/hazards/reinspect", "/hazards/1"):
        response = client.get(path)
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


DETAIL = [
    # who, whose hazard, expected status
    ("reviewer", OWN, 200), ("admin", SAME_COUNTY, 200), ("xf1", OWN, 200), ("mz1", SAME_COUNTY, 200),
    ("operator", OWN, 200), ("operator", SAME_COUNTY, 404),
    ("other_reviewer", OWN, 404), ("other_operator", OWN, 404),
]  # fmt: skip


@pytest.mark.parametrize(("username", "whose", "status"), DETAIL)
def test_hazard_detail(app, client, login, username, whose, status):
    hazards = _hazards(app, whose)
    login(username)
    assert client.get(f"/hazards/{hazards['F5']}").status_code == status


def test_a_missing_hazard_is_404(client, login):
    login("reviewer")
    assert client.get("/hazards/999999").status_code == 404


def test_the_reinspection_page_refuses_a_facility_outside_the_region(client, login):
    login("xf1")
    assert client.get(f"/hazards/reinspect/{facility(OTHER_COUNTY).id}").status_code == 404


def test_before_photos_are_served_to_who_may_see_the_hazard_only(app, client, login, own):
    photo_id = db.session.scalar(
        select(Photo.id).where(Photo.inspection_id == _hazard(own["F2"]).inspection_id, Photo.item_code == "F2")
    )
    login("operator")
    response = client.get(f"/hazards/{own['F2']}/before/{photo_id}")
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    assert client.get(f"/hazards/{own['F5']}/before/{photo_id}").status_code == 404  # another hazard's photo
    client.post("/auth/logout")
    login("other_operator")
    assert client.get(f"/hazards/{own['F2']}/before/{photo_id}").status_code == 404


# ---- the operator ------------------------------------------------------------------------------------------------


def test_the_operator_sees_open_hazards_nearest_deadline_first_with_overdue_written_out(client, login, own, frozen):
    login("operator")
    page = client.get("/hazards/mine").get_data(as_text=True)
    assert page.index(f'id="hazard-{own["F2"]}"') < page.index(f'id="hazard-{own["F5"]}"')
    assert page.index(f'id="hazard-{own["F5"]}"') < page.index(f'id="hazard-{own["F12"]}"')
    assert "立即" in page and "已逾期 3 天" in page  # F2: deadline 11-09, today 11-12
    assert 'capture="environment"' in page and 'accept="image/*"' in page and "multiple" in page
    assert f"/hazards/{own['F2']}/before/" in page  # the finding photo


def test_the_operator_uploads_evidence(client, login, own):
    login("operator")
    data = {f"h{own['F5']}-note": "已清理疏散通道", f"h{own['F5']}-photos": [(io.BytesIO(_jpeg()), "after.jpg")]}
    response = client.post(f"/hazards/{own['F5']}/evidence", data=data, content_type="multipart/form-data")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"#hazard-{own['F5']}")
    hazard = _hazard(own["F5"])
    assert hazard.status == HazardStatus.EVIDENCE_SUBMITTED
    assert hazard.updates[-1].note == "已清理疏散通道" and len(hazard.updates[-1].photos) == 1
    page = client.get("/hazards/mine").get_data(as_text=True)
    assert "已报整改，待复查" in page and f"/hazards/{own['F5']}/photos/{hazard.updates[-1].photos[0].id}" in page
    assert client.get(f"/hazards/{own['F5']}/photos/{hazard.updates[-1].photos[0].id}").status_code == 200


def test_a_bad_image_re_renders_the_form_with_the_error_and_keeps_the_note(client, login, own):
    login("operator")
    data = {
        f"h{own['F5']}-note": "通道已清理，灭火器已更换",
        f"h{own['F5']}-photos": [(io.BytesIO(_jpeg()), "ok.jpg"), (io.BytesIO(b"<html>not an image</html>"), "x.jpg")],
    }
    response = client.post(f"/hazards/{own['F5']}/evidence", data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "无法识别为图片" in page and "通道已清理，灭火器已更换</textarea>" in page
    assert _hazard(own["F5"]).status == HazardStatus.OPEN and not _hazard(own["F5"]).updates


def test_evidence_needs_a_note_or_a_photo_and_at_most_six_photos(client, login, own):
    login("operator")
    response = client.post(f"/hazards/{own['F5']}/evidence", data={f"h{own['F5']}-note": " "})
    assert response.status_code == 400 and "请填写整改说明或上传整改照片" in response.get_data(as_text=True)
    photos = [(io.BytesIO(_jpeg()), f"{n}.jpg") for n in range(7)]
    data = {f"h{own['F5']}-note": "七张", f"h{own['F5']}-photos": photos}
    response = client.post(f"/hazards/{own['F5']}/evidence", data=data, content_type="multipart/form-data")
    assert response.status_code == 400 and "最多上传 6 张" in response.get_data(as_text=True)


def test_the_operator_cannot_report_on_another_facilitys_hazard(client, login, same_county):
    login("operator")
    data = {f"h{same_county['F5']}-note": "伪造"}
    assert client.post(f"/hazards/{same_county['F5']}/evidence", data=data).status_code == 404
    assert _hazard(same_county["F5"]).status == HazardStatus.OPEN


def test_only_operators_submit_evidence(client, login, own):
    login("reviewer")
    assert client.post(f"/hazards/{own['F5']}/evidence", data={f"h{own['F5']}-note": "x"}).status_code == 403


# ---- deadlines ---------------------------------------------------------------------------------------------------


def test_an_inspector_of_the_responsible_department_changes_the_deadline_with_a_reason(client, login, own):
    login("xf1")
    page = client.get(f"/hazards/{own['F5']}").get_data(as_text=True)
    assert "修改整改期限" in page
    new = (date.today() + timedelta(days=40)).isoformat()
    response = client.post(f"/hazards/{own['F5']}/deadline", data={"deadline": new, "reason": ""})
    assert response.status_code == 400 and "修改整改期限须填写理由" in response.get_data(as_text=True)
    response = client.post(f"/hazards/{own['F5']}/deadline", data={"deadline": new, "reason": "设备采购周期长"})
    assert response.status_code == 302
    hazard = _hazard(own["F5"])
    assert hazard.deadline.isoformat() == new and hazard.deadline_reason == "设备采购周期长"
    assert "设备采购周期长" in client.get(f"/hazards/{own['F5']}").get_data(as_text=True)  # in the history


@pytest.mark.parametrize(("username", "status"), [("mz1", 403), ("reviewer", 403), ("operator", 403)])
def test_others_may_not_change_the_deadline(client, login, own, username, status):
    login(username)
    response = client.post(f"/hazards/{own['F5']}/deadline", data={"deadline": "2026-12-31", "reason": "x"})
    assert response.status_code == status
    assert "修改整改期限…" not in client.get(f"/hazards/{own['F5']}").get_data(as_text=True)


# ---- re-inspection -----------------------------------------------------------------------------------------------


def _decisions(hazards, **overrides):
    today = date.today()
    data = {
        "reinspected_on": today.isoformat(),
        "on_site": "y",
        f"decision_{hazards['F2']}": "accept",
        f"note_{hazards['F2']}": "已拆除",
        f"decision_{hazards['F5']}": "reject",
        f"note_{hazards['F5']}": "通道仍堆放杂物",
        f"deadline_{hazards['F5']}": (today + timedelta(days=10)).isoformat(),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_the_work_list_and_the_reinspection_page_show_only_the_departments_open_hazards(client, login, same_county):
    login("xf1")
    work = client.get("/hazards/reinspect").get_data(as_text=True)
    assert SAME_COUNTY in work and f"/hazards/reinspect/{facility(SAME_COUNTY).id}" in work
    page = client.get(f"/hazards/reinspect/{facility(SAME_COUNTY).id}").get_data(as_text=True)
    assert f"decision_{same_county['F2']}" in page and f"decision_{same_county['F5']}" in page
    assert f"decision_{same_county['F12']}" not in page  # a 民政 hazard
    assert "重大事故隐患只能经现场复查销号" in page and "整改前" in page and "整改后" in page
    client.post("/auth/logout")
    login("mz1")
    page = client.get(f"/hazards/reinspect/{facility(SAME_COUNTY).id}").get_data(as_text=True)
    assert f"decision_{same_county['F12']}" in page and f"decision_{same_county['F2']}" not in page


def test_a_reinspection_accepts_and_rejects_and_issues_the_reinspection_opinion(client, login, same_county):
    login("xf1")
    files = {f"photos_{same_county['F2']}": [(io.BytesIO(_jpeg("blue")), "after.jpg")]}
    response = client.post(
        f"/hazards/reinspect/{facility(SAME_COUNTY).id}",
        data={**_decisions(same_county), **files},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    notice = db.session.get(Notice, int(response.headers["Location"].rsplit("/", 1)[1]))
    assert notice.kind == "reinspection" and notice.number.startswith(f"{ABBR}消复")
    major, key = _hazard(same_county["F2"]), _hazard(same_county["F5"])
    assert major.status == HazardStatus.CLOSED and major.closed_on == date.today()
    assert len(major.updates[-1].photos) == 1
    assert key.status == HazardStatus.OPEN and key.deadline == date.today() + timedelta(days=10)
    history = client.get(f"/hazards/{same_county['F5']}").get_data(as_text=True)
    assert "复查未通过" in history and "通道仍堆放杂物" in history and notice.number in history


def test_a_major_hazard_is_not_closed_off_site_and_the_input_is_kept(client, login, same_county):
    login("xf1")
    notices = db.session.scalar(select(func.count()).select_from(Notice))
    response = client.post(f"/hazards/reinspect/{facility(SAME_COUNTY).id}", data=_decisions(same_county, on_site=None))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "只能经现场复查销号" in page and "通道仍堆放杂物</textarea>" in page
    assert _hazard(same_county["F2"]).status == HazardStatus.OPEN
    assert _hazard(same_county["F5"]).status == HazardStatus.OPEN
    assert db.session.scalar(select(func.count()).select_from(Notice)) == notices


def test_a_rejection_needs_a_reason_and_a_later_deadline(client, login, same_county):
    login("xf1")
    data = _decisions(same_county, **{f"note_{same_county['F5']}": "", f"deadline_{same_county['F5']}": ""})
    response = client.post(f"/hazards/reinspect/{facility(SAME_COUNTY).id}", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "未通过复查须说明理由" in page and "请给出晚于复查日期的新整改期限" in page
    assert f'<input checked id="decision_{same_county["F2"]}-1"' in page  # accept, as sent
    assert f'<input checked id="decision_{same_county["F5"]}-2"' in page  # reject, as sent


def test_a_reinspection_without_any_decision_is_refused(client, login, same_county):
    login("xf1")
    data = {"reinspected_on": date.today().isoformat(), "on_site": "y"}
    response = client.post(f"/hazards/reinspect/{facility(SAME_COUNTY).id}", data=data)
    assert response.status_code == 400 and "请至少对一项隐患作出复查结论" in response.get_data(as_text=True)


# ---- dashboard ---------------------------------------------------------------------------------------------------


def _row(page, name):
    """Return the numbers of the tally row of `name` (open, due this week, overdue)."""
    match = re.search(
        re.escape(name)
        + r"</a>[^<]*(?:<span[^>]*>.*?</span></span>)?</td>\s*<td>(\d+)</td><td>(\d+)</td>\s*<td[^>]*>(\d+)",
        page,
    )
    assert match, f"no row for {name}"
    return tuple(int(n) for n in match.groups())


def test_the_dashboard_counts_open_due_this_week_and_overdue_against_today(app, client, login, frozen):
    with app.app_context():  # hazards of another facility of the township: rows the counts below add to
        name = make_facility(region_id=facility(SAME_COUNTY).region_id).name
        db.session.commit()
    _hazards(app, name)
    login("reviewer")
    before = client.get("/hazards/").get_data(as_text=True)
    hazards = _hazards(app, SAME_COUNTY)
    page = client.get("/hazards/").get_data(as_text=True)
    # today 11-12: F2 (11-09) overdue, F5 (11-17) due this week, F12 (12-02) only open
    assert _row(page, SAME_COUNTY) == (3, 1, 1)
    for name, added in (("消防救援", (2, 1, 1)), ("民政", (1, 0, 0)), (facility(SAME_COUNTY).region.name, (3, 1, 1))):
        assert tuple(a - b for a, b in zip(_row(page, name), _row(before, name), strict=True)) == added
    only = f"facility={facility(SAME_COUNTY).id}"
    overdue = client.get(f"/hazards/?overdue=1&{only}").get_data(as_text=True)
    assert f'/hazards/{hazards["F2"]}"' in overdue and f'/hazards/{hazards["F5"]}"' not in overdue
    due = client.get(f"/hazards/?due=1&{only}").get_data(as_text=True)
    assert f'/hazards/{hazards["F5"]}"' in due and f'/hazards/{hazards["F2"]}"' not in due


def test_the_tallies_show_the_worst_rows_and_say_how_many_there_are(app, client, login, frozen, monkeypatch):
    with app.app_context():
        name = make_facility(region_id=facility(SAME_COUNTY).region_id).name
        db.session.commit()
    _hazards(app, name)
    _hazards(app, SAME_COUNTY)
    monkeypatch.setattr(hazard_lists, "TALLY_ROWS", 1)  # a province has thousands of facilities with open hazards
    login("reviewer")
    page = client.get("/hazards/").get_data(as_text=True)
    (shown,) = re.findall(r"逾期最多的 1 个（共 (\d+) 个）", page)  # facilities (the two share a township)
    assert int(shown) >= 2
    assert len(re.findall(r'href="/hazards/\?facility=\d+#list"', page)) == 1


def test_reading_the_dashboard_writes_nothing_when_no_listing_is_due(app, client, login, same_county, frozen):
    login("reviewer")
    client.get("/hazards/")  # proposes what is due, if anything
    writes = []

    def note(conn, cursor, statement, *args):
        if statement.lstrip().split()[0].upper() in ("INSERT", "UPDATE", "DELETE"):
            writes.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        assert client.get("/hazards/?overdue=1").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", note)
    assert writes == []


def test_the_list_filters_by_facility_department_class_and_status(client, login, same_county, own):
    login("reviewer")
    page = client.get(f"/hazards/?facility={facility(SAME_COUNTY).id}&department=xf&item_class=key").get_data(
        as_text=True
    )
    assert f'/hazards/{same_county["F5"]}"' in page
    assert f'/hazards/{same_county["F2"]}"' not in page and f'/hazards/{own["F5"]}"' not in page
    assert f'/hazards/{same_county["F5"]}"' not in client.get("/hazards/?status=closed").get_data(as_text=True)


def test_the_dashboard_proposes_a_listing_once_and_shows_it(app, client, login, same_county, frozen):
    with app.app_context():  # 消防 determined the overdue major hazard a 重大火灾隐患 (GB 35181)
        major = next(h for h in map(_hazard, same_county.values()) if h.item_class == "major")
        record_fire_determination(major, "测消重判〔2026〕1号", FOUND, Actor(user("xf1"), "test"), FOUND)
        db.session.commit()
    login("reviewer")
    page = client.get("/hazards/").get_data(as_text=True)
    client.get("/hazards/")
    proposals = db.session.scalars(
        select(CreditListing).where(
            CreditListing.facility_id == facility(SAME_COUNTY).id, CreditListing.status == CreditStatus.PROPOSED
        )
    ).all()
    assert len(proposals) == 1
    assert "建议列入失信名单" in page and f"/credit/{proposals[0].id}/confirm" in page
    assert page.count(f"/credit/{proposals[0].id}/confirm") == 1


def test_a_listed_facility_is_marked_on_the_dashboard_and_the_work_list(app, client, login, same_county):
    from tests.web.test_credit_web import _list

    _list(app, SAME_COUNTY)
    login("reviewer")
    assert "失信名单</span>" in client.get(f"/hazards/?facility={facility(SAME_COUNTY).id}").get_data(as_text=True)
    client.post("/auth/logout")
    login("xf1")
    assert "失信名单</span>" in client.get("/hazards/reinspect").get_data(as_text=True)
