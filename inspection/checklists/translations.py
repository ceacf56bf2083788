"""A Babel extractor for the words checklist files put on pages, so the catalog translates them like code.

babel.cfg maps ``inspection/checklists/data/*.toml`` to `extract_standing_words`: a checklist's ``[standing]``
label and title head the league table's column and the facility page's line (and its date's sort option,
"%(standing)s检查日期" in the template); its title, its sections' titles and the labels of its ``[verdict]`` (bands,
levels, the food rule's labels, the grade's withheld and below labels) head the phone form and its verdict preview.
The items' own texts are the regulations' words and stay as written.
"""

import tomllib
from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any


def extract_standing_words(
    fileobj: IO[bytes], keywords: Mapping[str, Any], comment_tags: Collection[str], options: Mapping[str, Any]
) -> Iterator[tuple[int, str | None, str, list[str]]]:
    """Yield (line, function, message, comments) for each word of the file's ``[standing]`` table, its titles and
    each label of its ``[verdict]``."""
    checklist = tomllib.load(fileobj)
    standing = checklist.get("standing") or {}
    for message in (standing.get("label"), standing.get("title")):
        if message:
            yield 0, None, message, ["checklist standing"]
    titles = [checklist.get("title"), *(section.get("title") for section in checklist.get("sections", []))]
    for message in titles:
        if isinstance(message, str) and message:
            yield 0, None, message, ["checklist title"]
    for message in _verdict_labels(checklist.get("verdict") or {}):
        yield 0, None, message, ["checklist verdict"]


def _verdict_labels(verdict: Mapping[str, Any]) -> Iterator[str]:
    for entry in [*verdict.get("bands", []), *verdict.get("levels", [])]:
        if isinstance(entry, dict) and isinstance(entry.get("label"), str):
            yield entry["label"]
    yield from (label for label in (verdict.get("labels") or {}).values() if isinstance(label, str))
    yield from (value for key, value in verdict.items() if key.endswith("_label") and isinstance(value, str))
