"""User accounts and their roles."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inspection.extensions import db
from inspection.i18n import N_, labelled
from inspection.models.facilities import Facility
from inspection.models.regions import Department, Region
from inspection.orm import utcnow


class Role(StrEnum):
    """What a user may do; the object checks in `inspection.security` refine it per object."""

    ADMIN = "admin"
    REVIEWER = "reviewer"
    INSPECTOR = "inspector"
    OPERATOR = "operator"
    #: A member of a grading assessment team (评审员: a 民政 staff member or an outside expert) who sees only the
    #: assessments assigned to them (DOMAIN §14.3, 组织评审).
    ASSESSOR = "assessor"


#: The roles that fill in an inspection's form on site for the department they belong to.
FIELD_ROLES = (Role.INSPECTOR, Role.ASSESSOR)

ROLE_LABELS = labelled(
    "role",
    {
        Role.ADMIN: N_("系统管理员"),
        Role.REVIEWER: N_("民政审核人员"),
        Role.INSPECTOR: N_("检查员"),
        Role.OPERATOR: N_("机构负责人"),
        Role.ASSESSOR: N_("评审员"),
    },
)


class User(UserMixin, db.Model):
    """A person who logs in: staff of a department, or a facility's person in charge."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(50), unique=True)
    #: Name shown in the UI and printed on notices.
    display_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(String(20))
    #: Everything the user sees lies within this region.
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    #: The inspector's (or reviewer's) department.
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    #: The operator's own facility.
    facility_id: Mapped[int | None] = mapped_column(ForeignKey("facilities.id"))
    #: 执法证号, printed beside the inspector's name on notices.
    credential_no: Mapped[str] = mapped_column(String(50), default="")
    phone: Mapped[str] = mapped_column(String(20), default="")
    #: UI language chosen by the user: zh_CN or en.
    locale: Mapped[str] = mapped_column(String(10), default="zh_CN")
    active: Mapped[bool] = mapped_column(default=True)
    #: Each web session remembers the generation it began in and ends once this moves on (logout, a password
    #: change, disabling the account): a copied cookie dies with the others.
    session_generation: Mapped[int] = mapped_column(default=0, server_default="0")
    #: A demo account; check-deploy refuses these in production.
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]

    region: Mapped[Region] = relationship()
    department: Mapped[Department | None] = relationship()
    facility: Mapped[Facility | None] = relationship()

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active


class ThrottleScope(StrEnum):
    """What a row of login attempts counts: one account from one address, one address, or one account."""

    ACCOUNT_IP = "account_ip"
    IP = "ip"
    ACCOUNT = "account"
    #: Public uploads of a document to verify (验真), per address.
    VERIFY_UPLOAD = "verify_upload"
    #: Objections (异议) to a grading decision in 公示, per (hashed) address and per application.
    OBJECTION_ADDRESS = "objection_address"
    OBJECTION_APPLICATION = "objection_app"


class LoginThrottle(db.Model):
    """Login attempts counted for a scope and subject, so that guessing passwords slows down (see
    `services/login_throttle.py`). Each attempt changes its row in one statement, never by reading it first."""

    __tablename__ = "login_throttles"

    scope: Mapped[ThrottleScope] = mapped_column(String(20), primary_key=True)
    #: The username as typed, the client address, or both as "username@address".
    subject: Mapped[str] = mapped_column(String(100), primary_key=True)
    #: Attempts since the count last started over, let through or not; numbers each attempt.
    attempts: Mapped[int]
    #: The number of the latest attempt let through to a password check.
    admitted: Mapped[int]
    #: Attempts let through and not known to have succeeded: the delay grows with them.
    failures: Mapped[int]
    #: When the next attempt may be let through; None while attempts are free.
    free_at: Mapped[datetime | None]
    #: When the latest attempt came; after a quiet window the count starts over.
    last_attempt_at: Mapped[datetime]
