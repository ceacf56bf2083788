"""Notices: 整改通知书 and 复查意见书, issued once and never changed.

:mod:`.issue` holds the operations (issue, supersede, re-inspection opinion); :mod:`.context_builder` reads a
notice's printed content from the inspection; :mod:`.records` numbers and stores it.
"""

from inspection.services.notices.issue import (
    hazards_awaiting_notice,
    hazards_user_may_notify,
    issue_notices,
    issue_reinspection_notice,
    supersede_notice,
    verification_url,
)

__all__ = [
    "hazards_awaiting_notice",
    "hazards_user_may_notify",
    "issue_notices",
    "issue_reinspection_notice",
    "supersede_notice",
    "verification_url",
]
