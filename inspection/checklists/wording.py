"""How the items of a current checklist version must be worded (issue 13, DOMAIN §15.3).

An item's ``text`` states the requirement that holds when the item passes ("安全出口、疏散通道畅通，未上锁、未堵塞"),
its ``canned_notes`` state facts seen, and its ``requirement`` is the action ordered: none of them is a question, and
none negates a negation. Versions imported before these rules keep their wording (old inspections keep their
version); the rules apply to what is validated or imported now.
"""

import re
from collections.abc import Iterator

from inspection.checklists.schema import Item

#: Question forms: 是否 ("whether") or a question mark.
QUESTION = re.compile(r"是否|[?？]")

#: A double negative: a negator directly followed — at most a modal (得/能/可/应/会) between — by another negator,
#: e.g. "不得未经", "不能不", "无未检验", "未不", "非无". Two negations in parallel clauses ("未上锁、未堵塞") are
#: single negatives and pass.
DOUBLE_NEGATIVE = re.compile(r"(?:不|未|没有|没|无|非|禁止|严禁)(?:得|能|可以|可|应当|应|会)?(?:不|未|没有|没|无|非)")

#: A cited provision: 第…条/款/项/章 (Chinese or Arabic numerals), or a clause number such as 4.2.1 or 1.1.
PROVISION = re.compile(r"第[0-9一二三四五六七八九十百零]+[条款项章]|(?<![\d.])\d+(?:\.\d+)+(?![\d.])")

#: How an unverified item says that its source gives no article or clause number (DOMAIN has none to cite).
NO_PROVISION_NOTE = "条款号未检索到"


def wording_problems(item: Item) -> Iterator[tuple[str, str]]:
    """Yield ``(field, message)`` for each wording rule the item breaks."""
    phrases = [("text", item.text), ("requirement", item.requirement)]
    phrases += [("canned_notes", note) for note in item.canned_notes]
    for field, phrase in phrases:
        if match := QUESTION.search(phrase):
            yield field, f"must not be a question (found {match.group()!r}): state what holds or what to do"
        if match := DOUBLE_NEGATIVE.search(phrase):
            yield field, f"must not contain a double negative (found {match.group()!r})"
    if not item.requirement.strip():
        yield "requirement", "missing: an imperative sentence of the action to take (整改要求)"


def cites_provision(basis: str) -> bool:
    """Return whether a basis names an article, paragraph, item, chapter or clause number."""
    return PROVISION.search(basis) is not None


def lacks_cited_provision(item: Item) -> bool:
    """Return whether the item's basis cites no provision without saying so: an item may cite none only when it is
    unverified and its source note starts with NO_PROVISION_NOTE."""
    declared = not item.verified and item.source_note.startswith(NO_PROVISION_NOTE)
    return not cites_provision(item.basis) and not declared
