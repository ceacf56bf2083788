"""The credit blacklist (失信联合惩戒对象名单): the app proposes, a reviewer decides."""

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import Row, Select, func, select
from sqlalchemy.orm import contains_eager

from inspection import permissions
from inspection.checklists import DepartmentCode
from inspection.extensions import db
from inspection.followup_rules import proposes_listing, removal_eligible_on
from inspection.i18n import N_
from inspection.models import (
    LISTED_STATUSES,
    CreditGround,
    CreditListing,
    CreditStatus,
    Facility,
    Hazard,
    HazardStatus,
    Inspection,
    Notice,
    Region,
    Role,
    User,
)
from inspection.services import Actor, OtherDepartment, ServiceError
from inspection.services.audit import record_event


def propose_listings(today: date, actor: Actor) -> list[CreditListing]:
    """Propose (never decide) a listing for every facility with a hazard that 消防 determined a 重大火灾隐患 (GB 35181)
    and that is past its deadline uncorrected (ground 4, DOMAIN §15.5), unless it already has an open proposal or
    an active listing on that ground."""
    proposals = []
    for hazard in db.session.scalars(_hazards_awaiting_proposal(today).order_by(Hazard.facility_id, Hazard.id)):
        if not proposes_listing(has_fire_determination(hazard), hazard.department_code, False, hazard.deadline, today):
            continue
        if db.session.scalar(_pending_listing(hazard.facility_id).limit(1)) is not None:
            continue  # a second such hazard of a facility proposed a moment ago
        listing = CreditListing(
            facility_id=hazard.facility_id,
            ground=CreditGround.FIRE_HAZARD_UNCORRECTED,
            status=CreditStatus.PROPOSED,
            evidence=[{"type": "hazard", "id": hazard.id}, {"type": "inspection", "id": hazard.inspection_id}],
            note=(
                f"重大火灾隐患 {hazard.item_code}（判定文书 {hazard.fire_determination_no}，"
                f"{hazard.fire_determined_on.isoformat()}）整改期限 {hazard.deadline.isoformat()} 已过，仍未销号"
            ),
        )
        db.session.add(listing)
        db.session.flush()
        proposals.append(listing)
        _audit(actor, listing, "credit.propose")
    return proposals


def listings_to_propose(today: date) -> bool:
    """Return True if `propose_listings` would propose something today: one read (of the open hazards' partial
    index), so that a page may call it on every GET and write only on the day a deadline lapses."""
    return db.session.scalar(_hazards_awaiting_proposal(today).with_only_columns(Hazard.id).limit(1)) is not None


def _hazards_awaiting_proposal(today: date) -> Select[tuple[Hazard]]:
    """Open 消防 hazards with a 重大火灾隐患 determination past their deadline, of facilities without an open proposal
    or an active listing on that ground."""
    return select(Hazard).where(
        Hazard.status.in_((HazardStatus.OPEN, HazardStatus.EVIDENCE_SUBMITTED)),
        Hazard.deadline < today,
        Hazard.fire_determination_no != "",
        Hazard.fire_determined_on.is_not(None),
        Hazard.department_code == DepartmentCode.FIRE_RESCUE,
        Hazard.self_found.is_(False),
        ~_pending_listing(Hazard.facility_id).exists(),
    )


def _pending_listing(facility_id: Any) -> Select[tuple[int]]:
    return select(CreditListing.id).where(
        CreditListing.facility_id == facility_id,
        CreditListing.ground == CreditGround.FIRE_HAZARD_UNCORRECTED,
        CreditListing.status.in_([CreditStatus.PROPOSED, *LISTED_STATUSES]),
    )


def has_fire_determination(hazard: Hazard) -> bool:
    """Return True if 消防 recorded a 重大火灾隐患 determination (document number and date) on `hazard`."""
    return bool(hazard.fire_determination_no) and hazard.fire_determined_on is not None


def record_fire_determination(
    hazard: Hazard, document_no: str, determined_on: date, actor: Actor, today: date
) -> Hazard:
    """Record on a 消防 hazard the 消防救援机构's determination that it is a 重大火灾隐患 under GB 35181 (集体讨论,
    document number and date), as an inspector or reviewer of 消防 whose region holds the facility; audited.

    :raises OtherDepartment: the actor is not of 消防, or the facility lies outside their region.
    :raises ServiceError: not a 消防 hazard, no document number, or a date before the finding or in the future.
    """
    user = actor.user
    of_fire_rescue = (
        user is not None
        and user.role in (Role.INSPECTOR, Role.REVIEWER)
        and user.department is not None
        and user.department.code == DepartmentCode.FIRE_RESCUE
        and permissions.can_view_facility(user, hazard.facility)
    )
    if not of_fire_rescue:
        raise OtherDepartment([hazard.item_code])
    if hazard.self_found:
        raise ServiceError(N_("机构自查发现的隐患不作重大火灾隐患判定"), fields={"document_no": "self_found"})
    if hazard.department_code != DepartmentCode.FIRE_RESCUE:
        raise ServiceError(N_("只有消防救援部门负责的隐患可以登记重大火灾隐患判定"), fields={"document_no": "not_fire"})
    number = document_no.strip()
    if not number:
        raise ServiceError(N_("请填写重大火灾隐患判定文书编号"), fields={"document_no": "required"})
    if determined_on < hazard.inspection.inspected_on or determined_on > today:
        raise ServiceError(N_("判定日期须在发现隐患之后、今天之前"), fields={"determined_on": "out_of_range"})
    before = {"document_no": hazard.fire_determination_no, "determined_on": _iso(hazard.fire_determined_on)}
    hazard.fire_determination_no, hazard.fire_determined_on = number[:100], determined_on
    hazard.fire_determination_by_id = user.id
    db.session.flush()
    record_event(
        actor,
        "hazard.fire_determination",
        object_type="hazard",
        object_id=hazard.id,
        region_path=hazard.facility.region.path,
        before=before,
        after={"document_no": hazard.fire_determination_no, "determined_on": determined_on.isoformat()},
    )
    return hazard


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def list_party(
    facility: Facility,
    ground: CreditGround,
    decided_on: date,
    decision_document: str,
    evidence: list[dict[str, Any]],
    actor: Actor,
    *,
    person_name: str = "",
    note: str = "",
    proposal: CreditListing | None = None,
    today: date | None = None,
) -> CreditListing:
    """List a facility (or its person in charge) as a reviewer's decision, optionally confirming a proposal.

    :param today: the day a decision may not be later than (defaults to today).
    :raises ServiceError: not a reviewer of the facility's region, no decision document, or a decision in the future.
    """
    _require_reviewer(facility, actor)
    if not decision_document.strip():
        raise ServiceError(N_("请填写列入决定文书"))
    if decided_on > (today or date.today()):
        raise ServiceError(N_("决定日期不能晚于今天"))
    listing = proposal or CreditListing(facility_id=facility.id, ground=ground)
    if proposal is not None and proposal.status != CreditStatus.PROPOSED:
        raise ServiceError(N_("该建议已处理"))
    listing.ground, listing.status, listing.decided_on = ground, CreditStatus.ACTIVE, decided_on
    listing.decision_document, listing.person_name = decision_document.strip(), person_name.strip()
    listing.evidence = evidence or listing.evidence or []
    listing.note = note.strip() or listing.note
    listing.removal_eligible_on = removal_eligible_on(decided_on)
    listing.decided_by_id = actor.user.id
    db.session.add(listing)
    db.session.flush()
    _audit(actor, listing, "credit.list")
    return listing


def dismiss_proposal(listing: CreditListing, reason: str, actor: Actor) -> CreditListing:
    """Decline the app's proposal, with a reason."""
    _require_reviewer(listing.facility, actor)
    if listing.status != CreditStatus.PROPOSED:
        raise ServiceError(N_("只能驳回待处理的建议"))
    if not reason.strip():
        raise ServiceError(N_("请说明不予列入的理由"))
    listing.status, listing.note = CreditStatus.DISMISSED, f"{listing.note}\n不予列入：{reason.strip()}"
    listing.decided_by_id = actor.user.id
    db.session.flush()
    _audit(actor, listing, "credit.dismiss")
    return listing


def request_removal(listing: CreditListing, today: date, actor: Actor) -> CreditListing:
    """Record the listed party's application for removal (possible two full years after the decision).

    :raises ServiceError: not active, or the two years have not passed.
    """
    if listing.status != CreditStatus.ACTIVE:
        raise ServiceError(N_("该名单记录不在有效状态"))
    if listing.removal_eligible_on is None or today < listing.removal_eligible_on:
        raise ServiceError(N_("列入满两年后方可申请移出（%(date)s起）"), date=listing.removal_eligible_on)
    user = actor.user
    if user is None or not (
        (user.role == Role.OPERATOR and user.facility_id == listing.facility_id) or user.role == Role.REVIEWER
    ):
        raise ServiceError(N_("只有该机构负责人或民政审核人员可以登记移出申请"))
    listing.status = CreditStatus.REMOVAL_REQUESTED
    db.session.flush()
    _audit(actor, listing, "credit.removal_request")
    return listing


def decide_removal(listing: CreditListing, approve: bool, reason: str, today: date, actor: Actor) -> CreditListing:
    """Decide an application for removal, as a reviewer: removed, or back to active."""
    _require_reviewer(listing.facility, actor)
    if listing.status != CreditStatus.REMOVAL_REQUESTED:
        raise ServiceError(N_("没有待决定的移出申请"))
    if not reason.strip():
        raise ServiceError(N_("请填写决定理由"))
    listing.status = CreditStatus.REMOVED if approve else CreditStatus.ACTIVE
    listing.removed_on = today if approve else None
    listing.note = f"{listing.note}\n移出申请{'准予' if approve else '不予'}：{reason.strip()}"
    db.session.flush()
    _audit(actor, listing, "credit.removal_decision")
    return listing


def is_blacklisted(facility_id: int) -> bool:
    """Return True if the facility has an active listing (it is marked everywhere and not graded)."""
    return facility_id in blacklisted_ids([facility_id])


def region_listings(user: User) -> Select[tuple[CreditListing]]:
    """Return a select of the credit listings of facilities in `user`'s region, with facility and region loaded."""
    return permissions.visible_listings(user).options(
        contains_eager(CreditListing.facility).contains_eager(Facility.region)
    )


def listings_of_status(user: User, statuses: Iterable[CreditStatus]) -> Select[tuple[CreditListing]]:
    """Return a select of the listings in `user`'s region having one of `statuses`, newest first (to paginate)."""
    return region_listings(user).where(CreditListing.status.in_(list(statuses))).order_by(CreditListing.id.desc())


def listing_counts(user: User) -> dict[str, int]:
    """Return how many listings of `user`'s region have each status (statuses with none are left out)."""
    stmt = (
        permissions.visible_listings(user)
        .with_only_columns(CreditListing.status, func.count())
        .group_by(CreditListing.status)
    )
    return {status: count for status, count in db.session.execute(stmt)}


def listable_facilities(user: User) -> list[Facility]:
    """Return every facility `user` may see, by name: those a reviewer may list."""
    return list(db.session.scalars(permissions.visible_facilities(user).order_by(Facility.name)))


def public_listings() -> list[Row[tuple[date | None, str, str, str, str]]]:
    """Return the public list of listed parties, newest decision first: (decided_on, decision_document, ground,
    name, township) and nothing else."""
    stmt = (
        select(CreditListing.decided_on, CreditListing.decision_document, CreditListing.ground, Facility.name)
        .add_columns(Region.name.label("township"))
        .join(CreditListing.facility)
        .join(Facility.region)
        .where(CreditListing.status.in_(LISTED_STATUSES))
        .order_by(CreditListing.decided_on.desc(), CreditListing.id.desc())
    )
    return list(db.session.execute(stmt))


def evidence_candidates(
    facility: Facility, proposal: CreditListing | None
) -> tuple[list[Inspection], list[Notice], list[Hazard]]:
    """Return what a listing of `facility` may cite: its inspections and notices, newest first, and the hazards
    the app's `proposal` cites (those still on record)."""
    inspections = db.session.scalars(
        select(Inspection).where(Inspection.facility_id == facility.id).order_by(Inspection.inspected_on.desc())
    )
    notices = db.session.scalars(
        select(Notice).where(Notice.facility_id == facility.id).order_by(Notice.issued_on.desc())
    )
    hazards = [
        hazard
        for link in (proposal.evidence if proposal else [])
        if link["type"] == "hazard" and (hazard := db.session.get(Hazard, link["id"])) is not None
    ]
    return list(inspections), list(notices), hazards


def evidence_records(listing: CreditListing) -> list[tuple[str, Any, Inspection | Notice | Hazard | None]]:
    """Return (type, id, record) for each evidence link of `listing`, in order; record is None when it is gone or
    the type is unknown."""
    models = {"inspection": Inspection, "notice": Notice, "hazard": Hazard}
    records = []
    for link in listing.evidence or []:
        kind, number = link.get("type"), link.get("id")
        model = models.get(kind)
        records.append((kind, number, db.session.get(model, number) if model is not None else None))
    return records


def proposed_listings(user: User) -> list[CreditListing]:
    """Return the listings the app proposed in the user's region that await a reviewer's decision, oldest first."""
    stmt = region_listings(user).where(CreditListing.status == CreditStatus.PROPOSED).order_by(CreditListing.id)
    return list(db.session.scalars(stmt))


def blacklisted_ids(facility_ids: list[int]) -> set[int]:
    """Return which of the facilities have an active listing, in one query (for list pages)."""
    if not facility_ids:
        return set()
    stmt = select(CreditListing.facility_id).where(
        CreditListing.facility_id.in_(facility_ids), CreditListing.status.in_(LISTED_STATUSES)
    )
    return set(db.session.scalars(stmt))


def _require_reviewer(facility: Facility, actor: Actor) -> None:
    user = actor.user
    if not permissions.is_reviewer_for(user, facility):
        raise ServiceError(N_("只有该辖区的民政审核人员可以作出名单决定"))


def _audit(actor: Actor, listing: CreditListing, action: str) -> None:
    after = {
        "facility_id": listing.facility_id,
        "ground": listing.ground,
        "status": listing.status,
        "decided_on": str(listing.decided_on),
    }
    record_event(
        actor,
        action,
        object_type="credit_listing",
        object_id=listing.id,
        region_path=listing.facility.region.path,
        after=after,
    )
