"""The translations the phone scripts need, embedded in the page that loads them (`inspection/static/js/i18n.js`).

The scripts write each string in Chinese inside ``t("…")``; the same Babel extractor that fills the catalogue
(babel.cfg, keyword ``t``) lists them here, so a string is translated in the page exactly when it is in the catalogue.
"""

from functools import cache
from pathlib import Path

from babel.messages.extract import extract_javascript
from flask_babel import gettext

SCRIPTS = Path(__file__).parent / "static" / "js"


@cache
def script_msgids() -> tuple[str, ...]:
    """Return every msgid the phone scripts pass to ``t()``, in the order they are written."""
    msgids: dict[str, None] = {}
    for path in sorted(SCRIPTS.glob("*.js")):
        with path.open("rb") as source:
            for _line, _function, message, _comments in extract_javascript(source, {"t": None}, [], {}):
                text = message if isinstance(message, str) else message[0]  # t("…", {values}) yields a tuple
                if text:  # t(variable) names no msgid
                    msgids.setdefault(text, None)
    return tuple(msgids)


def script_strings() -> dict[str, str]:
    """Return the translation of each script string that reads differently in the request's language (none in
    Chinese, which the scripts are written in)."""
    return {msgid: text for msgid in script_msgids() if (text := gettext(msgid)) != msgid}
