"""Photos and signatures of an inspection, stored with their file content in one transaction, each keeping its
evidence: the SHA-256 of the bytes received and of the stored image, and when and where it was taken. The audit log
(hash-chained) records those hashes as well, so a photo or signature changed in the database afterwards no longer
matches what was recorded when it arrived."""

import hashlib
from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import select

from inspection.extensions import db
from inspection.i18n import N_
from inspection.media import Capture, ProcessedImage, process_photo, process_signature
from inspection.models import HazardPhoto, Inspection, Photo, Signature, SignerRole, StoredFile
from inspection.permissions import is_self_inspection
from inspection.services import Actor, Conflict, OtherDepartment, ServiceError
from inspection.services.answers import next_revision
from inspection.services.audit import record_event
from inspection.services.files import store_file
from inspection.services.planning import is_complete, item_index, submitted_departments
from inspection.transactions import insert_once

COMPLETE = N_("检查已完成（各部门均已提交），不能再添加或修改签名")
#: The records whose stored image has a recorded hash, by the name a check reports them under.
EVIDENCE_RECORDS: dict[str, type[Photo | Signature | HazardPhoto]] = {
    "photo": Photo,
    "signature": Signature,
    "hazard_photo": HazardPhoto,
}
#: Stored images read per query when evidence is checked (≈ 300 KB each): memory stays around 15 MB.
CHECK_BATCH = 50


def add_photo(
    inspection: Inspection,
    item_code: str,
    client_id: str,
    data: bytes,
    actor: Actor,
    capture: Capture | None = None,
) -> tuple[Photo, bool]:
    """Check, re-encode and store a finding photo of one item; the same UUID and bytes again store nothing.

    :param capture: when and where the phone says it was taken; what it leaves out is taken from the image's EXIF.
    :return: the photo and whether it was created now.
    :raises Conflict: the UUID was used for different content.
    :raises ServiceError: unknown item, another department's or a submitted section.
    :raises MediaError: the bytes are not an acceptable image.
    """
    digest = hashlib.sha256(data).hexdigest()
    existing, created = insert_once(
        lambda: _new_photo(inspection, item_code, client_id, data, actor, capture or Capture()),
        lambda: _photo_by_client_id(client_id),
    )
    if created:
        next_revision(inspection)
        return existing, True
    if existing.upload_sha256 == digest and existing.inspection_id == inspection.id and existing.item_code == item_code:
        return existing, False  # sent again, or sent twice at once: the stored photo
    raise Conflict(N_("该 client_id 已用于另一张照片"), [{"client_id": client_id, "reason": "client_id_reused"}])


def _photo_by_client_id(client_id: str) -> Photo | None:
    return db.session.scalar(select(Photo).where(Photo.client_id == client_id))


def _new_photo(
    inspection: Inspection, item_code: str, client_id: str, data: bytes, actor: Actor, capture: Capture
) -> Photo:
    ref = item_index(inspection).get(item_code)
    if ref is None:
        raise ServiceError(N_("检查中没有条目 %(code)s"), code=item_code)
    if ref.department_code != actor.department_code and not is_self_inspection(inspection):
        raise OtherDepartment([item_code])
    if ref.department_code in submitted_departments(inspection):
        raise ServiceError(N_("该检查部分已提交，不能再添加照片"))
    image = process_photo(data)
    placed = capture.latitude is not None
    photo = Photo(
        client_id=client_id,
        inspection_id=inspection.id,
        item_code=item_code,
        file=store_file(image),
        upload_sha256=image.received_sha256,
        image_sha256=image.sha256,
        width=image.width,
        height=image.height,
        taken_at=capture.taken_at or image.taken_at,
        latitude=capture.latitude if placed else image.latitude,
        longitude=capture.longitude if placed else image.longitude,
        uploaded_by_id=actor.user_id,
    )
    db.session.add(photo)
    db.session.flush()
    record_event(
        actor,
        "inspection.photo",
        object_type="inspection",
        object_id=inspection.id,
        region_path=inspection.facility.region.path,
        after={"photo": photo.id, "item": item_code, **_evidence(photo)},
    )
    return photo


def hazard_photo(image: ProcessedImage) -> HazardPhoto:
    """Return a rectification photo of a checked image, stored with its evidence (the caller adds it to an update,
    whose audit event names the photos' hashes: see `evidence_of`)."""
    return HazardPhoto(
        file=store_file(image),
        width=image.width,
        height=image.height,
        upload_sha256=image.received_sha256,
        image_sha256=image.sha256,
        taken_at=image.taken_at,
        latitude=image.latitude,
        longitude=image.longitude,
    )


def evidence_of(photos: list[HazardPhoto]) -> list[str]:
    """Return the stored images' hashes of rectification photos, for their audit event."""
    return [photo.image_sha256 or "" for photo in photos]


def _evidence(record: Photo | Signature) -> dict[str, str | None]:
    received = record.upload_sha256 if isinstance(record, Photo) else record.received_sha256
    return {"received_sha256": received, "image_sha256": record.image_sha256}


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
            raise ServiceError(N_("请填写签名人姓名"))
        if refused and role != SignerRole.FACILITY:
            raise ServiceError(N_("只有被检查机构的代表可以拒绝签字"))
        if data is None and not refused:
            raise ServiceError(N_("请在签名框内签名"))
        department = (actor.department_code or "") if role == SignerRole.INSPECTOR else ""
        image = process_signature(data) if data is not None else None
        signature = Signature(
            client_id=client_id,
            inspection_id=inspection.id,
            signer_name=signer_name.strip()[:100],
            signer_role=role,
            department_code=department,
            refused=refused,
            file=store_file(image) if image is not None else None,
            upload_sha256=digest,
            received_sha256=image.received_sha256 if image is not None else None,
            image_sha256=image.sha256 if image is not None else None,
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
            after={"signer": signature.signer_name, "role": role.value, "refused": refused, **_evidence(signature)},
        )
        return signature

    existing, created = insert_once(create, lambda: _signature_by_client_id(client_id))
    if created:
        next_revision(inspection)
        return existing, True
    if existing.upload_sha256 == digest and existing.inspection_id == inspection.id:
        return existing, False  # a phone sending again what it sent before: nothing changes
    if is_complete(inspection):
        raise ServiceError(COMPLETE)
    raise Conflict(N_("该 client_id 已用于另一个签名"), [{"client_id": client_id, "reason": "client_id_reused"}])


def _signature_by_client_id(client_id: str) -> Signature | None:
    return db.session.scalar(select(Signature).where(Signature.client_id == client_id))


def altered_evidence(batch: int = CHECK_BATCH) -> Iterator[tuple[str, int]]:
    """Yield (kind, id) of every photo, signature and rectification photo whose stored image no longer hashes to the
    hash recorded when it arrived (records stored before hashes were kept have none and are skipped).

    :return: an iterator; it reads `batch` images per query, so it can walk any number of them.
    """
    connection = db.session.connection()
    for kind, model in EVIDENCE_RECORDS.items():
        query = (
            select(model.id, model.image_sha256, StoredFile.data)
            .join(StoredFile, StoredFile.id == model.file_id)
            .where(model.image_sha256.is_not(None))
            .order_by(model.id)
        )
        last_id = 0
        while rows := connection.execute(query.where(model.id > last_id).limit(batch)).all():
            for record_id, recorded, data in rows:
                if hashlib.sha256(data).hexdigest() != recorded:
                    yield kind, record_id
            last_id = rows[-1][0]
