"""Publication of a committee's decision and the grade certificate (issue 14, step 6), through the web: the grade
becomes the facility's, the certificate PDF follows the notices' document rules and verifies on 验真, a double
submit issues one certificate, a re-grading supersedes, expiry and a downgrade ask for the plaque back."""

import hashlib
import subprocess
from datetime import date, timedelta
from io import BytesIO

import zxingcpp
from PIL import Image
from sqlalchemy import func, select

from inspection.campaign.publicity import publicity_period
from inspection.checklists import GRADE_STANDING
from inspection.extensions import db
from inspection.models import (
    AuditEvent,
    CertificateStatus,
    FacilityStanding,
    GradeCertificate,
    GradingApplication,
    Role,
)
from inspection.services import Actor
from inspection.services.campaign import campaign_rules, eligibility_refusals
from inspection.services.grading_applications import apply_for_grading, grading_checklist, review_application
from inspection.services.grading_assessment import record_decision, schedule_assessment
from tests.conftest import facility as named_facility
from tests.conftest import user
from tests.factories import OWN, answer_all, base_county, grading_deductions, make_user, submit
from tests.notices.fixtures.pdftools import font_rows, run

TODAY = date.today()
PUBLIC_BASE = "https://careinspect.example.cn"


def make_eligible(facility):
    facility.opened_on = TODAY - timedelta(days=900)
    facility.filed_on = TODAY - timedelta(days=890)


def decided_application(cast, level=2, decided=None, applied=None, publicity_over=True):
    """Walk the cast's own facility to a committee decision at `decided` (default: the level applied for) through
    the services: application, eligibility review, a team of three, the grading inspection, the committee; and,
    unless `publicity_over` is False, past its 公示."""
    facility = named_facility(OWN)  # the cast's objects may be detached by earlier requests
    make_eligible(facility)
    rules = campaign_rules("shanxi")
    _version, checklist = grading_checklist()
    answers = {item.code: {"result": "pass"} for section in checklist.sections for item in section.items}
    application = apply_for_grading(facility, applied or level, answers, Actor(user("operator"), "test"))
    reviewer = Actor(user("reviewer"), "test")
    review_application(application, True, "", reviewer, rules, TODAY)
    county = base_county()
    assessor = make_user(Role.ASSESSOR, county, department_id=county.department("mz").id)
    visit = schedule_assessment(application, [user("mz1"), user("mz2"), assessor], TODAY, reviewer, rules, TODAY)
    answer_all(visit, deductions=grading_deductions(level))
    submit(visit)
    decided = decided or level
    reason = "" if decided == level == (applied or level) else "委员会决定（测试）"
    record_decision(
        application, TODAY, "评定委员甲（测试）\n评定委员乙（测试）", decided, reason, reviewer, rules, TODAY
    )
    if publicity_over:
        publicity_passed(application)
    db.session.commit()
    return application.id, facility.id


def publicity_passed(application):
    """Let the decision's 公示 pass without objection: its period as if the decision had been recorded two weeks ago."""
    period = publicity_period(TODAY - timedelta(days=14), 5)
    application.publicity_starts_on, application.publicity_ends_on = period.starts_on, period.ends_on


def publish(client, application_id, number="测民发〔2026〕12号", on=TODAY, confirmed=True):
    data = {"decision_number": number, "published_on": on.isoformat()}
    if confirmed:
        data["confirmed"] = "y"
    return client.post(f"/grading/{application_id}/publish", data=data)


def certificates(facility_id):
    db.session.expire_all()
    stmt = select(GradeCertificate).where(GradeCertificate.facility_id == facility_id).order_by(GradeCertificate.id)
    return db.session.scalars(stmt).all()


def grade_standing(facility_id):
    db.session.expire_all()
    return db.session.scalar(
        select(FacilityStanding).where(
            FacilityStanding.facility_id == facility_id, FacilityStanding.kind == GRADE_STANDING
        )
    )


def test_publishing_makes_the_grade_the_facilitys_and_issues_the_certificate(app, cast, client, login, tmp_path):
    app.config["PUBLIC_BASE_URL"] = PUBLIC_BASE
    application_id, facility_id = decided_application(cast, level=2)
    login("reviewer")
    page = client.get(f"/grading/{application_id}").get_data(as_text=True)
    assert "公布评定结果" in page and "待核实" in page
    response = publish(client, application_id, number="五民发2026-12", confirmed=False)
    body = response.get_data(as_text=True)
    assert response.status_code == 400 and "请确认后再公布" in body and 'value="五民发2026-12"' in body
    response = publish(client, application_id, number="五民发2026-12")
    assert response.status_code == 400 and "文号格式应为" in response.get_data(as_text=True)
    response = publish(client, application_id, on=TODAY + timedelta(days=1))
    assert response.status_code == 400 and "不晚于今天" in response.get_data(as_text=True)
    assert certificates(facility_id) == []
    response = publish(client, application_id)
    assert response.status_code == 302
    (certificate,) = certificates(facility_id)
    years = campaign_rules("shanxi").campaign.validity_years
    assert certificate.level == 2 and certificate.status == CertificateStatus.ACTIVE
    assert certificate.decision_number == "测民发〔2026〕12号" and certificate.number.endswith("号")
    assert "证〔" in certificate.number and certificate.valid_from == TODAY
    assert certificate.valid_until == date(TODAY.year + years, TODAY.month, TODAY.day) - timedelta(days=1) or (
        TODAY.month == 2 and TODAY.day == 29
    )
    # the grade is the facility's: its standing, the facility page, the public page, the API
    standing = grade_standing(facility_id)
    assert (standing.grade, standing.verdict_code, standing.decided_on) == (2, "grade", TODAY)
    assert db.session.get(GradingApplication, application_id).stage == "published"
    page = client.get(f"/grading/{application_id}").get_data(as_text=True)
    assert "已公布，证书已发放" in page and certificate.number in page and "publish-h" not in page
    facility_page = client.get(f"/facilities/{facility_id}").get_data(as_text=True)
    assert certificate.number in facility_page and certificate.valid_until.isoformat() in facility_page
    public = client.get(f"/public/facilities/{facility_id}").get_data(as_text=True)
    assert "二级" in public and certificate.number in public and certificate.valid_until.isoformat() in public
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "grading.publish")).all()
    assert [e.object_id for e in events] == [str(application_id)]
    # the PDF as issued: stored hash, fonts embedded, text extractable, QR to the public page, 验真
    download = client.get(f"/grading/certificates/{certificate.id}.pdf")
    data = download.data
    assert download.mimetype == "application/pdf" and hashlib.sha256(data).hexdigest() == certificate.pdf_sha256
    pdf = tmp_path / "certificate.pdf"
    pdf.write_bytes(data)
    rows = font_rows(pdf)
    assert rows and all(row[-5:-3] == ["yes", "yes"] for row in rows)  # embedded subsets
    assert all("+NoticeSerif" in row[0] or "+NotoSerifCJKsc" in row[0] for row in rows)  # the project's font only
    text = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()
    for expected in ("养老机构等级证书", OWN, "二级", certificate.number, "测民发〔2026〕12号", "待核实"):
        assert expected in text.replace(" ", ""), expected
    assert f"{certificate.valid_until.year}年{certificate.valid_until.month}月{certificate.valid_until.day}日" in text
    run("pdftoppm", "-r", "200", "-png", "-singlefile", pdf, tmp_path / "page")
    with Image.open(tmp_path / "page.png") as image:
        found = zxingcpp.read_barcodes(image.convert("L"))
    assert [r.text for r in found] == [f"{PUBLIC_BASE}/public/facilities/{facility_id}"]
    client.post("/auth/logout")
    verified = client.post(
        "/verify", data={"file": (BytesIO(data), "certificate.pdf")}, content_type="multipart/form-data"
    )
    assert verified.status_code == 200 and certificate.number in verified.get_data(as_text=True)


def test_a_decision_is_published_only_after_its_publicity_cleared(cast, client, login):
    application_id, facility_id = decided_application(cast, level=2, publicity_over=False)
    login("reviewer")
    page = client.get(f"/grading/{application_id}").get_data(as_text=True)
    assert "评定结果公示中" in page and "公布评定结果" not in page  # no publish form while the 公示 runs
    response = publish(client, application_id)
    assert response.status_code == 400 and "公示期未满" in response.get_data(as_text=True)
    assert certificates(facility_id) == []
    publicity_passed(db.session.get(GradingApplication, application_id))
    db.session.commit()
    assert publish(client, application_id).status_code == 302
    assert len(certificates(facility_id)) == 1


def test_a_double_submit_issues_one_certificate(cast, client, login):
    application_id, facility_id = decided_application(cast, level=1)
    login("reviewer")
    assert publish(client, application_id).status_code == 302
    assert publish(client, application_id).status_code in (302, 400)
    assert len(certificates(facility_id)) == 1
    count = db.session.scalar(select(func.count()).where(AuditEvent.action == "grading.publish"))
    assert count == 1


def test_only_the_facilitys_reviewer_publishes_and_with_a_csrf_token(app, cast, client, login):
    application_id, facility_id = decided_application(cast, level=1)
    county = base_county()
    make_user(Role.ASSESSOR, county, username="assessor_pub", department_id=county.department("mz").id)
    db.session.commit()
    refusals = (("operator", 403), ("assessor_pub", 403), ("admin", 403), ("mz1", 403), ("other_reviewer", 404))
    for username, status in refusals:
        login(username)
        assert publish(client, application_id).status_code == status, username
        client.post("/auth/logout")
    login("reviewer")
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert publish(client, application_id).status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert certificates(facility_id) == []


def test_expiry_ends_the_grade_and_the_plaque_must_come_back_before_reapplying(cast, client, login, runner):
    application_id, facility_id = decided_application(cast, level=2)
    login("reviewer")
    assert publish(client, application_id).status_code == 302
    (certificate,) = certificates(facility_id)
    later, number, certificate_id = certificate.valid_until + timedelta(days=1), certificate.number, certificate.id
    assert "0 certificate(s) expired" in runner.invoke(args=["grading", "expire-certificates"]).output
    result = runner.invoke(args=["grading", "expire-certificates", "--today", later.isoformat()])
    assert number in result.output and "1 certificate(s) expired" in result.output
    assert certificates(facility_id)[0].status == CertificateStatus.EXPIRED
    assert grade_standing(facility_id) is None  # no longer counts as graded (rankings, API)
    public = client.get(f"/public/facilities/{facility_id}").get_data(as_text=True)
    assert "已过期" in public
    facility_page = client.get(f"/facilities/{facility_id}").get_data(as_text=True)
    assert "标牌未交回" in facility_page
    # the plaque still out refuses a new application; the reviewer records its return
    refused = eligibility_refusals(db.session.get(type(cast[OWN]), facility_id), 2, campaign_rules("shanxi"), TODAY)
    assert "plaque_not_returned" in [r.code for r in refused]
    login("reviewer")
    form = f"/grading/certificates/{certificate_id}/plaque"
    response = client.post(form, data={"returned_on": (TODAY + timedelta(days=1)).isoformat()})
    assert response.status_code == 400 and "不晚于今天" in response.get_data(as_text=True)
    assert client.post(form, data={"returned_on": TODAY.isoformat()}).status_code == 302
    returned = certificates(facility_id)[0]
    assert returned.plaque_returned_on == TODAY and returned.plaque_recorded_by_id == cast["reviewer"].id
    refused = eligibility_refusals(db.session.get(type(cast[OWN]), facility_id), 2, campaign_rules("shanxi"), TODAY)
    assert "plaque_not_returned" not in [r.code for r in refused]
    assert "标牌未交回" not in client.get(f"/facilities/{facility_id}").get_data(as_text=True)


def test_a_regrading_supersedes_and_a_downgrade_asks_for_the_plaque(cast, client, login):
    application_id, facility_id = decided_application(cast, level=2)
    login("reviewer")
    assert publish(client, application_id).status_code == 302
    # re-grading: not a first-time applicant any more, so it may apply above the first-time cap
    again_id, _ = decided_application(cast, level=1, applied=4)
    assert publish(client, again_id, number="测民发〔2026〕13号").status_code == 302
    old, new = certificates(facility_id)
    assert old.superseded_by_id == new.id and old.status == CertificateStatus.DOWNGRADED
    assert new.status == CertificateStatus.ACTIVE and new.level == 1 and grade_standing(facility_id).grade == 1
    assert old.sequence + 1 == new.sequence and old.issuer == new.issuer  # numbered in one series per year
    page = client.get(f"/grading/{again_id}").get_data(as_text=True)
    assert "标牌和证书交回" in page and old.number in page
