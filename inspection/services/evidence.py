"""Photos and signatures of an inspection, stored with their file content in one transaction."""

import hashlib
from datetime import datetime

from sqlalchemy import select

from inspection.extensions import db
from inspection.media import process_photo, process_signature
from inspection.models import Inspection, Photo, Signature, SignerRole
from inspection.services import Actor, Conflict, OtherDepartment, ServiceError
from inspection.services.audit import record_event
from inspection.services.files import store_file
from inspection.services.planning import is_complete, item_index, submitted_departments
from inspection.transactions import insert_once

COMPLETE = "检查已完成（各部门均已提交），不能再添加或修改签名"


def add_photo(inspection: Inspection, item_code: str, client_id: str, data: bytes, actor: Actor) -> tuple[Photo, bool]:
    """Check, re-encode and store a finding photo of one item; the same UUID and bytes again store nothing.

    :return: the photo and whether it was created now.
    :raises Conflict: the UUID was used for different content.
    :raises ServiceError: unknown item, another department's or a submitted section.
    :raises MediaError: the bytes are not an acceptable image.
    """
    digest = hashlib.sha256(data).hexdigest()
    existing, created = insert_once(
        lambda: _new_photo(inspection, item_code, client_id, data, digest, actor),
        lambda: _photo_by_client_id(client_id),
    )
    if created:
        return existing, True
    if existing.upload_sha256 == digest and existing.inspection_id == inspection.id and existing.item_code == item_code:
        return existing, False  # sent again, or sent twice at once: the stored photo
    raise Conflict("该 client_id 已用于另一张照片", [{"client_id": client_id, "reason": "client_id_reused"}])


def _photo_by_client_id(client_id: str) -> Photo | None:
    return db.session.scalar(select(Photo).where(Photo.client_id == client_id))


def _new_photo(inspection: Inspection, item_code: str, client_id: str, data: bytes, digest: str, actor: Actor) -> Photo:
    ref = item_index(inspection).get(item_code)
    if ref is None:
        raise ServiceError(f"检查中没有条目 {item_code}")
    department = actor.department_code
    if ref.department_code != department:
        raise OtherDepartment([item_code])
    if ref.department_code in submitted_departments(inspection):
        raise ServiceError("该检查部分已提交，不能再添加照片")
    image = process_photo(data)
    photo = Photo(
        client_id=client_id,
        inspection_id=inspection.id,
        item_code=item_code,
        file=store_file(image),
        upload_sha256=digest,
        width=image.width,
        height=image.height,
        taken_at=image.taken_at,
        latitude=image.latitude,
        longitude=image.longitude,
        uploaded_by_id=actor.user_id,
    )
    db.session.add(photo)
    db.session.flush()
    return photo


def add_signature(
    inspection: Inspection,
    client_id: str,
    signer_name: str,
    role: SignerRole,
    data: bytes | None,
    signed_at: datetime,
    actor: Actor,
    *,
    refused: bool = False,
) -> tuple[Signature, bool]:
    """Store a signature drawn on the phone (or a facility representative's refusal to sign), while the inspection
    is not complete: its record is signed before the last department submits, as answers and photos are made before.

    :raises Conflict: the UUID was used for a different signature.
    :raises ServiceError: the inspection is complete, no name, no image without a refusal, or a refusal by anyone but
        the facility.
    :raises MediaError: the image is not an acceptable PNG.
    """
    digest = hashlib.sha256((data or b"") + f"|{signer_name}|{role}|{refused}".encode()).hexdigest()

    def create() -> Signature:
        if is_complete(inspection):
            raise ServiceError(COMPLETE)
        if not signer_name.strip():
            raise ServiceError("请填写签名人姓名")
        if refused and role != SignerRole.FACILITY:
            raise ServiceError("只有被检查机构的代表可以拒绝签字")
        if data is None and not refused:
            raise ServiceError("请在签名框内签名")
        department = (actor.department_code or "") if role == SignerRole.INSPECTOR else ""
        signature = Signature(
            client_id=client_id,
            inspection_id=inspection.id,
            signer_name=signer_name.strip()[:100],
            signer_role=role,
            department_code=department,
            refused=refused,
            file=store_file(process_signature(data)) if data is not None else None,
            upload_sha256=digest,
            signed_at=signed_at,
            recorded_by_id=actor.user_id,
        )
        db.session.add(signature)
        db.session.flush()
        record_event(
            actor,
            "inspection.sign",
            object_type="inspection",
            object_id=inspection.id,
            region_path=inspection.facility.region.path,
            after={"signer": signature.signer_name, "role": role.value, "refused": refused},
        )
        return signature

    existing, created = insert_once(create, lambda: _signature_by_client_id(client_id))
    if created:
        return existing, True
    if existing.upload_sha256 == digest and existing.inspection_id == inspection.id:
        return existing, False  # a phone sending again what it sent before: nothing changes
    if is_complete(inspection):
        raise ServiceError(COMPLETE)
    raise Conflict("该 client_id 已用于另一个签名", [{"client_id": client_id, "reason": "client_id_reused"}])


def _signature_by_client_id(client_id: str) -> Signature | None:
    return db.session.scalar(select(Signature).where(Signature.client_id == client_id))
