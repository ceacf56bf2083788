"""Scoring and grading engine: pure functions on checklists and answers (no Flask, no DB)."""

from inspection.scoring.engine import (
    RULES_VERSION,
    Answer,
    AnswerResult,
    FacilityFacts,
    FailedItem,
    ScoreResult,
    ScoringError,
    SectionResult,
    score,
)
from inspection.scoring.verdicts import VERDICT_RULES, Tally, Verdict, VerdictRule

__all__ = [
    "RULES_VERSION",
    "VERDICT_RULES",
    "Answer",
    "AnswerResult",
    "FacilityFacts",
    "FailedItem",
    "ScoreResult",
    "ScoringError",
    "SectionResult",
    "Tally",
    "Verdict",
    "VerdictRule",
    "score",
]
