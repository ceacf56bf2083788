"""Display labels of enums, kept next to the enums they name and translated where they are shown.

A label is written in Chinese (the default language) and marked with `N_`, which `pybabel extract` collects by
default; `labelled` registers an enum's labels under a name. This module imports no Flask, so pure modules can
label their enums too; the web layer translates on lookup (`inspection.templating`: the `labels` global and the
`label` filter).

A message with values in it (a service's refusal, a validation problem) is a `Message`: Chinese text that keeps its
msgid and named values, so the web and the API show it in the reader's language (`inspection.blueprints.translated`).
"""

from collections.abc import Iterable, Mapping
from typing import TypeVar

K = TypeVar("K")

#: Every enum's labels by name, e.g. LABELS["hazard_status"][HazardStatus.OPEN] == "待整改".
LABELS: dict[str, Mapping[object, str]] = {}


def N_(message: str) -> str:
    """Mark `message` for translation where it is defined; it is translated where it is shown."""
    return message


class Message(str):
    """A user-facing message: the Chinese text itself (for logs, the audit trail and `str()`), remembering the
    msgid it was formatted from and its named values so that it can be translated where it is shown.

    ``Message(N_("检查表 %(code)s 尚未导入"), code=code)``; a value that is a Message is translated with it.
    """

    msgid: str
    params: Mapping[str, object]

    def __new__(cls, msgid: str, **params: object) -> "Message":
        message = super().__new__(cls, msgid % params if params else msgid)
        message.msgid = msgid
        message.params = params
        return message


def joined(messages: Iterable[str], separator: str = "；") -> Message:
    """Return `messages` as one message, each part still translated where it is shown."""
    parts = {f"part{number}": message for number, message in enumerate(messages)}
    return Message(separator.join(f"%({name})s" for name in parts), **parts)


def labelled(name: str, labels: Mapping[K, str]) -> Mapping[K, str]:
    """Register `labels` (an enum's display labels, in the enum's order) under `name` and return them.

    :raises ValueError: the name is taken (two homes for one enum's labels).
    """
    if name in LABELS:
        raise ValueError(f"labels {name!r} are registered twice")
    LABELS[name] = labels  # type: ignore[assignment]
    return labels
