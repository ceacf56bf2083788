"""A notice's printed content as plain data (:mod:`inspection.notices.context`), read from the stored inspection:
the facility, the inspectors and their signatures, the photos and one row per hazard."""

from collections.abc import Sequence

from sqlalchemy import select

from inspection.extensions import db
from inspection.i18n import N_
from inspection.media import local_time
from inspection.models import (
    Department,
    Hazard,
    HazardUpdate,
    Inspection,
    Photo,
    Reinspection,
    Signature,
    SignerRole,
)
from inspection.notices import context as ctx
from inspection.services import ServiceError

_CLASS = {"major": ctx.HazardClass.MAJOR, "key": ctx.HazardClass.KEY, "general": ctx.HazardClass.GENERAL}


def facility_party(facility) -> ctx.Facility:
    return ctx.Facility(
        facility.name, facility.uscc or "（未登记）", facility.address, facility.person_in_charge, facility.phone
    )


def inspector_entry(user, department_name: str, signature: bytes | None) -> ctx.Inspector:
    return ctx.Inspector(user.display_name, department_name, user.credential_no or "（未登记）", signature)


def colleagues(visit: Reinspection) -> tuple[ctx.Inspector, ...]:
    """A 复查意见书 lists two inspectors; the second is a colleague of the same department who inspected before."""
    for hazard in db.session.scalars(select(Hazard).join(HazardUpdate).where(HazardUpdate.reinspection_id == visit.id)):
        for assignment in hazard.inspection.assignments:
            if assignment.department.code == visit.department_code and assignment.user_id != visit.inspector_id:
                return (inspector_entry(assignment.user, assignment.department.name, None),)
    raise ServiceError(N_("复查意见书须列明两名检查人员：找不到同部门的第二名检查员"))


def inspector_signature(signatures: Sequence[Signature], name: str, department: Department) -> bytes | None:
    """Return the signature image of the inspector `name` of `department` (signatures recorded before departments
    were noted on them match by name alone), or None to leave the line for a pen."""
    for signature in signatures:
        if (
            signature.signer_role == SignerRole.INSPECTOR
            and signature.signer_name == name
            and signature.department_code in ("", department.code)
            and signature.file is not None
        ):
            return signature.file.data
    return None


def department_order(department: Department, rows: tuple[int, ...]) -> ctx.Order:
    """Return `department`'s order over table rows `rows`, from its notice settings."""
    consequence = (
        ctx.Consequence(department.consequence, department.consequence_basis) if department.consequence else None
    )
    return ctx.Order(department.name, department.inspection_basis, department.order_basis, consequence, rows)


def facility_signature(signatures: Sequence[Signature]) -> ctx.FacilitySignature:
    representative = next((s for s in signatures if s.signer_role == SignerRole.FACILITY), None)
    if representative is None:
        return ctx.FacilitySignature()
    if representative.refused:
        witness = next((s for s in signatures if s.signer_role == SignerRole.WITNESS), None)
        return ctx.FacilitySignature(
            representative.signer_name, refused=True, witness=witness.signer_name if witness else "（见证人未签名）"
        )
    data = representative.file.data if representative.file else None
    return ctx.FacilitySignature(representative.signer_name, data, representative.signed_at.date())


def photos_and_rows(inspection: Inspection, hazards: Sequence[Hazard]) -> tuple[list[ctx.Photo], list[ctx.Hazard]]:
    """Return the photos of the hazards' items (numbered in order) and the hazard rows that refer to them."""
    codes = {h.item_code for h in hazards}
    photos: list[ctx.Photo] = []
    refs: dict[str, list[int]] = {}
    for photo in db.session.scalars(select(Photo).where(Photo.inspection_id == inspection.id).order_by(Photo.id)):
        if photo.item_code in codes:
            photos.append(
                ctx.Photo(
                    photo.file.data,
                    f"{photo.item_code} 现场照片",
                    photo.taken_at.date() if photo.taken_at else inspection.inspected_on,
                    taken_at=local_time(photo.taken_at) if photo.taken_at else None,
                    image_sha256=photo.image_sha256,
                )
            )
            refs.setdefault(photo.item_code, []).append(len(photos))
    return photos, [hazard_row(h, photo_refs=tuple(refs.get(h.item_code, ()))) for h in hazards]


def hazard_row(
    hazard: Hazard, photo_refs: tuple[int, ...] = (), outcome: ctx.Outcome | None = None, outcome_note: str = ""
) -> ctx.Hazard:
    return ctx.Hazard(
        finding=finding_text(hazard),
        location=hazard.location.strip(),
        basis=hazard.basis,
        hazard_class=_CLASS[hazard.item_class],
        requirement=hazard.requirement,
        deadline=ctx.IMMEDIATE if hazard.immediate else hazard.deadline,
        photo_refs=photo_refs,
        outcome=outcome,
        outcome_note=outcome_note,
    )


def finding_text(hazard: Hazard) -> str:
    """Return the fact printed for `hazard`: the inspector's finding, or, when they wrote none, that the item's
    requirement was not met (old checklist versions word items as questions, and their text is printed as stored)."""
    if hazard.finding.strip():
        return hazard.finding.strip()
    return f"未达到“{hazard.item_text.strip().rstrip('？?。')}”的要求"
