"""Cells of exported spreadsheets never run as formulas (OWASP CSV injection), numbers stay numbers; names of files
in a zip are file names, never paths."""

from datetime import date
from decimal import Decimal

import pytest

from inspection.exported_files import archive_entry_name, spreadsheet_cell


@pytest.mark.parametrize(
    "text",
    ['=HYPERLINK("http://x","点击")', "+1+2", "-2+3", "@SUM(A1:A2)", "\t=1+2", "\r=1+2", "=cmd|' /C calc'!A0"],
)
def test_text_a_spreadsheet_would_run_gets_a_leading_quote(text):
    assert spreadsheet_cell(text) == "'" + text


@pytest.mark.parametrize("text", ["", "东湖敬老院", "持平（+12.0 分）", "a=b", "'quoted", "＝全角", "—"])
def test_other_text_is_unchanged(text):
    assert spreadsheet_cell(text) == text


@pytest.mark.parametrize("value", [-5, 0, 12, -1.5, Decimal("-3.25"), date(2026, 11, 20), True, None])
def test_numbers_dates_and_empty_cells_are_unchanged(value):
    assert spreadsheet_cell(value) is value


@pytest.mark.parametrize(
    ("name", "entry"),
    [
        ("东湖敬老院.pdf", "东湖敬老院.pdf"),
        ("测民养整〔2026〕001号-../../x.pdf", "测民养整〔2026〕001号-._._x.pdf"),
        ("/etc/cron.d/x", "_etc_cron.d_x"),
        ("..\\..\\boot.ini", "_._boot.ini"),
        ("C:x.pdf", "C_x.pdf"),
        (".hidden.pdf", "hidden.pdf"),
        (" . ./x", "_x"),
        ("a\x00b\nc\x7f\x9bd.pdf", "a_b_c__d.pdf"),
        ("invoice\u202efdp.exe", "invoice_fdp.exe"),  # a right-to-left override would show "exe.pdf"
        ("...", "_"),
        ("", "_"),
    ],
)
def test_an_archive_entry_name_is_one_file_name(name, entry):
    safe = archive_entry_name(name)
    assert safe == entry
    assert not {"/", "\\", ":"} & set(safe) and ".." not in safe and not safe.startswith((".", " "))
