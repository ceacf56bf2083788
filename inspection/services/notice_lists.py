"""What the notice pages list: a user's notices, a bundle for printing, a notice's replacement, the notice behind a
public verification token, and the current rectification notice of each hazard. Reads only."""

from collections.abc import Iterator
from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload, selectinload

from inspection import permissions
from inspection.extensions import db
from inspection.models import Hazard, Notice, NoticeHazard, NoticeStatus, User

#: Most notices one download bundles.
MAX_BUNDLE = 500


def notice_list(user: User, status: str = "") -> Select[tuple[Notice]]:
    """Return the notices `user` may see, newest first, optionally of one status (a select to paginate)."""
    stmt = permissions.visible_notices(user)
    if status in set(NoticeStatus):
        stmt = stmt.where(Notice.status == status)
    # the cards show each notice's facility and number of hazards: load them with the page, not per card
    return stmt.order_by(Notice.issued_at.desc(), Notice.id.desc()).options(selectinload(Notice.hazards))


def notices_to_print(
    user: User, township_id: int | None, issued_from: date | None, issued_to: date | None
) -> Iterator[Notice]:
    """Yield the issued notices `user` may see of a township and period (a campaign's), by number, with their
    PDFs, at most MAX_BUNDLE."""
    stmt = permissions.visible_notices(user).where(Notice.status == NoticeStatus.ISSUED)
    if township_id:
        stmt = stmt.where(permissions.in_township(township_id))
    if issued_from:
        stmt = stmt.where(Notice.issued_on >= issued_from)
    if issued_to:
        stmt = stmt.where(Notice.issued_on <= issued_to)
    yield from db.session.scalars(stmt.order_by(Notice.number).limit(MAX_BUNDLE).options(joinedload(Notice.pdf_file)))


def replacement_of(notice: Notice) -> Notice | None:
    """Return the notice that superseded `notice`, if any."""
    return db.session.scalar(select(Notice).where(Notice.supersedes_id == notice.id))


def notice_by_token(token: str) -> Notice | None:
    """Return the notice whose public verification token this is."""
    return db.session.scalar(select(Notice).where(Notice.public_token == token))


def current_notices_of(hazards: list[Hazard]) -> dict[int, Notice]:
    """Return the current (not superseded) rectification notice listing each hazard, by hazard id (hazards on no
    notice yet are left out)."""
    if not hazards:
        return {}
    stmt = (
        select(NoticeHazard.hazard_id, Notice)
        .join(Notice, Notice.id == NoticeHazard.notice_id)
        .where(NoticeHazard.hazard_id.in_([h.id for h in hazards]), NoticeHazard.current_rectification)
    )
    return {hazard_id: notice for hazard_id, notice in db.session.execute(stmt)}
