"""Importing the facility register from a county's file: plan (the preview), keep the upload until it is confirmed,
and apply the plan in one transaction through the register's own services (`services.facilities`), so an import
checks and audits each entry as the register form does.

A row is matched to an entry by its 统一社会信用代码: a known code updates that entry (only the columns the file has
and the cells it fills), an unknown one creates an entry. Nothing is imported while any row has an error.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from inspection.extensions import db
from inspection.i18n import N_, Message
from inspection.models import Facility, FacilityImport, Region, RegionLevel, User
from inspection.models.facilities import FACILITY_TYPE_LABELS, FIRE_ACCEPTANCE_LABELS, OWNERSHIP_LABELS
from inspection.permissions import can_edit_facility
from inspection.register_file import (
    CellError,
    RegisterFile,
    RegisterFileError,
    RegisterRow,
    parse_register,
    residents_problem,
)
from inspection.services import Actor, Conflict, ServiceError
from inspection.services.audit import record_event
from inspection.services.facilities import create_facilities, update_facilities
from inspection.services.regions import regions_within
from inspection.transactions import locked

#: A preview waits this long for its confirmation; older uploads never confirmed are removed.
PREVIEW_LIFETIME = timedelta(hours=24)
CHANGED_SINCE_PREVIEW = N_("预览之后机构名录已有变动，导入结果会与预览不同：请重新预览")
#: Codes looked up per query when matching rows to entries.
MATCH_BATCH = 500


class ImportRejected(ServiceError):
    """The file cannot be imported as a whole (unreadable, or rows with errors)."""


@dataclass(frozen=True)
class PlannedRow:
    """What importing one row will do: create, update (with the changes) or leave an entry unchanged."""

    row: int
    action: str
    uscc: str
    name: str
    township: str
    facility_id: int | None
    #: Values for the register services (the township resolved to `region_id`).
    data: dict[str, Any]
    #: For an update: field → (value now, value imported), only the fields that change.
    changes: dict[str, tuple[Any, Any]]


@dataclass
class ImportPlan:
    """The preview of an import: every row's action and every error found."""

    encoding: str
    rows: list[PlannedRow]
    errors: list[CellError]
    ignored: list[tuple[str, str]]

    @property
    def importable(self) -> bool:
        """Whether confirming would change the register: no errors, and a row to create or update."""
        return not self.errors and any(row.action != "unchanged" for row in self.rows)

    def count(self, action: str) -> int:
        """Return how many rows will `action` ("create", "update", "unchanged")."""
        return sum(1 for row in self.rows if row.action == action)

    @property
    def digest(self) -> str:
        """SHA-256 over every row's action, entry and values before and after: equal digests, equal imports."""
        rows = [[r.row, r.action, r.facility_id, _plain(r.data), _plain(r.changes)] for r in self.rows]
        return hashlib.sha256(json.dumps(rows, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def register_choices() -> dict[str, dict[str, str]]:
    """Return the words each choice column accepts: each label, each part of a label written "a/b", and the value."""
    choices: dict[str, dict[str, str]] = {}
    for name, labels in (
        ("type", FACILITY_TYPE_LABELS),
        ("ownership", OWNERSHIP_LABELS),
        ("fire_acceptance", FIRE_ACCEPTANCE_LABELS),
    ):
        words: dict[str, str] = {}
        for value, text in labels.items():
            words[text] = value.value
            for part in text.split("/"):
                words.setdefault(part, value.value)
            words.setdefault(value.value, value.value)
        choices[name] = words
    return choices


def plan_import(data: bytes, user: User | None, *, lock: bool = False) -> ImportPlan:
    """Read a register file and plan its import, as `user` may do it (None: the command line, every township).

    :param lock: lock the entries the rows match until the transaction ends (in id order, as every writer locks
        rows before the audit chain), so that none changes between this plan and the import that applies it.

    :raises ImportRejected: when the file as a whole cannot be read.
    """
    try:
        parsed = parse_register(data, register_choices())
    except RegisterFileError as error:
        raise ImportRejected(error.args[0]) from None
    townships = _townships(user)
    existing = _existing({row.values["uscc"] for row in parsed.rows}, lock)
    errors = list(parsed.errors)
    rows = []
    for row in parsed.rows:
        planned = _plan_row(parsed, row, townships, existing, user, errors)
        if planned is not None:
            rows.append(planned)
    errors.sort(key=lambda e: (e.row, e.column))
    return ImportPlan(parsed.encoding, rows, errors, parsed.ignored)


def apply_plan(plan: ImportPlan, actor: Actor) -> None:
    """Create and update the entries of an error-free plan, each checked and audited by the register's services.

    :raises ImportRejected: when the plan has errors (nothing is changed).
    """
    if plan.errors:
        raise ImportRejected(Message(N_("文件中有 %(count)s 处错误，未导入任何数据"), count=len(plan.errors)))
    try:
        with db.session.begin_nested():
            create_facilities([row.data for row in plan.rows if row.action == "create"], actor)
    except IntegrityError:
        # Another import (or an admin) created an entry with one of these codes after this plan was made: the
        # unique code refused it, after waiting for that request to commit.
        raise Conflict(CHANGED_SINCE_PREVIEW, conflicts=[]) from None
    updates = [row for row in plan.rows if row.action == "update"]
    entries = _by_id({row.facility_id for row in updates if row.facility_id is not None})
    update_facilities([(entries[row.facility_id], row.data) for row in updates if row.facility_id], actor)


def stage_import(data: bytes, filename: str, plan: ImportPlan, user: User, now: datetime) -> FacilityImport:
    """Keep an uploaded file and its plan's digest until its uploader confirms the import; remove uploads whose
    preview expired unconfirmed."""
    db.session.execute(
        delete(FacilityImport).where(
            FacilityImport.imported_at.is_(None), FacilityImport.created_at < now - PREVIEW_LIFETIME
        )
    )
    staged = FacilityImport(
        token=secrets.token_urlsafe(32),
        user_id=user.id,
        filename=filename[:200],
        content=data,
        content_sha256=hashlib.sha256(data).hexdigest(),
        plan_sha256=plan.digest,
        created=plan.count("create"),
        updated=plan.count("update"),
        unchanged=plan.count("unchanged"),
        created_at=now,
    )
    db.session.add(staged)
    db.session.flush()
    return staged


def confirm_import(token: str, plan_sha256: str, user: User, actor: Actor, now: datetime) -> FacilityImport:
    """Import the file previewed under `token`, exactly as previewed.

    :param plan_sha256: the digest of the plan the user saw (the confirmation form carries it).
    :raises ImportRejected: no such preview of this user, expired, already imported, or rows now in error.
    :raises Conflict: the register changed since the preview, so the import would differ from what was shown.
    """
    found = db.session.scalar(select(FacilityImport.id).where(FacilityImport.token == token))
    staged = locked(FacilityImport, found)[0] if found else None
    if staged is None or staged.user_id != user.id or staged.created_at < now - PREVIEW_LIFETIME:
        raise ImportRejected(N_("导入预览不存在或已过期，请重新上传文件"))
    if staged.imported_at is not None:
        raise ImportRejected(N_("该文件已于预览后导入，未重复导入"))
    if hashlib.sha256(staged.content).hexdigest() != staged.content_sha256:
        raise ImportRejected(N_("保存的文件已损坏，请重新上传文件"))
    plan = plan_import(staged.content, user, lock=True)
    if plan.digest != staged.plan_sha256 or plan_sha256 != staged.plan_sha256:
        raise Conflict(CHANGED_SINCE_PREVIEW, conflicts=[])
    apply_plan(plan, actor)
    staged.imported_at = now
    record_event(
        actor,
        "facility.import",
        object_type="facility_import",
        object_id=staged.id,
        after={"filename": staged.filename, "sha256": staged.content_sha256, **summary(plan)},
    )
    return staged


def record_command_line_import(plan: ImportPlan, filename: str, data: bytes, actor: Actor) -> None:
    """Audit an import made with `flask facilities import` (the entries' own events are recorded as they change)."""
    record_event(
        actor,
        "facility.import",
        object_type="facility_import",
        object_id=filename[:50],
        after={"filename": filename, "sha256": hashlib.sha256(data).hexdigest(), **summary(plan)},
    )


def summary(plan: ImportPlan) -> dict[str, int]:
    """Return how many entries the plan creates, updates and leaves unchanged."""
    return {action: plan.count(action) for action in ("create", "update", "unchanged")}


def _plan_row(
    parsed: RegisterFile,
    row: RegisterRow,
    townships: dict[str, list[Region]],
    existing: dict[str, Facility],
    user: User | None,
    errors: list[CellError],
) -> PlannedRow | None:
    values = dict(row.values)
    township_name = values.pop("township")
    candidates = townships.get(township_name, [])
    if len(candidates) != 1:
        message = (
            Message(N_("乡镇名称“%(name)s”不唯一：请写作“县名/乡镇名”"), name=township_name)
            if candidates
            else Message(N_("“%(name)s”不是您可登记机构的乡镇"), name=township_name)
        )
        errors.append(parsed.error(row.row, "township", message))
        return None
    data = {**values, "region_id": candidates[0].id}
    facility = existing.get(values["uscc"])
    if facility is not None and user is not None and not can_edit_facility(user, facility):
        errors.append(parsed.error(row.row, "uscc", N_("该统一社会信用代码已属于您无权修改的机构")))
        return None
    merged = {
        name: data.get(name, getattr(facility, name) if facility else 0)
        for name in ("residents", "residents_disabled", "residents_semi_disabled")
    }
    if problem := residents_problem(*merged.values()):
        errors.append(parsed.error(row.row, "residents", problem))
        return None
    changes = _changes(facility, data) if facility else {}
    if "region_id" in changes:  # shown and compared as the townships' names, under the file's column
        del changes["region_id"]
        changes["township"] = (facility.region.name, candidates[0].name)
    action = "create" if facility is None else ("update" if changes else "unchanged")
    return PlannedRow(
        row.row,
        action,
        values["uscc"],
        values.get("name") or "",
        candidates[0].name,
        facility.id if facility else None,
        data,
        changes,
    )


def _changes(facility: Facility, data: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    return {name: (getattr(facility, name), value) for name, value in data.items() if getattr(facility, name) != value}


def _townships(user: User | None) -> dict[str, list[Region]]:
    """Return the townships rows may name, by name and by "county/township"."""
    if user is None:
        regions: Iterable[Region] = db.session.scalars(select(Region).where(Region.level == RegionLevel.TOWNSHIP))
    else:
        regions = regions_within(user, RegionLevel.TOWNSHIP)
    found: dict[str, list[Region]] = {}
    for region in regions:
        found.setdefault(region.name, []).append(region)
        if region.parent is not None:
            found.setdefault(f"{region.parent.name}/{region.name}", []).append(region)
    return found


def _existing(codes: set[str], lock: bool) -> dict[str, Facility]:
    wanted = sorted(codes)
    found: dict[int, Facility] = {}
    for start in range(0, len(wanted), MATCH_BATCH):
        batch = wanted[start : start + MATCH_BATCH]
        found |= {f.id: f for f in db.session.scalars(select(Facility).where(Facility.uscc.in_(batch)))}
    entries = locked(Facility, list(found)) if lock and found else found.values()
    return {f.uscc: f for f in entries if f.uscc}


def _by_id(ids: set[int]) -> dict[int, Facility]:
    wanted = sorted(ids)
    found: dict[int, Facility] = {}
    for start in range(0, len(wanted), MATCH_BATCH):
        batch = wanted[start : start + MATCH_BATCH]
        found |= {f.id: f for f in db.session.scalars(select(Facility).where(Facility.id.in_(batch)))}
    return found


def _plain(value: Any) -> Any:
    """Return `value` as JSON can hold it, for the plan's digest."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, date | Decimal):
        return str(value)
    return value
