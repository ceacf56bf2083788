"""The operator's to-do order and days left (inspection/todo.py, no app)."""

from dataclasses import dataclass
from datetime import date

from inspection.todo import todo_list

TODAY = date(2026, 12, 4)


@dataclass
class H:
    id: int
    deadline: date
    status: str = "open"


def test_overdue_first_then_by_deadline_and_reported_ones_last():
    hazards = [
        H(1, date(2026, 12, 20)),
        H(2, date(2026, 12, 1)),
        H(3, date(2026, 11, 20), "evidence_submitted"),
        H(4, date(2026, 11, 25)),
        H(5, TODAY),
    ]
    todos = todo_list(hazards, TODAY)
    assert [t.hazard.id for t in todos] == [4, 2, 5, 1, 3]
    assert [t.days_left for t in todos] == [-9, -3, 0, 16, -14]
    assert [t.overdue for t in todos] == [True, True, False, False, True]
    assert [t.reported for t in todos] == [False, False, False, False, True]


def test_nothing_open_is_nothing_to_do():
    assert todo_list([], TODAY) == []
