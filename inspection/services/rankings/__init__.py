"""The county league table and its charts, from stored results (standings, open hazards, listings).

Nothing here scores anything: grades and verdicts were stored at submission (``FacilityStanding``).
:mod:`.table` reads a page or every row of the table (its SQL in :mod:`.query`, its filters in :mod:`.filters`);
:mod:`.charts` counts the same filtered set for the charts.
"""

from inspection.services.rankings.charts import GradeCount, grade_counts, hazards_per_month, last_months
from inspection.services.rankings.filters import (
    GROUP_FILTERS,
    MAX_PER_PAGE,
    OPEN_HAZARD,
    RankingFilters,
    sort_keys,
)
from inspection.services.rankings.query import query_params, safety_kinds, table_statement
from inspection.services.rankings.table import (
    RankingPage,
    RankingRow,
    Verdict,
    batched,
    complete_rows,
    count_rows,
    grading_histories,
    iter_ranking,
    open_hazard_count,
    page_statement,
    ranking_page,
)

__all__ = [
    "GROUP_FILTERS",
    "MAX_PER_PAGE",
    "OPEN_HAZARD",
    "GradeCount",
    "RankingFilters",
    "RankingPage",
    "RankingRow",
    "Verdict",
    "batched",
    "complete_rows",
    "count_rows",
    "grade_counts",
    "grading_histories",
    "hazards_per_month",
    "iter_ranking",
    "last_months",
    "open_hazard_count",
    "page_statement",
    "query_params",
    "ranking_page",
    "safety_kinds",
    "sort_keys",
    "table_statement",
]
