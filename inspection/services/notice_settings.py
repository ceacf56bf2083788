"""Changing what a department's notices say (its `inspection.notices.settings`), as an administrator of its region."""

from dataclasses import asdict

from inspection.extensions import db
from inspection.i18n import N_, joined
from inspection.models import Department, Role
from inspection.notices.settings import SETTING_NAMES, NoticeSettings, settings_problems
from inspection.permissions import can_view_region
from inspection.services import Actor, RuleViolation, ServiceError
from inspection.services.audit import record_event


def current_settings(department: Department) -> NoticeSettings:
    """Return `department`'s notice settings as stored."""
    return NoticeSettings(**{name: getattr(department, name) for name in SETTING_NAMES})


def update_notice_settings(department: Department, settings: NoticeSettings, actor: Actor) -> Department:
    """Store `settings` (texts stripped) on `department`; audited with the values before and after.

    Notices issued before keep their text: an issued notice never changes.

    :raises ServiceError: the actor does not administer the department's region.
    :raises RuleViolation: a setting is invalid (`fields` names each one with its message).
    """
    user = actor.user
    if user is None or user.role != Role.ADMIN or not can_view_region(user, department.region):
        raise ServiceError(N_("只有该区域的管理员可以修改部门的文书设置"))
    cleaned = NoticeSettings(**{name: value.strip() for name, value in asdict(settings).items()})
    problems = settings_problems(cleaned)
    if problems:
        raise RuleViolation(N_("文书设置有误：%(problems)s"), fields=problems, problems=joined(problems.values()))
    before = asdict(current_settings(department))
    for name, value in asdict(cleaned).items():
        setattr(department, name, value)
    db.session.flush()
    record_event(
        actor,
        "department.notice_settings",
        object_type="department",
        object_id=department.id,
        region_path=department.region.path,
        before=before,
        after=asdict(cleaned),
    )
    return department
