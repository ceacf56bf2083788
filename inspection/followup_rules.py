"""Rules of hazard follow-up: deadlines, overdue, the blacklist's two-year removal rule. Pure: no Flask, no DB."""

from datetime import date, timedelta

from inspection.checklists import DepartmentCode, ItemClass, RectificationDays

#: Marks an item worded as a question (checklist versions before December 2026): never quoted in a requirement.
QUESTION_MARKERS = ("是否", "？", "?")

#: Removal from the credit list may be applied for after two full years (民发〔2019〕103号 第十一条, DOMAIN §8).
LISTING_REMOVAL_YEARS = 2


def default_deadline(item_class: ItemClass, found_on: date, days: RectificationDays) -> tuple[bool, date]:
    """Return (immediate, deadline) for a failure of `item_class` found on `found_on`.

    A major hazard is 立即: immediate measures, and its deadline is the latest re-inspection date.
    Key and general failures get the checklist's default period (DOMAIN §12: 15 and 30 days).
    """
    if item_class == ItemClass.MAJOR:
        return True, found_on + timedelta(days=days.major_reinspect_within_days or days.major)
    period = days.key if item_class == ItemClass.KEY else days.general
    return False, found_on + timedelta(days=period)


def is_overdue(closed: bool, deadline: date, today: date) -> bool:
    """Return True if a hazard that is not closed has passed its deadline (the deadline day itself is not late)."""
    return not closed and deadline < today


def is_due_this_week(closed: bool, deadline: date, today: date) -> bool:
    """Return True if a hazard that is not closed falls due within the next seven days (today included)."""
    return not closed and today <= deadline <= today + timedelta(days=6)


def removal_eligible_on(decided_on: date) -> date:
    """Return the first day a listed party may apply for removal: two full years after the decision.

    A decision of 29 February becomes eligible on 1 March.
    """
    try:
        return decided_on.replace(year=decided_on.year + LISTING_REMOVAL_YEARS)
    except ValueError:  # 29 February in a leap year
        return date(decided_on.year + LISTING_REMOVAL_YEARS, 3, 1)


def requirement_text(item_text: str, basis: str) -> str:
    """Return the default 整改要求 for a failed item whose checklist gives no requirement of its own.

    An item worded as the state that holds when it passes ("安全出口畅通，未上锁") is the state to restore; an item
    worded as a question is not quoted, so a requirement never reads as a question (DOMAIN §15.3).
    """
    state = item_text.strip().rstrip("。")
    if state and not any(marker in state for marker in QUESTION_MARKERS):
        return f"按照{basis}的规定整改，达到“{state}”的要求，整改完成后书面报告整改情况。"
    return f"按照{basis}的规定整改到位，整改完成后书面报告整改情况。"


def proposes_listing(fire_determination: bool, department_code: str, closed: bool, deadline: date, today: date) -> bool:
    """Return True when a hazard should be proposed for the credit list on ground 4 (存在重大火灾隐患，逾期不改,
    民发〔2019〕103号): a 消防 hazard that carries the 消防救援机构's 重大火灾隐患 determination under GB 35181 and is
    past its deadline uncorrected (DOMAIN §15.5). A failed checklist item alone, even a major one, is not such a
    determination. The listing itself is always a reviewer's decision."""
    return fire_determination and department_code == DepartmentCode.FIRE_RESCUE and is_overdue(closed, deadline, today)
