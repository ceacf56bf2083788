"""Who may apply for a grade: the scope of the grading and a province's eligibility rules, on plain facts. Pure: no
Flask, no DB.

:func:`refusals` lists every rule an application breaks (empty: eligible), each naming its rule, so a refused
application says which rule refused it; :func:`conditions` words the rules for the operator before applying.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from inspection.campaign.rules import CampaignRules, Rule, RuleCode
from inspection.i18n import N_, Message

#: Not a rule of the file: GB/T 37276 grades residential 养老机构 only (DOMAIN §15.7).
NOT_RESIDENTIAL = "not_residential"


@dataclass(frozen=True)
class EligibilityFacts:
    """What the rules need to know about a facility on the day it applies.

    :param residential: a residential 养老机构 (``Facility.is_residential``).
    :param opened_on: the day it started operating, or None when the register does not say.
    :param filed: it has filed (备案) with civil affairs.
    :param last_penalty_on: its latest administrative penalty, compulsion or criminal penalty, or None.
    :param blacklisted: on the 养老服务市场失信联合惩戒对象名单 now.
    :param plaque_outstanding: an earlier grade's plaque and certificate were to be returned and were not.
    :param graded_before: it has held a grade, so it is not a first-time applicant.
    """

    residential: bool
    opened_on: date | None
    filed: bool
    last_penalty_on: date | None
    blacklisted: bool
    plaque_outstanding: bool
    graded_before: bool


@dataclass(frozen=True)
class Refusal:
    """A rule an application breaks: its code (a ``RuleCode`` or ``NOT_RESIDENTIAL``) and why, in words."""

    code: str
    message: Message
    #: The rule's basis is not verified (shown as 待核实).
    unverified: bool = False


def add_months(day: date, months: int) -> date:
    """Return `day` moved by `months` (negative: back), on the month's last day where the day does not exist."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def refusals(facts: EligibilityFacts, level: int, rules: CampaignRules, today: date) -> list[Refusal]:
    """Return every rule of `rules` that refuses an application for `level` (1–5) made on `today`, in the file's
    order after the scope; an empty list means the facility may apply."""
    if not facts.residential:
        return [Refusal(NOT_RESIDENTIAL, Message(N_("不是养老机构（住养型），不参加等级评定")))]
    found = []
    for rule in rules.rules:
        message = _breaks(rule, facts, level, today)
        if message is not None:
            found.append(Refusal(rule.code, message, unverified=not rule.verified))
    return found


def _breaks(rule: Rule, facts: EligibilityFacts, level: int, today: date) -> Message | None:
    value = rule.value or 0
    if rule.code == RuleCode.MIN_OPERATING_MONTHS:
        if facts.opened_on is None:
            return Message(N_("档案未登记开业运营日期，无法核对是否运营满 %(months)s 个月"), months=value)
        if add_months(facts.opened_on, value) > today:
            return Message(
                N_("开业运营未满 %(months)s 个月（%(opened)s 开业）"), months=value, opened=facts.opened_on.isoformat()
            )
    elif rule.code == RuleCode.FIRST_TIME_MAX_LEVEL:
        if not facts.graded_before and level > value:
            return Message(N_("首次申请等级评定最高可申请 %(max)s 级，申请的是 %(level)s 级"), max=value, level=level)
    elif rule.code == RuleCode.UNFILED:
        if not facts.filed:
            return Message(N_("未办理养老机构备案"))
    elif rule.code == RuleCode.RECENT_PENALTY:
        if facts.last_penalty_on is not None and facts.last_penalty_on > add_months(today, -value):
            return Message(
                N_("%(months)s 个月内受到行政处罚、行政强制或刑事处罚（%(on)s）"),
                months=value,
                on=facts.last_penalty_on.isoformat(),
            )
    elif rule.code == RuleCode.BLACKLISTED:
        if facts.blacklisted:
            return Message(N_("列入养老服务市场失信联合惩戒对象名单"))
    elif rule.code == RuleCode.PLAQUE_NOT_RETURNED and facts.plaque_outstanding:
        return Message(N_("原等级标牌和证书未交回"))
    return None


@dataclass(frozen=True)
class Condition:
    """An eligibility condition in words, for the operator before applying."""

    code: str
    text: Message
    basis: str
    unverified: bool


def conditions(rules: CampaignRules) -> list[Condition]:
    """Return the conditions an applicant must meet under `rules`, the scope first."""
    scope = Condition(
        NOT_RESIDENTIAL,
        Message(N_("住养型养老机构（日间照料中心等不参加等级评定）")),
        "GB/T 37276-2018（DOMAIN §15.7）",
        unverified=False,
    )
    return [scope, *(Condition(r.code, _condition_text(r), r.basis, not r.verified) for r in rules.rules)]


def _condition_text(rule: Rule) -> Message:
    texts = {
        RuleCode.MIN_OPERATING_MONTHS: N_("开业运营满 %(value)s 个月"),
        RuleCode.FIRST_TIME_MAX_LEVEL: N_("首次申请的最高可申请 %(value)s 级"),
        RuleCode.UNFILED: N_("已办理养老机构备案"),
        RuleCode.RECENT_PENALTY: N_("%(value)s 个月内未受到行政处罚、行政强制或刑事处罚"),
        RuleCode.BLACKLISTED: N_("未列入养老服务市场失信联合惩戒对象名单"),
        RuleCode.PLAQUE_NOT_RETURNED: N_("以往等级的标牌和证书已按要求交回"),
    }
    text = texts[rule.code]
    return Message(text, value=rule.value) if "%(value)s" in text else Message(text)
