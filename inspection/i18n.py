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


#: The separators a list of messages is joined with, translated with them ("；" reads "; " in English).
SEPARATORS = (N_("；"), N_("、"))


class Joined(Message):
    """Messages (or plain values such as item codes) joined by a separator, each part and the separator translated
    where they are shown: ``Joined(["F5", "F6"], "、")`` is "F5、F6" in Chinese and "F5, F6" in English."""

    separator: str
    parts: tuple[object, ...]

    def __new__(cls, parts: Iterable[object], separator: str = "；") -> "Joined":
        parts = tuple(parts)
        params = {f"part{number}": part for number, part in enumerate(parts)}
        message = super().__new__(cls, separator.join(f"%({name})s" for name in params), **params)
        message.separator, message.parts = separator, parts
        return message


def joined(messages: Iterable[str], separator: str = "；") -> Message:
    """Return `messages` as one message, each part still translated where it is shown."""
    return Joined(messages, separator)


def message_data(message: object) -> object:
    """Return a message as JSON-able data that `message_from_data` turns back into it: a Message as its msgid and
    values, a Joined as its separator and parts; any other value as its text."""
    if isinstance(message, Joined):
        return {"separator": message.separator, "parts": [message_data(part) for part in message.parts]}
    if isinstance(message, Message):
        return {"msgid": message.msgid, "params": {name: message_data(v) for name, v in message.params.items()}}
    return str(message)


def message_from_data(data: object) -> Message | str:
    """Return the message `message_data` made `data` from.

    :raises ValueError: `data` is not of that form.
    """
    if isinstance(data, str):
        return data
    if isinstance(data, dict) and isinstance(data.get("separator"), str) and isinstance(data.get("parts"), list):
        return Joined((message_from_data(part) for part in data["parts"]), data["separator"])
    if isinstance(data, dict) and isinstance(data.get("msgid"), str) and isinstance(data.get("params", {}), dict):
        return Message(data["msgid"], **{name: message_from_data(v) for name, v in data.get("params", {}).items()})
    raise ValueError(f"not a message's data: {data!r}")


def labelled(name: str, labels: Mapping[K, str]) -> Mapping[K, str]:
    """Register `labels` (an enum's display labels, in the enum's order) under `name` and return them.

    :raises ValueError: the name is taken (two homes for one enum's labels).
    """
    if name in LABELS:
        raise ValueError(f"labels {name!r} are registered twice")
    LABELS[name] = labels  # type: ignore[assignment]
    return labels
