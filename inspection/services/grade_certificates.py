"""Publication of a committee's decision (公布) and the grade certificate (等级证书), DOMAIN §14.3 step 6.

Publishing makes the decided level the facility's grade (its grade standing, which the facility page, the rankings
and the API read), issues the certificate with its own number, renders, signs and stores its PDF with its SHA-256
like a notice, and supersedes the facility's previous certificate. A grade stands for the rules'
``validity_years`` (`inspection.campaign.validity`); once it lapses, or a re-grading lowers it, the plaque and
certificate are to be handed back (标牌和证书交回), which a reviewer records; until then the eligibility rule
``plaque_not_returned`` refuses a new application.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import exists, select

from inspection.campaign.rules import CampaignRules
from inspection.campaign.stages import Stage
from inspection.campaign.validity import is_downgrade, is_expired, valid_until
from inspection.checklists import GRADE_STANDING
from inspection.extensions import db
from inspection.i18n import N_
from inspection.models import (
    CertificateStatus,
    Facility,
    FacilityStanding,
    GradeCertificate,
    GradingApplication,
)
from inspection.notices.certificate import CertificateDocument, render_certificate_pdf
from inspection.notices.numbering import parse_number
from inspection.permissions import is_reviewer_for
from inspection.scoring.rankings import GRADE_CODE, GRADE_LABELS
from inspection.services import Actor, RuleViolation, ServiceError
from inspection.services.audit import record_event
from inspection.services.files import store_bytes
from inspection.services.notices.records import county_department, take_document_number
from inspection.services.signing import sign_as_department
from inspection.services.standings import replace_standing
from inspection.transactions import locked

#: The 机关代字's kind of the certificates' own numbers (五民证〔2026〕3号), a series of its own per year.
CERTIFICATE_KIND = "证"
#: The department that publishes grades and signs their certificates: civil affairs (民政).
PUBLISHER = "mz"


def public_facility_url(base_url: str, facility_id: int) -> str:
    """Return the facility's public page under `base_url` (what a certificate's QR code opens)."""
    return f"{base_url.rstrip('/')}/public/facilities/{facility_id}"


def publication_refusal(application: GradingApplication, today: date) -> str | None:
    """Return why `application` may not be published on `today` (a message id), or None when it may.

    The one place that holds the precondition of publication: the committee decided a level and its 公示 is over,
    with no objection pending and none upheld against the decision.
    """
    stage = application.stage_on(today)
    if stage == Stage.PUBLICITY or (stage == Stage.DECIDED and not application.publicity_cleared_on(today)):
        return N_("公示期未满，或公示中的异议尚未处理完毕，暂不能公布")
    if stage != Stage.DECIDED:
        return N_("只有评定委员会已评定、尚未公布的申请可以公布")
    if application.decided_level is None:
        return N_("评定委员会未评定等级，没有可公布的等级")
    return None


@dataclass(frozen=True)
class Publication:
    """What the reviewer gives when publishing: the decision's 文号 and the day it is published."""

    decision_number: str
    published_on: date | None


def check_publication(publication: Publication, application: GradingApplication, today: date) -> dict[str, str]:
    """Return the problems of `publication` by field (empty: none)."""
    problems: dict[str, str] = {}
    number = publication.decision_number.strip()
    try:
        parse_number(number)
    except ValueError:
        problems["decision_number"] = N_("文号格式应为“五民发〔2026〕12号”")
    on = publication.published_on
    if on is None:
        problems["published_on"] = N_("请填写公布日期")
    elif on > today or (application.committee_met_on is not None and on < application.committee_met_on):
        problems["published_on"] = N_("公布日期应在评定委员会会议之后、不晚于今天")
    return problems


def publish_grade(
    application: GradingApplication,
    publication: Publication,
    actor: Actor,
    rules: CampaignRules,
    today: date,
    facility_url: str,
) -> GradeCertificate:
    """A 民政 reviewer of the facility's region publishes the committee's decision: the certificate is issued and
    the level becomes the facility's grade. Publishing an application again returns its certificate (a double
    submit issues one).

    :param facility_url: the facility's public page, which the certificate's QR code opens.
    :raises ServiceError: not such a reviewer; `publication_refusal`; a malformed 文号 or a date out of range.
    """
    user = actor.user
    if user is None or not is_reviewer_for(user, application.facility):
        raise ServiceError(N_("只有该辖区的民政审核人员可以公布"))
    (application,) = locked(GradingApplication, application.id)
    issued = db.session.scalar(select(GradeCertificate).where(GradeCertificate.application_id == application.id))
    if issued is not None:  # a repeated submit, or one that waited for the lock while another published
        return issued
    refusal = publication_refusal(application, today)
    if refusal is not None:
        raise RuleViolation(refusal)
    problems = check_publication(publication, application, today)
    if problems:
        raise RuleViolation(next(iter(problems.values())), fields=problems)
    facility = application.facility
    locked(Facility, facility.id)  # one current certificate per facility: decided under the facility's lock
    level = application.decided_level
    assert level is not None and publication.published_on is not None  # publication_refusal, check_publication
    on = publication.published_on
    department = county_department(facility, PUBLISHER)
    number = take_document_number(facility, department, CERTIFICATE_KIND, on)
    until = valid_until(on, rules.campaign.validity_years)
    document = CertificateDocument(
        number=number.text,
        facility=facility.name,
        township=facility.region.name,
        level=level,
        decision_number=publication.decision_number.strip(),
        issuer=department.name,
        published_on=on,
        valid_from=on,
        valid_until=until,
        validity_years=rules.campaign.validity_years,
        facility_url=facility_url,
        validity_unverified=not rules.campaign.verified,
    )
    signed = sign_as_department(render_certificate_pdf(document), department)
    stored = store_bytes(signed.pdf, "application/pdf")
    certificate = GradeCertificate(
        facility_id=facility.id,
        application_id=application.id,
        level=level,
        number=number.text,
        issuer=number.issuer,
        year=number.year,
        sequence=number.sequence,
        decision_number=document.decision_number,
        published_on=on,
        valid_from=on,
        valid_until=until,
        status=CertificateStatus.ACTIVE,
        pdf_file=stored,
        pdf_sha256=stored.sha256,
        signing_certificate_serial=signed.certificate_serial,
        signing_certificate_sha256=signed.certificate_sha256,
        published_by_id=user.id,
        is_demo=application.is_demo,
    )
    db.session.add(certificate)
    db.session.flush()
    replaced = _supersede(facility, certificate, today)
    _make_standing(application, certificate, today)
    record_event(
        actor,
        "grading.publish",
        object_type="grading_application",
        object_id=application.id,
        region_path=facility.region.path,
        after={
            "certificate": certificate.number,
            "level": level,
            "decision_number": certificate.decision_number,
            "published_on": on.isoformat(),
            "valid_until": until.isoformat(),
            "sha256": certificate.pdf_sha256,
            "supersedes": [c.number for c in replaced],
        },
    )
    return certificate


def _supersede(facility: Facility, certificate: GradeCertificate, today: date) -> list[GradeCertificate]:
    """Mark the facility's earlier certificates still standing as replaced by `certificate`: superseded, or revoked
    when the new level is lower (its plaque is then due back); one that lapsed stays expired."""
    earlier = db.session.scalars(
        select(GradeCertificate).where(
            GradeCertificate.facility_id == facility.id,
            GradeCertificate.id != certificate.id,
            GradeCertificate.superseded_by_id.is_(None),
        )
    ).all()
    for old in earlier:
        old.superseded_by_id = certificate.id
        if old.status != CertificateStatus.ACTIVE:
            continue
        if is_expired(old.valid_until, today):
            old.status = CertificateStatus.EXPIRED
        elif is_downgrade(old.level, certificate.level):
            old.status = CertificateStatus.DOWNGRADED
        else:
            old.status = CertificateStatus.SUPERSEDED
    return list(earlier)


def _make_standing(application: GradingApplication, certificate: GradeCertificate, today: date) -> None:
    """Make the published level the facility's grade standing (what pages, rankings and the API read), unless a later
    grading already decided it (`dates.replaces_standing`, as for inspections). A grade carried over from before the
    system (no on-site assessment recorded here) has no result to stand on and leaves the standing as it is."""
    result = application.assessment_result
    if result is None:
        return

    def fill(standing: FacilityStanding) -> None:
        standing.inspection_checklist = result
        standing.verdict, standing.verdict_code = GRADE_LABELS[certificate.level], GRADE_CODE
        standing.grade, standing.points = certificate.level, result.points
        standing.unverified = bool((result.result or {}).get("unverified"))

    replace_standing(certificate.facility_id, GRADE_STANDING, certificate.valid_from, today, fill)
    db.session.flush()


def expire_certificates(today: date, actor: Actor) -> list[GradeCertificate]:
    """Mark the active certificates whose validity ended before `today` as expired and take their grade off the
    facility's standing (it no longer counts as graded); each asks for its plaque back. Run daily (`flask grading
    expire-certificates`); pages compute expiry on read meanwhile."""
    lapsed = db.session.scalars(
        select(GradeCertificate)
        .where(GradeCertificate.status == CertificateStatus.ACTIVE, GradeCertificate.valid_until < today)
        .order_by(GradeCertificate.id)
    ).all()
    for certificate in lapsed:
        certificate.status = CertificateStatus.EXPIRED
        standing = db.session.scalar(
            select(FacilityStanding).where(
                FacilityStanding.facility_id == certificate.facility_id,
                FacilityStanding.kind == GRADE_STANDING,
                FacilityStanding.decided_on == certificate.valid_from,
                FacilityStanding.grade == certificate.level,
            )
        )
        if standing is not None:  # a later inspection's standing is not the certificate's to remove
            db.session.delete(standing)
        record_event(
            actor,
            "grading.certificate_expired",
            object_type="grade_certificate",
            object_id=certificate.id,
            region_path=certificate.facility.region.path,
            after={"certificate": certificate.number, "valid_until": certificate.valid_until.isoformat()},
        )
    db.session.flush()
    return list(lapsed)


def current_certificate(facility_id: int) -> GradeCertificate | None:
    """Return the facility's latest certificate not replaced by another (active, or expired), or None."""
    return db.session.scalar(
        select(GradeCertificate)
        .where(GradeCertificate.facility_id == facility_id, GradeCertificate.superseded_by_id.is_(None))
        .order_by(GradeCertificate.id.desc())
        .limit(1)
    )


def current_certificates(facility_ids: list[int]) -> dict[int, GradeCertificate]:
    """Return the current certificate (`current_certificate`) of each of the facilities that has one."""
    if not facility_ids:
        return {}
    stmt = (
        select(GradeCertificate)
        .where(GradeCertificate.facility_id.in_(facility_ids), GradeCertificate.superseded_by_id.is_(None))
        .order_by(GradeCertificate.id)
    )
    return {c.facility_id: c for c in db.session.scalars(stmt)}  # the latest is written last


def certificates_due_back(facility_id: int, today: date) -> list[GradeCertificate]:
    """Return the facility's certificates whose plaque is to be handed back and was not, oldest first."""
    stmt = (
        select(GradeCertificate)
        .where(GradeCertificate.facility_id == facility_id, GradeCertificate.plaque_returned_on.is_(None))
        .order_by(GradeCertificate.id)
    )
    return [c for c in db.session.scalars(stmt) if c.plaque_due_on(today)]


def plaque_outstanding(facility_id: int, today: date) -> bool:
    """Return True if a plaque and certificate of the facility are due back and were not (feeds the eligibility rule
    ``plaque_not_returned``)."""
    return bool(certificates_due_back(facility_id, today))


def has_held_certificate(facility_id: int) -> bool:
    """Return True if the facility was ever published at a level (not a first-time applicant)."""
    return bool(db.session.scalar(select(exists().where(GradeCertificate.facility_id == facility_id))))


def record_plaque_return(certificate: GradeCertificate, returned_on: date | None, actor: Actor, today: date) -> None:
    """A 民政 reviewer of the facility's region records that the plaque and certificate came back.

    :raises ServiceError: not such a reviewer; nothing due back; no date, or one in the future.
    """
    user = actor.user
    if user is None or not is_reviewer_for(user, certificate.facility):
        raise ServiceError(N_("只有该辖区的民政审核人员可以登记"))
    (certificate,) = locked(GradeCertificate, certificate.id)
    if not certificate.plaque_due_on(today):
        raise RuleViolation(N_("该证书的标牌和证书无需交回或已登记交回"))
    if returned_on is None or returned_on > today:
        message = N_("请填写交回日期（不晚于今天）")
        raise RuleViolation(message, fields={"returned_on": message})
    certificate.status = certificate.status_on(today)
    certificate.plaque_returned_on, certificate.plaque_recorded_by_id = returned_on, user.id
    db.session.flush()
    record_event(
        actor,
        "grading.plaque_returned",
        object_type="grade_certificate",
        object_id=certificate.id,
        region_path=certificate.facility.region.path,
        after={"certificate": certificate.number, "returned_on": returned_on.isoformat()},
    )
