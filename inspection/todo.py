"""The operator's to-do list: which open hazards need their rectification reported, in which order, and how long is
left. Pure: no Flask, no database; "today" is a parameter.

A hazard waiting for its report comes before one whose report is in (the operator can only wait for the
re-inspection there); among those, the overdue first, the longest overdue first, then by deadline.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Protocol


class OpenHazard(Protocol):
    """What the list reads of a hazard (models.Hazard)."""

    id: int
    deadline: date
    status: str


#: The status of a hazard whose rectification the operator has reported (models.HazardStatus.EVIDENCE_SUBMITTED).
REPORTED = "evidence_submitted"


@dataclass(frozen=True)
class ToDo:
    """One line of the list: the hazard, the days left to its deadline (negative when overdue) and whether its
    rectification is reported already (only the re-inspection is left)."""

    hazard: OpenHazard
    days_left: int
    reported: bool

    @property
    def overdue(self) -> bool:
        return self.days_left < 0


def todo_list(hazards: Iterable[OpenHazard], today: date) -> list[ToDo]:
    """Return the to-dos of a facility's open (not closed) hazards, in the order the operator should take them."""
    items = [ToDo(h, (h.deadline - today).days, h.status == REPORTED) for h in hazards]
    return sorted(items, key=lambda t: (t.reported, t.days_left, t.hazard.id))
