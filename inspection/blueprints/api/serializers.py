"""Plain-JSON views of models for the API (models never serialise themselves)."""

from collections.abc import Mapping
from datetime import date
from typing import Any

from flask import current_app, url_for

from inspection.blueprints import explanation_words, translated
from inspection.checklists import GRADE_STANDING, Checklist
from inspection.models import ChecklistVersion, Facility, GradeCertificate, Inspection, Photo, Signature
from inspection.services.checklists import checklist_of
from inspection.services.inspection_lists import photos_of, signatures_of
from inspection.services.planning import departments_of, submitted_departments
from inspection.services.self_inspection import self_inspection_gaps
from inspection.services.standings import HeldStanding
from inspection.services.submission import score_checklist


def checklist_json(checklist: Checklist) -> dict[str, Any]:
    """Return a checklist with every item, as the offline client needs it."""
    return {
        "code": checklist.code,
        "version": checklist.version,
        "title": checklist.title,
        "department": checklist.department.value,
        "verified": checklist.verified,
        "sections": [
            {
                "code": section.code,
                "title": section.title,
                "department": section.department.value,
                "items": [
                    {
                        "code": item.code,
                        "text": item.text,
                        "method": item.method,
                        "basis": item.basis,
                        "class": item.item_class.value,
                        "points": item.points,
                        "na_allowed": item.na_allowed,
                        "na_when": list(item.na_when),
                        "photo_on_fail": item.photo_on_fail,
                        "canned_notes": list(item.canned_notes),
                        "verified": item.verified,
                    }
                    for item in section.items
                ],
            }
            for section in checklist.sections
        ],
    }


def facility_json(
    facility: Facility, standings: Mapping[str, HeldStanding], certificate: GradeCertificate | None = None
) -> dict[str, Any]:
    """Return a facility with its grade and safety verdicts as they hold today (every kind the checklist data
    declares), and its current grade certificate with its status today (an expired one no longer grades it)."""
    grade = standings.get(GRADE_STANDING)
    return {
        "id": facility.id,
        "name": facility.name,
        "township": facility.region.name,
        "type": facility.type,
        "ownership": facility.ownership,
        "status": facility.status,
        "has_canteen": facility.has_canteen,
        "is_residential": facility.is_residential,
        "grade": grade.grade if grade else None,
        "grade_verdict": grade.verdict if grade else None,
        "grade_date": grade.decided_on.isoformat() if grade else None,
        "grade_unverified": grade.unverified if grade else None,
        "certificate": certificate_json(certificate) if certificate else None,
        "safety": {
            kind: {"verdict": s.verdict, "verdict_code": s.verdict_code, "date": s.decided_on.isoformat()}
            for kind, s in standings.items()
            if kind != GRADE_STANDING
        },
    }


def certificate_json(certificate: GradeCertificate) -> dict[str, Any]:
    """Return a grade certificate as the API shows it: number, level, last valid day, status today."""
    return {
        "number": certificate.number,
        "level": certificate.level,
        "valid_until": certificate.valid_until.isoformat(),
        "status": str(certificate.status_on(date.today())),
    }


def result_json(result: dict[str, Any], final: bool) -> dict[str, Any]:
    """Return a score result (the engine's `to_dict()` form, as stored) in the API's shape."""
    return {
        "checklist_code": result["checklist_code"],
        "checklist_version": result["checklist_version"],
        "final": final,
        "points": result["points"],
        "max_points": result["max_points"],
        "percent": result["percent"],
        "verdict": result["verdict"],
        "verdict_label": translated(result["verdict"]),
        "verdict_code": result["verdict_code"],
        "grade": result["grade"],
        "vetoed_by": result["vetoed_by"],
        "decided_by": result["decided_by"],
        "explanation": explanation_words(result),
        "unverified": result["unverified"],
        "sections": [
            {k: s[k] for k in ("code", "title", "department", "points", "max_points", "answered", "total")}
            for s in result["sections"]
        ],
        "failed_items": [
            {
                "item_code": f["item_code"],
                "class": f["item_class"],
                "deduction": f["deduction"],
                "note": f["note"],
                "major_hazards": f["major_hazards"],
            }
            for f in result["failed_items"]
        ],
        "unanswered": result["unanswered"],
    }


def photo_json(photo: Photo) -> dict[str, Any]:
    """Return a photo's record (the image itself is at `url`)."""
    return {
        "id": photo.id,
        "client_id": photo.client_id,
        "item_code": photo.item_code,
        "width": photo.width,
        "height": photo.height,
        "taken_at": photo.taken_at.isoformat() if photo.taken_at else None,
        "latitude": None if photo.latitude is None else str(photo.latitude),
        "longitude": None if photo.longitude is None else str(photo.longitude),
        "url": url_for("api.photo_file", photo_id=photo.id),
    }


def signature_json(signature: Signature) -> dict[str, Any]:
    """Return a signature's record."""
    return {
        "id": signature.id,
        "client_id": signature.client_id,
        "signer_name": signature.signer_name,
        "role": signature.signer_role,
        "department": signature.department_code or None,
        "refused": signature.refused,
        "signed_at": signature.signed_at.isoformat(),
        "url": url_for("api.signature_file", signature_id=signature.id) if signature.file_id else None,
    }


def inspection_results(inspection: Inspection) -> list[dict[str, Any]]:
    """Return each checklist's result: the stored one once submitted, else a live score of the answers so far."""
    results = []
    for ic in inspection.checklists:
        if ic.result is not None:
            results.append(result_json(ic.result, final=True))
        else:
            results.append(result_json(score_checklist(ic).to_dict(), final=False))
    return results


def checklist_reference_json(row: ChecklistVersion) -> dict[str, Any]:
    """Name a checklist version without its items: they never change, the client fetches them once from `url`."""
    return {
        "code": row.code,
        "version": row.version,
        "content_hash": row.content_hash,
        "url": url_for("api.checklist_version", code=row.code, version=row.version),
    }


def inspection_json(inspection: Inspection, *, checklists_by_reference: bool = False) -> dict[str, Any]:
    """Return the whole inspection: checklists (with items, or only named: `checklists_by_reference`), assignments,
    answers, photos, signatures, results."""
    done = submitted_departments(inspection)
    return {
        "id": inspection.id,
        "client_id": inspection.client_id,
        "facility": {
            "id": inspection.facility.id,
            "name": inspection.facility.name,
            "township": inspection.facility.region.name,
        },
        "date": inspection.inspected_on.isoformat(),
        "purpose": inspection.purpose,
        "status": inspection.status,
        "revision": inspection.revision,
        "lead_department": inspection.lead_department.code,
        "departments": [{"code": code, "submitted": code in done} for code in departments_of(inspection)],
        "inspectors": [
            {
                "id": a.user.id,
                "name": a.user.display_name,
                "department": a.department.code,
                "credential_no": a.user.credential_no,
            }
            for a in inspection.assignments
        ],
        "checklists": [
            checklist_reference_json(ic.version)
            if checklists_by_reference
            else checklist_json(checklist_of(ic.version))
            for ic in inspection.checklists
        ],
        "answers": [
            {
                "item_code": a.item_code,
                "result": a.result,
                "deduction": None if a.deduction is None else str(a.deduction),
                "note": a.note,
                "location": a.location,
                "affects_food_safety": a.affects_food_safety,
                "revision": a.revision,
            }
            for ic in inspection.checklists
            for a in ic.answers
        ],
        "photos": [photo_json(p) for p in photos_of(inspection)],
        "signatures": [signature_json(s) for s in signatures_of(inspection)],
        "results": inspection_results(inspection),
        "self_inspection_gaps": [
            {"item_code": g.item_code, "self_result": g.self_result, "self_inspection_id": g.self_inspection_id}
            for g in self_inspection_gaps(inspection, current_app.config["SELF_INSPECTION_WINDOW_DAYS"])
        ],
    }
