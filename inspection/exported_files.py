"""What goes into files people download and open elsewhere: spreadsheet cells that must not run as formulas, names
of files in a zip that must not land outside the folder it is unpacked into, and the name a download is saved
under. Pure: no Flask."""

import re
import unicodedata
from typing import Any
from urllib.parse import quote

#: The media type of an Excel workbook (.xlsx).
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
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


def content_disposition(name: str, fallback: str, *, inline: bool = False) -> str:
    """Return a Content-Disposition header saving the download as `name` (Chinese allowed, e.g. a 文号), with
    `fallback` (ASCII) for clients that do not read RFC 5987's ``filename*`` (RFC 6266 §4.3). `name` is made one file
    name first (`archive_entry_name`); `inline` asks the browser to show the file rather than save it."""
    encoded = quote(archive_entry_name(name), safe="")
    return f"{'inline' if inline else 'attachment'}; filename=\"{fallback}\"; filename*=UTF-8''{encoded}"
