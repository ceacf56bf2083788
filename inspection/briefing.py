"""The joint-meeting briefing (联席会议通报): its period, its figures as plain data, and the tables every output
(the page, the PDF, the workbook) prints from them. Pure: no Flask, no database; the figures are counted by
``inspection.services.briefing``.

A table's title, headers and fixed words are msgids (``N_``): the page shows them in the reader's language, the
printed briefing and the workbook in Chinese, the county's language.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from markupsafe import Markup

from inspection.charts import Series, bar_chart, grouped_bar_chart
from inspection.checklists import DEPARTMENT_NAMES, ITEM_CLASS_LABELS, ItemClass
from inspection.dates import EARLIEST_INSPECTION, DateRange
from inspection.i18n import N_, Message
from inspection.notices.context import NoticeKind

#: A facility has "repeated major hazards" when major hazards (重大事故隐患) were found in at least this many of its
#: inspections dated within the period.
REPEATED_MAJOR_MIN_INSPECTIONS = 2
REPEATED_MAJOR_RULE = N_("期内有两次及以上检查发现重大事故隐患的机构（按检查日期计，同一次检查发现多项只计一次）。")
OVERDUE_RULE = N_("逾期：截至期末尚未销号、且整改期限早于期末的隐患（期限当天不算逾期），含期前发现的隐患。")
GRADING_RULE = N_("等级评定：检查日期在期内、已经民政审核的评定结果（待审核的不计）。")

#: The order and printed name of the period presets the page offers.
PRESETS = {"month": N_("本月"), "last_quarter": N_("上季度"), "year": N_("本年")}
#: Printed names of the documents counted as notices.
NOTICE_KIND_LABELS = {
    NoticeKind.RECTIFICATION: N_("整改通知书"),
    NoticeKind.REINSPECTION: N_("复查意见书"),
    NoticeKind.FOOD_RESULT: N_("食品检查结果记录表"),
}
#: Grading outcomes in printed order: the five levels, then the results that reach none.
GRADING_OUTCOMES = (
    ("5", N_("五级")),
    ("4", N_("四级")),
    ("3", N_("三级")),
    ("2", N_("二级")),
    ("1", N_("一级")),
    ("below_grade", N_("未达等级")),
    ("withheld", N_("暂缓评定")),
)
CLASS_ORDER = (ItemClass.MAJOR, ItemClass.KEY, ItemClass.GENERAL)


def period_problem(start: date | None, end: date | None, today: date) -> str | None:
    """Return why `start`–`end` (both included) cannot be a briefing's period, or None when it can."""
    if start is None or end is None:
        return Message(N_("请填写起止日期（YYYY-MM-DD）。"))
    if end < start:
        return Message(N_("结束日期 %(end)s 早于开始日期 %(start)s。"), start=start.isoformat(), end=end.isoformat())
    if end > today:
        return Message(N_("结束日期不能晚于今天（%(today)s）。"), today=today.isoformat())
    if start < EARLIEST_INSPECTION:
        return Message(N_("开始日期不能早于 %(first)s。"), first=EARLIEST_INSPECTION.isoformat())
    return None


def preset_period(name: str, today: date) -> DateRange:
    """Return the period a preset names: this month and this year up to today, last quarter in full."""
    if name == "month":
        return DateRange(today.replace(day=1), today)
    if name == "year":
        return DateRange(today.replace(month=1, day=1), today)
    if name == "last_quarter":
        this_quarter = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
        last_day = this_quarter - timedelta(days=1)
        return DateRange(date(last_day.year, last_day.month - 2, 1), last_day)
    raise ValueError(f"unknown period preset {name!r}")


@dataclass(frozen=True)
class Count:
    """A number of something under a key (a department code, a township id, a kind) and its printed name."""

    key: str
    name: str
    count: int


@dataclass(frozen=True)
class HazardCounts:
    """Hazards of one class or department: found in the period, closed in it, overdue at its end."""

    key: str
    name: str
    found: int
    closed: int
    overdue: int


@dataclass(frozen=True)
class ListingChange:
    """A credit-list entry added (decided) or removed within the period."""

    facility_id: int
    facility: str
    ground: str
    on: date
    document: str


@dataclass(frozen=True)
class RepeatedMajor:
    """A facility where major hazards were found by several inspections of the period."""

    facility_id: int
    facility: str
    township: str
    inspections: int
    major_hazards: int
    open_major_hazards: int


@dataclass(frozen=True)
class Reinspections:
    """Re-inspections of the period and their decisions on hazards."""

    total: int
    on_site: int
    accepted: int
    rejected: int
    by_department: list[Count] = field(default_factory=list)


@dataclass(frozen=True)
class Figures:
    """Everything the briefing reports for one region and period."""

    region: str
    period: DateRange
    inspections_by_department: list[Count]
    inspections_by_township: list[Count]
    inspections_total: int
    hazards_by_class: list[HazardCounts]
    hazards_by_department: list[HazardCounts]
    notices_by_kind: list[Count]
    notices_by_department: list[Count]
    reinspections: Reinspections
    grading: list[Count]
    listings_added: list[ListingChange]
    listings_removed: list[ListingChange]
    repeated_major: list[RepeatedMajor]


def department_name(code: str) -> str:
    """Return the printed name (msgid) of a department code; an unknown code prints as itself."""
    return next((name for known, name in DEPARTMENT_NAMES.items() if known.value == code), code)


def class_name(code: str) -> str:
    """Return the printed name (msgid) of an item class."""
    return next((name for known, name in ITEM_CLASS_LABELS.items() if known.value == code), code)


@dataclass(frozen=True)
class Table:
    """One table of the briefing: a sheet of the workbook, a section of the page and the PDF.

    :param key: a stable name (anchors, tests). :param title: msgid. :param headers: msgids.
    :param rows: cell values; a str cell marked `translate` in `translated_columns` is a msgid too.
    """

    key: str
    title: str
    headers: tuple[str, ...]
    rows: list[tuple[object, ...]]
    note: str = ""
    translated_columns: frozenset[int] = frozenset()
    total: tuple[object, ...] | None = None


def _total_row(rows: list[tuple[object, ...]], first: str = N_("合计")) -> tuple[object, ...] | None:
    if not rows:
        return None
    width = len(rows[0])
    return (first, *(sum(int(r[i]) for r in rows) for i in range(1, width)))  # type: ignore[call-overload]


def tables(f: Figures) -> list[Table]:
    """Return the briefing's tables, in printed order."""
    hazards = (N_("期内发现"), N_("期内销号"), N_("期末逾期"))
    dept_rows: list[tuple[object, ...]] = [(c.name, c.count) for c in f.inspections_by_department]
    town_rows: list[tuple[object, ...]] = [(c.name, c.count) for c in f.inspections_by_township]
    class_rows: list[tuple[object, ...]] = [(h.name, h.found, h.closed, h.overdue) for h in f.hazards_by_class]
    hazard_dept: list[tuple[object, ...]] = [(h.name, h.found, h.closed, h.overdue) for h in f.hazards_by_department]
    notice_rows: list[tuple[object, ...]] = [(c.name, c.count) for c in f.notices_by_kind]
    notice_dept: list[tuple[object, ...]] = [(c.name, c.count) for c in f.notices_by_department]
    r = f.reinspections
    re_rows: list[tuple[object, ...]] = [(c.name, c.count) for c in r.by_department]
    grading_rows: list[tuple[object, ...]] = [(c.name, c.count) for c in f.grading]
    added: list[tuple[object, ...]] = [(c.facility, c.ground, c.on, c.document) for c in f.listings_added]
    removed: list[tuple[object, ...]] = [(c.facility, c.ground, c.on, c.document) for c in f.listings_removed]
    repeated: list[tuple[object, ...]] = [
        (m.facility, m.township, m.inspections, m.major_hazards, m.open_major_hazards) for m in f.repeated_major
    ]
    listing_headers = (N_("机构"), N_("列入事由"), N_("日期"), N_("决定文书"))
    return [
        Table(
            "inspections_department",
            N_("各部门完成检查"),
            (N_("部门"), N_("检查次数")),
            dept_rows,
            N_("已完成的检查，按参加并提交检查表的部门计；联合检查每个参加部门各计一次。"),
            frozenset({0}),
        ),
        Table(
            "inspections_township",
            N_("各乡镇完成检查"),
            (N_("乡镇"), N_("检查次数")),
            town_rows,
            translated_columns=frozenset(),
            total=(N_("合计"), f.inspections_total),
        ),
        Table(
            "hazards_class",
            N_("隐患按类别"),
            (N_("类别"), *hazards),
            class_rows,
            OVERDUE_RULE,
            frozenset({0}),
            _total_row(class_rows),
        ),
        Table(
            "hazards_department",
            N_("隐患按部门"),
            (N_("部门"), *hazards),
            hazard_dept,
            OVERDUE_RULE,
            frozenset({0}),
            _total_row(hazard_dept),
        ),
        Table(
            "notices",
            N_("制发文书"),
            (N_("文书"), N_("份数")),
            notice_rows,
            N_("含其后被更正替代的文书。"),
            frozenset({0}),
            _total_row(notice_rows),
        ),
        Table("notices_department", N_("各部门制发文书"), (N_("部门"), N_("份数")), notice_dept, "", frozenset({0})),
        Table(
            "reinspections",
            N_("复查"),
            (N_("部门"), N_("复查次数")),
            re_rows,
            Message(
                N_("复查 %(total)s 次，其中现场 %(on_site)s 次；合格销号 %(accepted)s 项，不合格 %(rejected)s 项。"),
                total=r.total,
                on_site=r.on_site,
                accepted=r.accepted,
                rejected=r.rejected,
            ),
            frozenset({0}),
        ),
        Table("grading", N_("等级评定进展"), (N_("结果"), N_("机构数")), grading_rows, GRADING_RULE, frozenset({0})),
        Table("listings_added", N_("列入失信名单"), listing_headers, added, translated_columns=frozenset({1})),
        Table("listings_removed", N_("移出失信名单"), listing_headers, removed, translated_columns=frozenset({1})),
        Table(
            "repeated_major",
            N_("重复发现重大事故隐患的机构"),
            (N_("机构"), N_("乡镇"), N_("发现重大隐患的检查次数"), N_("重大隐患项数"), N_("其中未销号")),
            repeated,
            REPEATED_MAJOR_RULE,
        ),
    ]


def charts(f: Figures, gettext: Callable[[str], str] = str) -> list[tuple[str, Markup]]:
    """Return the briefing's charts as (heading, SVG), the same on the page and in the PDF; `gettext` translates
    their words (the printed briefing keeps the Chinese)."""
    _ = gettext
    towns = [c.name for c in f.inspections_by_township]
    departments = [_(h.name) for h in f.hazards_by_department]
    hazard_series = [
        Series(_("期内发现"), [h.found for h in f.hazards_by_department], "opened"),
        Series(_("期内销号"), [h.closed for h in f.hazards_by_department], "closed"),
        Series(_("期末逾期"), [h.overdue for h in f.hazards_by_department], "withheld"),
    ]
    grading = f.grading
    return [
        (
            _("各乡镇完成检查"),
            bar_chart(
                "briefing-towns",
                _("各乡镇完成检查"),
                _("每个乡镇一行，数字为期内完成的检查次数；数据同表。"),
                towns,
                [c.count for c in f.inspections_by_township],
                ["s0"] * len(towns),
            ),
        ),
        (
            _("隐患按部门"),
            grouped_bar_chart(
                "briefing-hazards",
                _("隐患按部门"),
                _("每个部门期内发现、销号和期末逾期的隐患数；数据同表。"),
                departments,
                hazard_series,
            ),
        ),
        (
            _("等级评定进展"),
            bar_chart(
                "briefing-grading",
                _("等级评定进展"),
                _("期内经审核的评定结果，按等级；数据同表。"),
                [_(c.name) for c in grading],
                [c.count for c in grading],
                [f"g{c.key}" if c.key.isdigit() else ("withheld" if c.key == "withheld" else "below") for c in grading],
            ),
        ),
    ]
