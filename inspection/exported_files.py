"""What goes into files people download and open elsewhere: spreadsheet cells that must not run as formulas. Pure:
no Flask."""

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
