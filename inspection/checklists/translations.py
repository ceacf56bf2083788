"""A Babel extractor for the words checklist files put on pages, so the catalog translates them like code.

babel.cfg maps ``inspection/checklists/data/*.toml`` to `extract_standing_words`: a checklist's ``[standing]``
label and title head the league table's column and the facility page's line (and its date's sort option,
"%(standing)s检查日期" in the template).
"""

import tomllib
from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any


def extract_standing_words(
    fileobj: IO[bytes], keywords: Mapping[str, Any], comment_tags: Collection[str], options: Mapping[str, Any]
) -> Iterator[tuple[int, str | None, str, list[str]]]:
    """Yield (line, function, message, comments) for each word of the file's ``[standing]`` table."""
    standing = tomllib.load(fileobj).get("standing") or {}
    for message in (standing.get("label"), standing.get("title")):
        if message:
            yield 0, None, message, ["checklist standing"]
