"""Regions and departments: creating them, and the ones a user may choose from."""

from dataclasses import asdict
from typing import Any

from sqlalchemy import Row, func, select

from inspection import permissions
from inspection.extensions import db
from inspection.i18n import N_
from inspection.models import Department, Region, RegionLevel, User
from inspection.notices.settings import default_settings
from inspection.services import Actor, ServiceError
from inspection.services.audit import record_event

_CHILD_LEVEL = {
    RegionLevel.PROVINCE: RegionLevel.CITY,
    RegionLevel.CITY: RegionLevel.COUNTY,
    RegionLevel.COUNTY: RegionLevel.TOWNSHIP,
}


def regions_within(user: User, level: RegionLevel | None = None) -> list[Region]:
    """Return the regions within the user's region (optionally of one level), in tree order."""
    return list(db.session.scalars(permissions.visible_regions(user, level)))


def region_names_within(user: User, level: RegionLevel) -> list[Row[tuple[int, str]]]:
    """Return the id and name of each region of `level` within the user's region, in tree order (for a picker: a
    province has hundreds of townships, and loading them as regions costs more than rendering them)."""
    stmt = permissions.visible_regions(user, level).with_only_columns(Region.id, Region.name)
    return list(db.session.execute(stmt))


def township_name_within(user: User, township_id: int) -> str | None:
    """Return the name of township `township_id` if it lies within the user's region, else None (a filter naming
    another region's township finds nothing)."""
    stmt = permissions.visible_regions(user, RegionLevel.TOWNSHIP).where(Region.id == township_id)
    return db.session.scalar(stmt.with_only_columns(Region.name))


def departments_within(user: User) -> list[Department]:
    """Return the departments of the regions within the user's region, by code."""
    return list(db.session.scalars(permissions.visible_departments(user).order_by(Department.code)))


def create_region(parent: Region | None, name: str, short_name: str, actor: Actor, *, is_demo: bool = False) -> Region:
    """Add a region one level below `parent` (a province when `parent` is None).

    :raises ServiceError: below a township, or when the parent already has a region of that name.
    """
    if parent is not None and parent.level not in _CHILD_LEVEL:
        raise ServiceError(N_("乡镇之下不能再添加区域"))
    level = _CHILD_LEVEL[RegionLevel(parent.level)] if parent else RegionLevel.PROVINCE
    same_name = (
        select(func.count())
        .select_from(Region)
        .where(Region.name == name, Region.parent_id == (parent.id if parent else None))
    )
    if db.session.scalar(same_name):
        raise ServiceError(N_("%(name)s 已存在"), name=name)
    region = Region(name=name, short_name=short_name or name[:1], level=level, parent=parent, is_demo=is_demo)
    db.session.add(region)
    db.session.flush()
    region.path = f"{parent.path if parent else '/'}{region.id}/"
    db.session.flush()
    record_event(
        actor,
        "region.create",
        object_type="region",
        object_id=region.id,
        region_path=region.path,
        after={"name": name, "level": level.value},
    )
    return region


def create_department(region: Region, data: dict[str, Any], actor: Actor) -> Department:
    """Add a department to `region`.

    :raises ServiceError: when the region already has a department with that code.
    """
    taken = (
        select(func.count())
        .select_from(Department)
        .where(Department.region_id == region.id, Department.code == data["code"])
    )
    if db.session.scalar(taken):
        raise ServiceError(N_("该区域已有代码为 %(code)s 的部门"), code=data["code"])
    # its notices start with the defaults of its kind (DOMAIN §15.3), edited later on the admin pages
    settings = default_settings(data["code"], data["short_code"], region.name)
    department = Department(region=region, code=data["code"], name=data["name"], kind=data["kind"], **asdict(settings))
    db.session.add(department)
    db.session.flush()
    record_event(
        actor,
        "department.create",
        object_type="department",
        object_id=department.id,
        region_path=region.path,
        after={k: data[k] for k in ("code", "name", "kind", "short_code")},
    )
    return department
