"""The county league table (等级排名) and the grade trend: pure functions on plain data (no Flask, no DB).

The ranking rule, shown on the rankings page and mirrored by the SQL ordering in
``inspection.services.rankings`` (a test checks that both give the same order):

1. Facilities fall into groups, in this order:
   countersigned grade (一级…五级) → countersigned 未达等级 → 待审核 (a grading result not yet
   countersigned, which does not count yet) → 未评定 (never graded) → 暂缓评定 (withheld, whether
   countersigned or not: a veto takes effect at once) → on the credit blacklist (失信名单), whatever
   the grade. Facilities outside the grading's scope (not a residential 养老机构, DOMAIN §15.7) are never
   ranked: they carry no rank, show 不参加等级评定 and come after every ranked facility.
2. Within the countersigned grades: the higher grade first (五级 before 四级 …).
3. Then the higher grade score (countersigned grades and 未达等级 only; other groups ignore it).
4. Then fewer open major hazards (重大事故隐患).
5. Then the name (by Unicode code point), and finally the facility id, so the order is total and
   two facilities never share a rank.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import IntEnum, StrEnum

from inspection.i18n import N_, Message, labelled

#: Verdict codes of a grading result (see ``inspection.scoring.verdicts.Gbt37276Grade``).
GRADE_CODE, BELOW_CODE, WITHHELD_CODE = "grade", "below_grade", "withheld"
GRADE_LABELS = labelled("grade", {1: N_("一级"), 2: N_("二级"), 3: N_("三级"), 4: N_("四级"), 5: N_("五级")})


class RankGroup(IntEnum):
    """The groups of the league table, in ranking order."""

    GRADED = 0
    BELOW_GRADE = 1
    PENDING = 2
    UNRATED = 3
    WITHHELD = 4
    BLACKLISTED = 5
    NOT_ELIGIBLE = 6  # not a residential 养老机构: no rank at all


GROUP_LABELS = labelled(
    "rank_group",
    {
        RankGroup.GRADED: N_("已评定"),
        RankGroup.BELOW_GRADE: N_("未达等级"),
        RankGroup.PENDING: N_("待审核"),
        RankGroup.UNRATED: N_("未评定"),
        RankGroup.WITHHELD: N_("暂缓评定"),
        RankGroup.BLACKLISTED: N_("列入失信名单"),
        RankGroup.NOT_ELIGIBLE: N_("不参加等级评定"),
    },
)


#: The key of each group besides the graded one: the value of the grade filter, and the colour of the charts,
#: the badges and the export (a graded row's key is "g1" … "g5").
GROUP_KEYS = {
    RankGroup.BELOW_GRADE: "below",
    RankGroup.PENDING: "pending",
    RankGroup.UNRATED: "unrated",
    RankGroup.WITHHELD: "withheld",
    RankGroup.BLACKLISTED: "blacklisted",
    RankGroup.NOT_ELIGIBLE: "not_eligible",
}


def group_key(group: int, grade: int | None) -> str:
    """Return the colour key of a row of this group and grade."""
    return f"g{grade}" if group == RankGroup.GRADED else GROUP_KEYS[RankGroup(group)]


@dataclass(frozen=True, slots=True)
class RankInput:
    """What the rule needs to know about one facility.

    :param grade_code: verdict code of the current grading result (grade / below_grade / withheld),
        or None when the facility was never graded.
    :param reviewed: the current grading result is countersigned (审核).
    :param eligible: the facility is a residential 养老机构, within the grading's scope.
    """

    facility_id: int
    name: str
    grade_code: str | None
    grade: int | None
    grade_score: Decimal | None
    reviewed: bool
    open_major_hazards: int
    blacklisted: bool
    eligible: bool = True


def rank_group(row: RankInput) -> RankGroup:
    """Return the group of `row` under the ranking rule (see the module docstring)."""
    if not row.eligible:
        return RankGroup.NOT_ELIGIBLE
    if row.blacklisted:
        return RankGroup.BLACKLISTED
    if row.grade_code == WITHHELD_CODE:
        return RankGroup.WITHHELD
    if row.grade_code is None:
        return RankGroup.UNRATED
    if not row.reviewed:
        return RankGroup.PENDING
    if row.grade_code == GRADE_CODE and row.grade is not None:
        return RankGroup.GRADED
    return RankGroup.BELOW_GRADE


def rank_key(row: RankInput) -> tuple[int, int, Decimal, int, str, int]:
    """Return the sort key of `row`: ascending keys rank first."""
    group = rank_group(row)
    level = (row.grade or 0) if group == RankGroup.GRADED else 0
    scored = group in (RankGroup.GRADED, RankGroup.BELOW_GRADE) and row.grade_score is not None
    score = row.grade_score if scored else Decimal(-1)
    return (group, -level, -score, row.open_major_hazards, row.name, row.facility_id)  # type: ignore[operator]


def rank_facilities(rows: Iterable[RankInput]) -> list[tuple[int | None, RankInput]]:
    """Order `rows` by the ranking rule and number them from 1; facilities outside the grading's scope follow,
    without a rank.

    :return: ``(rank, row)`` pairs, best first.
    """
    ordered = sorted(rows, key=rank_key)
    return [(place if row.eligible else None, row) for place, row in enumerate(ordered, start=1)]


def group_reason(group: RankGroup, *, withheld_reason: Message | None = None, blacklist_ground: str = "") -> Message:
    """Return why a facility sits in `group` (empty for a countersigned grade).

    :param withheld_reason: the grading result's own explanation of the veto.
    :param blacklist_ground: the listing's ground, in words (its label, translated where it is shown).
    """
    if group == RankGroup.NOT_ELIGIBLE:
        return Message(N_("不是养老机构，不参加等级评定，不排名"))
    if group == RankGroup.BLACKLISTED:
        if blacklist_ground:
            ground = Message(blacklist_ground)
            return Message(N_("列入养老服务市场失信联合惩戒对象名单（%(ground)s），排在末位"), ground=ground)
        return Message(N_("列入养老服务市场失信联合惩戒对象名单，排在末位"))
    if group == RankGroup.WITHHELD:
        return withheld_reason or Message(N_("暂缓评定"))
    if group == RankGroup.PENDING:
        return Message(N_("评定结果待审核，审核后计入排名"))
    if group == RankGroup.UNRATED:
        return Message(N_("尚未参加等级评定"))
    return Message("")


class TrendDirection(StrEnum):
    """How the grade moved since the previous grading."""

    UP = "up"
    DOWN = "down"
    SAME = "same"
    NEW = "new"  # first grading: nothing to compare with
    NONE = "none"  # never graded


TREND_LABELS = labelled(
    "trend",
    {
        TrendDirection.UP: N_("上升"),
        TrendDirection.DOWN: N_("下降"),
        TrendDirection.SAME: N_("持平"),
        TrendDirection.NEW: N_("首次评定"),
        TrendDirection.NONE: "—",
    },
)


@dataclass(frozen=True, slots=True)
class GradingPoint:
    """One stored grading result."""

    grade_code: str
    grade: int | None
    score: Decimal | None


@dataclass(frozen=True, slots=True)
class Trend:
    """The change from the previous grading to the current one."""

    direction: TrendDirection
    level_change: int = 0
    score_change: Decimal | None = None

    @property
    def label(self) -> Message:
        """Return the trend in words, e.g. 下降 1 级 or 上升（+12.0 分）, translated where it is shown."""
        direction = Message(TREND_LABELS[self.direction])
        if self.level_change:
            return Message(N_("%(trend)s %(levels)s 级"), trend=direction, levels=abs(self.level_change))
        if self.direction != TrendDirection.NEW and self.score_change:
            return Message(N_("%(trend)s（%(points)s 分）"), trend=direction, points=f"{self.score_change:+}")
        return direction


def level_value(point: GradingPoint) -> int:
    """Return a comparable value of a grading result: withheld 0 < below grade 1 < 一级 2 … 五级 6."""
    if point.grade_code == WITHHELD_CODE:
        return 0
    if point.grade_code == GRADE_CODE and point.grade is not None:
        return point.grade + 1
    return 1


def grade_trend(history: Sequence[GradingPoint]) -> Trend:
    """Compare the newest grading result with the one before it.

    Levels compare as in :func:`level_value`; at the same level the score decides (a lower score is
    下降, a higher one 上升, an equal one 持平).

    :param history: the facility's grading results, oldest first.
    """
    if not history:
        return Trend(TrendDirection.NONE)
    if len(history) == 1:
        return Trend(TrendDirection.NEW)
    previous, current = history[-2], history[-1]
    change = level_value(current) - level_value(previous)
    score_change = None
    if current.score is not None and previous.score is not None:
        score_change = current.score - previous.score
    if change:
        direction = TrendDirection.UP if change > 0 else TrendDirection.DOWN
    elif score_change:
        direction = TrendDirection.UP if score_change > 0 else TrendDirection.DOWN
    else:
        direction = TrendDirection.SAME
    return Trend(direction, change, score_change)
