"""The league table's filters, sort keys and limits, as they appear in the URL."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from inspection.models import FacilityType, HazardStatus, Ownership
from inspection.record_ids import parse_id
from inspection.scoring.rankings import GROUP_KEYS

OPEN_HAZARD = (HazardStatus.OPEN, HazardStatus.EVIDENCE_SUBMITTED)
#: Values of the grade filter besides "1" … "5".
GROUP_FILTERS = {key: group for group, key in GROUP_KEYS.items()}
#: Sort keys of the table's own columns, before and after the safety verdicts' columns (whose keys are their kinds).
SORTS_BEFORE = ("rank", "name", "township", "type", "ownership", "grade", "score")
SORTS_AFTER = ("open", "major", "overdue", "blacklisted", "last", "trend")
MAX_PER_PAGE = 500


def sort_keys(kinds: Sequence[str]) -> tuple[str, ...]:
    """Return every sort key of the table whose safety verdicts are of `kinds` (see ``standings.safety_standings``),
    in column order."""
    return (*SORTS_BEFORE, *kinds, *SORTS_AFTER)


@dataclass(frozen=True)
class RankingFilters:
    """The filters of the league table, as they appear in the URL."""

    township: int | None = None
    type: str = ""
    ownership: str = ""
    grade: str = ""
    overdue: bool = False
    date_from: date | None = None
    date_to: date | None = None
    q: str = ""

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> RankingFilters:
        """Read the filters from query parameters, ignoring values that are not valid."""
        grade = args.get("grade", "")
        return cls(
            township=parse_id(args.get("township", "")),
            type=args.get("type", "") if args.get("type") in set(FacilityType) else "",
            ownership=args.get("ownership", "") if args.get("ownership") in set(Ownership) else "",
            grade=grade if grade in GROUP_FILTERS or grade in ("1", "2", "3", "4", "5") else "",
            overdue=args.get("overdue") in ("1", "true", "on"),
            date_from=_parse_date(args.get("from", "")),
            date_to=_parse_date(args.get("to", "")),
            q=args.get("q", "").strip()[:50],
        )

    def to_args(self) -> dict[str, str]:
        """Return the filters as query parameters (empty ones left out), so a link keeps them."""
        args = {
            "township": str(self.township or ""),
            "type": self.type,
            "ownership": self.ownership,
            "grade": self.grade,
            "overdue": "1" if self.overdue else "",
            "from": self.date_from.isoformat() if self.date_from else "",
            "to": self.date_to.isoformat() if self.date_to else "",
            "q": self.q,
        }
        return {key: value for key, value in args.items() if value}


def _parse_date(raw: str) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None
