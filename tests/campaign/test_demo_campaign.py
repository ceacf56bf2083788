"""The demo county shows the campaign: one home accepted for grading, one refused for a recent penalty (issue 14)."""

import pytest
from sqlalchemy import select

from inspection.extensions import db
from inspection.models import ApplicationStatus, GradingApplication
from tests.conftest import facility


@pytest.fixture(scope="module")
def app(demo_app):
    """These tests read the demo county's names (see conftest `demo_app`)."""
    return demo_app


def test_the_demo_campaign_has_an_accepted_and_a_refused_application(app_ctx, client):
    by_facility = {a.facility.name: a for a in db.session.scalars(select(GradingApplication))}
    assert by_facility["北苑敬老院"].status == ApplicationStatus.DECIDED  # accepted, then assessed and decided
    refused = by_facility["三岔镇敬老院"]
    assert refused.status == ApplicationStatus.REFUSED
    assert [r["code"] for r in refused.refusals] == ["penalty_within_months"]
    assert "清涟敬老院" not in by_facility and facility("清涟敬老院").filed_on is not None
    page = client.get("/public/grading/accepted").get_data(as_text=True)
    assert "北苑敬老院" in page and "三岔镇敬老院" not in page


def test_the_demo_campaign_has_a_decided_and_a_scheduled_assessment(app_ctx, client):
    by_facility = {a.facility.name: a for a in db.session.scalars(select(GradingApplication))}
    decided = by_facility["北苑敬老院"]
    assert decided.stage == "publicity" and decided.decided_level == decided.level  # decided today: in 公示
    assert len(decided.assessment.assignments) == 3 and "评定委员乙" in decided.committee_members
    assert {a.user.role for a in decided.assessment.assignments} == {"inspector", "assessor"}
    scheduled = by_facility["康宁老年公寓"]
    assert scheduled.stage == "assessment_scheduled"
    assert "北苑敬老院" in client.get("/public/grading/accepted").get_data(as_text=True)


def test_the_demo_decision_is_in_publicity_with_an_objection_awaiting_review(app_ctx, client):
    decided = next(a for a in db.session.scalars(select(GradingApplication)) if a.facility.name == "北苑敬老院")
    (objection,) = decided.pending_objections
    assert objection.is_demo and "（演示）" in objection.submitter_name and objection.contact.startswith("138")
    page = client.get("/public/grading/publicity").get_data(as_text=True)
    assert "北苑敬老院" in page and "康宁老年公寓" not in page
    assert objection.contact not in page and objection.submitter_name not in page


def test_the_demo_county_has_published_grades_and_a_lapsed_one_with_its_plaque_out(app_ctx, client):
    from datetime import date

    from inspection.models import CertificateStatus, GradeCertificate

    by_facility = {c.facility.name: c for c in db.session.scalars(select(GradeCertificate))}
    active = by_facility["五寨县社会福利中心"]
    assert active.status == CertificateStatus.ACTIVE and active.level == 4 and active.pdf_file.data.startswith(b"%PDF")
    assert active.application.assessment_result is not None
    lapsed = by_facility["颐和养老院"]
    assert lapsed.status == CertificateStatus.EXPIRED and lapsed.plaque_due_on(date.today())
    page = client.get(f"/public/facilities/{lapsed.facility_id}").get_data(as_text=True)
    assert "已过期" in page and lapsed.number in page
    assert "北苑敬老院" not in by_facility  # decided, in 公示 in the demo
