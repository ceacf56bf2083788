"""Checklist versions: import (validated first), lookup, and parsing of a stored version."""

from dataclasses import replace
from functools import cache, lru_cache

from sqlalchemy import func, select

from inspection.checklists import (
    Checklist,
    ChecklistError,
    ShippedChecklists,
    content_hash,
    load_checklist_text,
    load_shipped,
)
from inspection.checklists.loader import DATA_DIR
from inspection.extensions import db
from inspection.i18n import N_
from inspection.models import ChecklistVersion
from inspection.services import Actor, ServiceError
from inspection.services.audit import record_event

#: The largest checklist file an admin may upload.
MAX_CHECKLIST_BYTES = 512 * 1024


class ChecklistRejected(ServiceError):
    """An uploaded checklist file was not imported; `problems` names each finding, one line each (the view
    translates those marked with `N_`)."""

    code = "invalid_checklist"

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@cache
def shipped() -> ShippedChecklists:
    """Return the checklists and criteria shipped in the package, validated once per process.

    :raises ChecklistError: a shipped file is malformed (the app must not start then).
    """
    return load_shipped()


def import_checklist(text: str, source_name: str, actor: Actor) -> tuple[ChecklistVersion, bool]:
    """Import a checklist file as a new version unless an identical version exists.

    Nothing is written when the file is invalid.

    :param text: the TOML file's text.
    :param source_name: the file name, used in error messages and kept with the version.
    :return: the version, and whether it was created now.
    :raises ChecklistError: the file is invalid; the message names the file, section, item and field.
    """
    checklist = load_checklist_text(text, source_name, shipped().criteria.keys(), current=True)
    digest = content_hash(text)
    existing = db.session.scalar(
        select(ChecklistVersion).where(ChecklistVersion.code == checklist.code, ChecklistVersion.content_hash == digest)
    )
    if existing is not None:
        return existing, False
    latest = db.session.scalar(
        select(func.max(ChecklistVersion.version)).where(ChecklistVersion.code == checklist.code)
    )
    row = ChecklistVersion(
        code=checklist.code,
        version=(latest or 0) + 1,
        title=checklist.title,
        department=checklist.department.value,
        verified=checklist.verified,
        source_text=text,
        content_hash=digest,
        source_name=source_name,
        imported_by=actor.user,
    )
    db.session.add(row)
    db.session.flush()
    record_event(
        actor,
        "checklist.import",
        object_type="checklist",
        object_id=f"{row.code}@{row.version}",
        after={"code": row.code, "version": row.version, "hash": digest},
    )
    return row, True


def import_uploaded_checklist(data: bytes, source_name: str, actor: Actor) -> tuple[ChecklistVersion, bool]:
    """Import an uploaded checklist file like `import_checklist`, after checking its size and encoding.

    :param data: the file's bytes (reading MAX_CHECKLIST_BYTES + 1 of a larger file is enough to refuse it).
    :raises ChecklistRejected: too large, not UTF-8 text, or an invalid checklist (every problem named).
    """
    if len(data) > MAX_CHECKLIST_BYTES:
        raise ChecklistRejected([N_("文件过大（上限 512 KB）")])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ChecklistRejected([N_("文件不是 UTF-8 文本")]) from None
    try:
        return import_checklist(text, source_name, actor)
    except ChecklistError as error:
        raise ChecklistRejected([str(problem) for problem in error.problems]) from error


def version_counts() -> dict[str, int]:
    """Return how many versions of each checklist were imported, by code."""
    stmt = select(ChecklistVersion.code, func.count()).group_by(ChecklistVersion.code)
    return {code: count for code, count in db.session.execute(stmt)}


def versions_of(code: str) -> list[ChecklistVersion]:
    """Return every imported version of checklist `code`, newest first (empty for an unknown code)."""
    stmt = select(ChecklistVersion).where(ChecklistVersion.code == code).order_by(ChecklistVersion.version.desc())
    return list(db.session.scalars(stmt))


def checklist_version(code: str, version: int) -> ChecklistVersion | None:
    """Return version `version` of checklist `code`, or None."""
    return db.session.scalar(
        select(ChecklistVersion).where(ChecklistVersion.code == code, ChecklistVersion.version == version)
    )


def import_shipped_checklists(actor: Actor) -> list[tuple[ChecklistVersion, bool]]:
    """Import every shipped checklist file (unchanged files create no version)."""
    results = []
    for code in sorted(shipped().checklists):
        path = DATA_DIR / f"{code}.toml"
        results.append(import_checklist(path.read_text(encoding="utf-8"), path.name, actor))
    return results


def latest_version(code: str) -> ChecklistVersion | None:
    """Return the newest imported version of checklist `code`."""
    return db.session.scalar(
        select(ChecklistVersion).where(ChecklistVersion.code == code).order_by(ChecklistVersion.version.desc()).limit(1)
    )


def latest_versions() -> list[ChecklistVersion]:
    """Return the newest version of every checklist, by code."""
    newest = (
        select(ChecklistVersion.code, func.max(ChecklistVersion.version).label("version"))
        .group_by(ChecklistVersion.code)
        .subquery()
    )
    stmt = select(ChecklistVersion).join(
        newest, (ChecklistVersion.code == newest.c.code) & (ChecklistVersion.version == newest.c.version)
    )
    return list(db.session.scalars(stmt.order_by(ChecklistVersion.code)))


def checklist_of(row: ChecklistVersion) -> Checklist:
    """Return the parsed checklist of a stored version (cached: versions never change)."""
    return _parse(row.code, row.version, row.content_hash, row.source_text, row.source_name)


@lru_cache(maxsize=256)
def _parse(code: str, version: int, digest: str, text: str, source_name: str) -> Checklist:
    return replace(load_checklist_text(text, source_name, shipped().criteria.keys()), version=version)
