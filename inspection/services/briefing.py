"""Count the joint-meeting briefing's figures (`inspection.briefing.Figures`) for a user's region and a period, and
issue the briefing as a stored PDF.

Counting is read-only. Every count is limited to what the user sees through the `permissions.visible_*` selects;
the periods' rules (what counts as found, closed, overdue, repeated) are stated in `inspection.briefing` and printed
with the tables.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date

from sqlalchemy import distinct, func, select

from inspection import permissions
from inspection.briefing import (
    CLASS_ORDER,
    GRADING_OUTCOMES,
    NOTICE_KIND_LABELS,
    REPEATED_MAJOR_MIN_INSPECTIONS,
    Count,
    Figures,
    HazardCounts,
    ListingChange,
    Reinspections,
    RepeatedMajor,
    class_name,
    department_name,
)
from inspection.checklists import GRADING_CHECKLIST, DepartmentCode, ItemClass
from inspection.dates import DateRange
from inspection.extensions import db
from inspection.followup_rules import is_overdue
from inspection.i18n import N_
from inspection.models import (
    ChecklistStatus,
    CreditListing,
    CreditStatus,
    Department,
    DepartmentSubmission,
    Facility,
    Hazard,
    HazardUpdate,
    HazardUpdateKind,
    Inspection,
    InspectionChecklist,
    InspectionStatus,
    Notice,
    Region,
    RegionLevel,
    Reinspection,
    User,
)
from inspection.models.briefings import Briefing
from inspection.models.followup import CREDIT_GROUND_LABELS
from inspection.notices.briefing import BriefingDocument, render_briefing_pdf
from inspection.scoring.rankings import BELOW_CODE, WITHHELD_CODE
from inspection.services import Actor, RuleViolation
from inspection.services.audit import record_event
from inspection.services.files import store_bytes
from inspection.services.signing import sign_as_department
from inspection.transactions import insert_once

#: Statuses of a listing that was decided (列入), whatever happened to it later.
DECIDED_STATUSES = (CreditStatus.ACTIVE, CreditStatus.REMOVAL_REQUESTED, CreditStatus.REMOVED)


def briefing_figures(user: User, period: DateRange) -> Figures:
    """Return the briefing's figures for `user`'s region over `period` (both days included)."""
    by_department, by_township, total = _inspections(user, period)
    by_class, hazard_departments = _hazards(user, period)
    notice_kinds, notice_departments = _notices(user, period)
    added, removed = listing_changes(user, period)
    return Figures(
        region=user.region.name,
        period=period,
        inspections_by_department=by_department,
        inspections_by_township=by_township,
        inspections_total=total,
        hazards_by_class=by_class,
        hazards_by_department=hazard_departments,
        notices_by_kind=notice_kinds,
        notices_by_department=notice_departments,
        reinspections=_reinspections(user, period),
        grading=grading_results(user, period),
        listings_added=added,
        listings_removed=removed,
        repeated_major=repeated_major_hazards(user, period),
    )


def _departments(user: User) -> list[str]:
    """Return the codes of the departments of the user's region, in the order of `DepartmentCode`."""
    codes = set(db.session.scalars(permissions.visible_departments(user).with_only_columns(Department.code)))
    return [c.value for c in DepartmentCode if c.value in codes] + sorted(codes - set(DepartmentCode))


def _counts(keys: list[str], counts: Counter[str], name=department_name) -> list[Count]:
    """Return a Count for every key in order (zeros included) and for any other key counted."""
    extra = sorted(k for k in counts if k not in keys)
    return [Count(k, name(k), counts.get(k, 0)) for k in [*keys, *extra]]


def _inspections(user: User, period: DateRange) -> tuple[list[Count], list[Count], int]:
    done = permissions.visible_inspections(user).where(
        Inspection.status == InspectionStatus.COMPLETE, Inspection.inspected_on.between(period.first, period.last)
    )
    per_department = Counter(
        dict(
            db.session.execute(
                done.join(DepartmentSubmission, DepartmentSubmission.inspection_id == Inspection.id)
                .with_only_columns(DepartmentSubmission.department_code, func.count(distinct(Inspection.id)))
                .group_by(DepartmentSubmission.department_code)
            ).all()
        )
    )
    per_township = Counter(
        dict(
            db.session.execute(
                done.with_only_columns(Facility.region_id, func.count(Inspection.id)).group_by(Facility.region_id)
            ).all()
        )
    )
    townships = db.session.scalars(permissions.visible_regions(user, RegionLevel.TOWNSHIP)).all()
    known = {t.id for t in townships}
    by_township = [Count(str(t.id), t.name, per_township.get(t.id, 0)) for t in townships]
    others = sum(n for region_id, n in per_township.items() if region_id not in known)
    if others:  # facilities registered at the county itself
        by_township.append(Count("", user.region.name, others))
    total = sum(per_township.values())
    return _counts(_departments(user), per_department), by_township, total


def _hazards(user: User, period: DateRange) -> tuple[list[HazardCounts], list[HazardCounts]]:
    """Hazards found (their inspection dated) within the period, closed within it, and overdue at its end."""
    found_on = Inspection.inspected_on
    base = permissions.visible_hazards(user).join(Inspection, Hazard.inspection_id == Inspection.id)
    columns = (Hazard.department_code, Hazard.item_class)
    found = Counter(
        {
            (d, c): n
            for d, c, n in db.session.execute(
                base.where(found_on.between(period.first, period.last))
                .with_only_columns(*columns, func.count(Hazard.id))
                .group_by(*columns)
            )
        }
    )
    closed = Counter(
        {
            (d, c): n
            for d, c, n in db.session.execute(
                base.where(Hazard.closed_on.between(period.first, period.last))
                .with_only_columns(*columns, func.count(Hazard.id))
                .group_by(*columns)
            )
        }
    )
    overdue: Counter[tuple[str, str]] = Counter()
    candidates = base.where(found_on <= period.last, Hazard.deadline < period.last).with_only_columns(
        *columns, Hazard.closed_on, Hazard.deadline
    )
    for department, item_class, closed_on, deadline in db.session.execute(candidates):
        closed_by_end = closed_on is not None and closed_on <= period.last
        if is_overdue(closed_by_end, deadline, period.last):
            overdue[(department, item_class)] += 1

    def by(index: int, keys: list[str], name) -> list[HazardCounts]:
        def total(counter: Counter[tuple[str, str]], key: str) -> int:
            return sum(n for k, n in counter.items() if k[index] == key)

        seen = {k[index] for counter in (found, closed, overdue) for k in counter}
        ordered = [*keys, *sorted(seen - set(keys))]
        return [HazardCounts(k, name(k), total(found, k), total(closed, k), total(overdue, k)) for k in ordered]

    classes = [c.value for c in CLASS_ORDER]
    return by(1, classes, class_name), by(0, _departments(user), department_name)


def _notices(user: User, period: DateRange) -> tuple[list[Count], list[Count]]:
    issued = (
        permissions.visible_notices(user)
        .join(Department, Notice.department_id == Department.id)
        .where(Notice.issued_on.between(period.first, period.last))
        .with_only_columns(Notice.kind, Department.code, func.count(Notice.id))
        .group_by(Notice.kind, Department.code)
    )
    kinds: Counter[str] = Counter()
    departments: Counter[str] = Counter()
    for kind, code, n in db.session.execute(issued):
        kinds[kind] += n
        departments[code] += n
    labels = {str(k): v for k, v in NOTICE_KIND_LABELS.items()}
    return _counts(list(labels), kinds, lambda k: labels.get(k, k)), _counts(_departments(user), departments)


def _reinspections(user: User, period: DateRange) -> Reinspections:
    within = permissions.visible_reinspections(user).where(
        Reinspection.reinspected_on.between(period.first, period.last)
    )
    per_department: Counter[str] = Counter()
    on_site = 0
    for code, site, n in db.session.execute(
        within.with_only_columns(Reinspection.department_code, Reinspection.on_site, func.count(Reinspection.id))
        .group_by(Reinspection.department_code, Reinspection.on_site)
    ):  # fmt: skip
        per_department[code] += n
        on_site += n if site else 0
    decisions = Counter(
        dict(
            db.session.execute(
                within.join(HazardUpdate, HazardUpdate.reinspection_id == Reinspection.id)
                .with_only_columns(HazardUpdate.kind, func.count(HazardUpdate.id))
                .group_by(HazardUpdate.kind)
            ).all()
        )
    )
    return Reinspections(
        total=sum(per_department.values()),
        on_site=on_site,
        accepted=decisions.get(HazardUpdateKind.ACCEPTED, 0),
        rejected=decisions.get(HazardUpdateKind.REJECTED, 0),
        by_department=_counts(_departments(user), per_department),
    )


def grading_results(user: User, period: DateRange) -> list[Count]:
    """Return the grading results of the period by outcome: countersigned GB/T 37276 results of inspections dated
    within it. (The grading campaign, when it exists, reports its progress here instead.)"""
    rows = db.session.execute(
        permissions.visible_inspections(user)
        .join(InspectionChecklist, InspectionChecklist.inspection_id == Inspection.id)
        .where(
            InspectionChecklist.checklist_code == GRADING_CHECKLIST,
            InspectionChecklist.status == ChecklistStatus.SUBMITTED,
            InspectionChecklist.reviewed_at.is_not(None),
            Inspection.inspected_on.between(period.first, period.last),
        )
        .with_only_columns(InspectionChecklist.verdict_code, InspectionChecklist.grade, func.count())
        .group_by(InspectionChecklist.verdict_code, InspectionChecklist.grade)
    )
    counts: Counter[str] = Counter()
    for code, grade, n in rows:
        key = str(grade) if grade else (WITHHELD_CODE if code == WITHHELD_CODE else BELOW_CODE)
        counts[key] += n
    return [Count(key, name, counts.get(key, 0)) for key, name in GRADING_OUTCOMES]


def listing_changes(user: User, period: DateRange) -> tuple[list[ListingChange], list[ListingChange]]:
    """Return the credit-list entries decided (列入) within the period and those removed (移出) within it."""
    listings = permissions.visible_listings(user).add_columns(Facility.name)

    def change(listing: CreditListing, name: str, on: date | None) -> ListingChange:
        ground = CREDIT_GROUND_LABELS.get(listing.ground, listing.ground)
        return ListingChange(listing.facility_id, name, ground, on or period.first, listing.decision_document)

    added = db.session.execute(
        listings.where(
            CreditListing.status.in_(DECIDED_STATUSES), CreditListing.decided_on.between(period.first, period.last)
        ).order_by(CreditListing.decided_on, CreditListing.id)
    )
    removed = db.session.execute(
        listings.where(
            CreditListing.status == CreditStatus.REMOVED, CreditListing.removed_on.between(period.first, period.last)
        ).order_by(CreditListing.removed_on, CreditListing.id)
    )
    return [change(li, name, li.decided_on) for li, name in added], [change(li, n, li.removed_on) for li, n in removed]


def repeated_major_hazards(user: User, period: DateRange) -> list[RepeatedMajor]:
    """Return the facilities where major hazards were found by `REPEATED_MAJOR_MIN_INSPECTIONS` or more of their
    inspections dated within the period, most inspections first."""
    rows = db.session.execute(
        permissions.visible_hazards(user)
        .join(Inspection, Hazard.inspection_id == Inspection.id)
        .where(Hazard.item_class == ItemClass.MAJOR, Inspection.inspected_on.between(period.first, period.last))
        .with_only_columns(Hazard.facility_id, Facility.name, Region.name, Hazard.inspection_id, Hazard.closed_on)
    )
    inspections: dict[int, set[int]] = defaultdict(set)
    hazards: Counter[int] = Counter()
    still_open: Counter[int] = Counter()
    names: dict[int, tuple[str, str]] = {}
    for facility_id, name, township, inspection_id, closed_on in rows:
        inspections[facility_id].add(inspection_id)
        hazards[facility_id] += 1
        still_open[facility_id] += closed_on is None or closed_on > period.last
        names[facility_id] = (name, township)
    repeated = [
        RepeatedMajor(fid, *names[fid], len(ids), hazards[fid], still_open[fid])
        for fid, ids in inspections.items()
        if len(ids) >= REPEATED_MAJOR_MIN_INSPECTIONS
    ]
    return sorted(repeated, key=lambda m: (-m.inspections, -m.major_hazards, m.facility))


def issue_briefing(
    user: User,
    period: DateRange,
    today: date,
    actor: Actor,
    *,
    title: str,
    issuer: str,
    client_id: str | None = None,
) -> Briefing:
    """Count the figures for `user`'s region, print them, sign the PDF as the joint meeting's host
    (`joint_meeting_host`) and keep it with its SHA-256 (flushed, audited).

    :param title: the printed title, e.g. 五寨县养老服务联席会议通报 (from configuration and the region's name).
    :param issuer: the printed issuing body.
    :param client_id: the UUID of the form sent: the same form again (a double tap) returns the briefing it issued.
    """
    earlier = briefing_by_client_id(client_id)
    if earlier is not None:
        return earlier
    host = joint_meeting_host(user)
    figures = briefing_figures(user, period)
    signed = sign_as_department(render_briefing_pdf(BriefingDocument(title, issuer, today, figures)), host)

    def stored_briefing() -> Briefing:
        stored = store_bytes(signed.pdf, "application/pdf")
        briefing = Briefing(
            region_id=user.region_id,
            title=title[:100],
            period_start=period.first,
            period_end=period.last,
            issued_on=today,
            issued_by_id=actor.user_id,
            pdf_file=stored,
            pdf_sha256=stored.sha256,
            signing_certificate_serial=signed.certificate_serial,
            signing_certificate_sha256=signed.certificate_sha256,
            client_id=client_id,
        )
        db.session.add(briefing)
        db.session.flush()
        return briefing

    # Sent twice at the same moment, both requests print; the one that stores second returns the first's briefing.
    briefing, created = insert_once(stored_briefing, lambda: briefing_by_client_id(client_id))
    if not created:
        return briefing
    record_event(
        actor,
        "briefing.issue",
        object_type="briefing",
        object_id=briefing.id,
        region_path=user.region.path,
        after={"period": str(period), "pdf_sha256": briefing.pdf_sha256},
    )
    return briefing


def briefing_by_client_id(client_id: str | None) -> Briefing | None:
    """The briefing issued by the form with this UUID, if any."""
    return db.session.scalar(select(Briefing).where(Briefing.client_id == client_id)) if client_id else None


def joint_meeting_host(user: User) -> Department:
    """Return the department that signs the briefing: the 民政 department of the user's region or the nearest region
    above it (民政 leads the joint meeting, DOMAIN §12).

    :raises RuleViolation: when no region up the tree has one.
    """
    region: Region | None = user.region
    while region is not None:
        host = db.session.scalar(
            select(Department).where(Department.region_id == region.id, Department.code == DepartmentCode.CIVIL_AFFAIRS)
        )
        if host is not None:
            return host
        region = region.parent
    raise RuleViolation(N_("%(region)s 没有民政部门，无法签发联席会议通报"), region=user.region.name)


def issued_briefings(user: User, limit: int = 20) -> list[Briefing]:
    """Return the briefings issued within `user`'s region, newest first."""
    stmt = permissions.visible_briefings(user).order_by(Briefing.issued_at.desc(), Briefing.id.desc()).limit(limit)
    return list(db.session.scalars(stmt))
