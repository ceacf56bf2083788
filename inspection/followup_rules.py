"""Rules of hazard follow-up: deadlines, overdue, the blacklist's two-year removal rule. Pure: no Flask, no DB."""

from datetime import date, timedelta

from inspection.checklists import DepartmentCode, ItemClass, RectificationDays

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
    """Return the default 整改要求 for a failed item."""
    question = item_text.rstrip("？?。")
    return f"按照{basis}的规定整改到位（{question}），整改完成后书面报告整改情况。"


def proposes_listing(item_class: ItemClass, department_code: str, closed: bool, deadline: date, today: date) -> bool:
    """Return True when a hazard should be proposed for the credit list: a major fire hazard past its deadline
    uncorrected (ground 4, DOMAIN §8). The listing itself is always a reviewer's decision."""
    return (
        item_class == ItemClass.MAJOR
        and department_code == DepartmentCode.FIRE_RESCUE
        and is_overdue(closed, deadline, today)
    )
