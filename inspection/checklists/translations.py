"""A Babel extractor for the words checklist files put on pages, so the catalog translates them like code.

babel.cfg maps ``inspection/checklists/data/*.toml`` to `extract_standing_words`: a checklist's ``[standing]``
label and title head the league table's column and the facility page's line, and the league table offers
sorting a safety standing by "<label>检查日期".
"""

import tomllib
from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any

from inspection.checklists.schema import GRADE_STANDING

#: What follows a standing's label in the league table's sort option for its date.
DATE_SUFFIX = "检查日期"


def extract_standing_words(
    fileobj: IO[bytes], keywords: Mapping[str, Any], comment_tags: Collection[str], options: Mapping[str, Any]
) -> Iterator[tuple[int, str | None, str, list[str]]]:
    """Yield (line, function, message, comments) for each word of the file's ``[standing]`` table."""
    standing = tomllib.load(fileobj).get("standing") or {}
    label, title = standing.get("label"), standing.get("title")
    dated = label and standing.get("kind") != GRADE_STANDING  # the grade has no date column of its own
    for message in (label, title, f"{label}{DATE_SUFFIX}" if dated else None):
        if message:
            yield 0, None, message, ["checklist standing"]
