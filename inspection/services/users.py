"""Accounts: creation, changes, passwords and login, each recorded in the audit log."""

import math
from datetime import timedelta
from typing import Any

from sqlalchemy import Select, func, or_, select

from inspection import permissions
from inspection.extensions import db
from inspection.i18n import N_, Message
from inspection.models import Department, Facility, Region, Role, User
from inspection.orm import utcnow
from inspection.passwords import MIN_PASSWORD_LENGTH, hash_password, verify_no_account, verify_password
from inspection.services import Actor, ServiceError
from inspection.services.audit import changes, record_event
from inspection.services.login_throttle import count_attempt, forgive_attempt
from inspection.services.tokens import revoke_tokens

USER_FIELDS = (
    "username",
    "display_name",
    "role",
    "region_id",
    "department_id",
    "facility_id",
    "credential_no",
    "phone",
    "active",
)


class LoginRefused(ServiceError):
    """Wrong credentials or a disabled account. The failed attempt was recorded, and that record must be kept:
    throttling counts it."""

    status = 401
    code = "unauthorized"
    keep_work = True


class LoginThrottled(LoginRefused):
    """Too many failed logins lately: this attempt waits out a delay, its password unchecked."""

    status = 429
    code = "throttled"


def user_snapshot(user: User) -> dict[str, Any]:
    """Return the account fields of `user` (never the password hash) as JSON-safe values."""
    return {field: getattr(user, field) for field in USER_FIELDS}


def create_user(data: dict[str, Any], password: str, actor: Actor) -> User:
    """Create an account.

    :raises ServiceError: when the username is taken, the password too short, or the role's links are missing.
    """
    if db.session.scalar(select(func.count()).select_from(User).where(User.username == data["username"])):
        raise ServiceError(N_("用户名 %(username)s 已存在"), username=data["username"])
    user = User(password_hash=_checked_hash(password))
    _apply(user, data)
    db.session.add(user)
    db.session.flush()
    record_event(
        actor,
        "user.create",
        object_type="user",
        object_id=user.id,
        region_path=user.region.path,
        after=user_snapshot(user),
    )
    return user


def update_user(user: User, data: dict[str, Any], actor: Actor) -> User:
    """Change account fields, recording what changed; disabling the account ends its sessions and tokens."""
    before = user_snapshot(user)
    _apply(user, data)
    if before["active"] and not user.active:
        _end_access(user, actor)
    db.session.flush()
    old, new = changes(before, user_snapshot(user))
    if new:
        record_event(
            actor,
            "user.update",
            object_type="user",
            object_id=user.id,
            region_path=user.region.path,
            before=old,
            after=new,
        )
    return user


def log_out(actor: Actor) -> None:
    """End the acting user's sessions, on every device, and record it."""
    end_sessions(actor.user)
    record_event(actor, "auth.logout")


def end_sessions(user: User) -> None:
    """End every web session of `user`: each holds the generation it began in (`security.session_user`)."""
    # Incremented in SQL: an ending that races another, or a login reading the generation, is never lost.
    user.session_generation = User.session_generation + 1


def _end_access(user: User, actor: Actor) -> None:
    """End the user's web sessions and revoke their API tokens: whoever held them must log in again."""
    end_sessions(user)
    revoke_tokens(user, actor)


def remember_locale(user: User, locale: str) -> None:
    """Keep the user's chosen interface language for their next login."""
    user.locale = locale
    db.session.flush()


def set_password(user: User, password: str, actor: Actor) -> None:
    """Replace the user's password and end their sessions and tokens; the event records that it changed, not the
    value."""
    user.password_hash = _checked_hash(password)
    _end_access(user, actor)
    db.session.flush()
    record_event(actor, "user.password", object_type="user", object_id=user.id, region_path=user.region.path)


def authenticate(username: str, password: str, ip: str, *, max_failures: int, window_minutes: int) -> User:
    """Return the user whose credentials these are, recording the attempt either way.

    Attempts are counted in the database before the password is checked (`services/login_throttle.py`), so the
    delays hold across several app servers and for attempts racing each other.

    :raises LoginThrottled: while a delay runs for this account from this address, this address or this account.
    :raises LoginRefused: when the credentials are wrong or the account is disabled.
    """
    anonymous = Actor(None, ip)
    refusal = count_attempt(username, ip, max_failures=max_failures, window=timedelta(minutes=window_minutes))
    if refusal is not None:
        wait = _wait_text(refusal.wait)
        if refusal.first:  # one event per delay: a flood of refused attempts must not flood the audit log
            record_event(anonymous, "auth.login_throttled", actor_name=username, detail=f"等待 {wait}", region_path="/")
        raise LoginThrottled(N_("登录失败次数过多，请 %(wait)s后再试"), wait=wait)
    user = db.session.scalar(select(User).where(User.username == username))
    matches = verify_password(user.password_hash, password) if user is not None else verify_no_account(password)
    if not matches or not user.active:
        reason = "账户已停用" if user is not None and user.active is False else "用户名或密码错误"
        region_path = user.region.path if user is not None else "/"
        record_event(anonymous, "auth.login_failed", actor_name=username, detail=reason, region_path=region_path)
        raise LoginRefused(N_("用户名或密码错误，或账户已停用"))
    forgive_attempt(username, ip)
    user.last_login_at = utcnow()
    record_event(Actor(user, ip), "auth.login", object_type="user", object_id=user.id)
    return user


def _wait_text(wait: timedelta) -> Message:
    seconds = max(1, math.ceil(wait.total_seconds()))
    if seconds < 120:
        return Message(N_("%(count)s 秒"), count=seconds)
    return Message(N_("%(count)s 分钟"), count=math.ceil(seconds / 60))


def _checked_hash(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ServiceError(N_("密码至少 %(count)s 个字符"), count=MIN_PASSWORD_LENGTH)
    return hash_password(password)


#: The roles that act for a department (an assessor fills the grading checklist's 民政 sections).
STAFF_WITH_DEPARTMENT = (Role.INSPECTOR, Role.REVIEWER, Role.ASSESSOR)


def _apply(user: User, data: dict[str, Any]) -> None:
    for field in USER_FIELDS:
        if field in data:
            setattr(user, field, data[field])
    user.region = db.session.get(Region, user.region_id)
    if user.region is None:
        raise ServiceError(N_("请选择所属区域"))
    role = Role(user.role)
    department = db.session.get(Department, user.department_id) if user.department_id else None
    facility = db.session.get(Facility, user.facility_id) if user.facility_id else None
    if role in STAFF_WITH_DEPARTMENT and department is None:
        raise ServiceError(N_("检查员、评审员和审核人员必须属于一个部门"))
    if department is not None and not permissions.regions_overlap(department.region, user.region):
        raise ServiceError(N_("部门不在该用户的区域内"))
    if role == Role.OPERATOR and facility is None:
        raise ServiceError(N_("机构负责人账户必须关联一个机构"))
    if facility is not None and not permissions.can_view_region(user, facility.region):
        raise ServiceError(N_("机构不在该用户的区域内"))
    user.department = department if role in STAFF_WITH_DEPARTMENT else None
    user.facility = facility if role == Role.OPERATOR else None
    if user.department is None:
        user.department_id = None
    if user.facility is None:
        user.facility_id = None


def find_users(user: User, query: str = "") -> Select[tuple[User]]:
    """Return a select of the accounts `user` may see, by username, optionally matching `query` in username or
    name."""
    stmt = permissions.visible_users(user).order_by(User.username)
    if query:
        like = f"%{query}%"
        stmt = stmt.where(or_(User.username.ilike(like), User.display_name.ilike(like)))
    return stmt


def linkable_facilities(user: User) -> list[Facility]:
    """Return the facilities an operator account created by `user` may be linked to (those `user` may see), by
    name."""
    return list(db.session.scalars(permissions.visible_facilities(user).order_by(Facility.name)))
