"""What goes into files people download and open elsewhere: spreadsheet cells that must not run as formulas, and
names of files in a zip that must not land outside the folder it is unpacked into. Pure: no Flask."""

import re
import unicodedata
from typing import Any

#: First characters that make Excel, LibreOffice or Google Sheets read a cell as a formula (OWASP, CSV injection);
#: some of them skip a leading tab or carriage return before looking.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value: Any) -> Any:
    """Return `value` as an export (CSV or Excel) writes it: text starting with a formula trigger gets a leading
    single quote, so a spreadsheet shows it as the text it is instead of running it; numbers, dates and everything
    else come back unchanged and stay numbers (a negative number is a number, not a formula)."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


#: Path separators of any system an archive may be unpacked on (a colon names a drive or a stream on Windows).
PATH_SEPARATORS = frozenset("/\\:")


def archive_entry_name(name: str) -> str:
    """Return `name` (built from text people typed, such as a facility's name) as the name of a file in a zip: one
    file name, never a path. Path separators and control or formatting characters (which can also disguise an
    extension) become "_", runs of dots become one (no ".."), and leading dots and spaces go (no hidden file)."""
    single = "".join("_" if ch in PATH_SEPARATORS or unicodedata.category(ch) in ("Cc", "Cf") else ch for ch in name)
    return re.sub(r"\.{2,}", ".", single).lstrip(". ") or "_"
