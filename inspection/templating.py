"""Template helpers: labels for enums, date formats and the navigation of each role."""

from datetime import date, datetime

from flask import Flask
from flask_babel import format_datetime, get_locale
from flask_babel import lazy_gettext as _l

from inspection.models import FacilityStatus, FacilityType, FireAcceptance, Ownership, RegionLevel, Role
from inspection.scoring.rankings import group_key
from inspection.security import may_see_rankings

LABELS = {
    FacilityType.NURSING_HOME: _l("特困人员供养服务机构/敬老院"),
    FacilityType.WELFARE_CENTRE: _l("社会福利中心"),
    FacilityType.PRIVATE_HOME: _l("民办养老机构"),
    FacilityType.DAY_CARE: _l("社区养老服务机构/日间照料中心"),
    FacilityType.MUTUAL_AID: _l("农村互助幸福院"),
    FacilityType.RESETTLEMENT: _l("移民集中安置点"),
    Ownership.PUBLIC: _l("公办公营"),
    Ownership.PUBLIC_PRIVATE: _l("公建民营"),
    Ownership.PRIVATE: _l("民办"),
    FireAcceptance.ACCEPTED: _l("已验收"),
    FireAcceptance.FILED: _l("已备案"),
    FireAcceptance.NONE: _l("未办理"),
    FireAcceptance.NOT_REQUIRED: _l("不需办理"),
    FacilityStatus.ACTIVE: _l("运营中"),
    FacilityStatus.CLOSED: _l("已关闭"),
    Role.ADMIN: _l("系统管理员"),
    Role.REVIEWER: _l("民政审核人员"),
    Role.INSPECTOR: _l("检查员"),
    Role.OPERATOR: _l("机构负责人"),
    RegionLevel.PROVINCE: _l("省"),
    RegionLevel.CITY: _l("市"),
    RegionLevel.COUNTY: _l("县"),
    RegionLevel.TOWNSHIP: _l("乡镇"),
}


def label(value: object) -> str:
    """Return the display label of an enum value (the value itself when it has none)."""
    return str(LABELS.get(value, value))  # type: ignore[call-overload]


def ymd(value: date | datetime | None) -> str:
    """Format a date as YYYY-MM-DD; datetimes in local time with minutes."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_datetime(value, "yyyy-MM-dd HH:mm")
    return value.isoformat()


def init_templating(app: Flask) -> None:
    """Register the filters used by the templates."""
    app.jinja_env.filters["label"] = label
    app.jinja_env.filters["ymd"] = ymd
    app.jinja_env.globals["Role"] = Role
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.globals["may_see_rankings"] = may_see_rankings
    app.jinja_env.globals["group_key"] = group_key
