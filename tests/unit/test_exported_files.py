"""Cells of exported spreadsheets never run as formulas (OWASP CSV injection); numbers stay numbers."""

from datetime import date
from decimal import Decimal

import pytest

from inspection.exported_files import spreadsheet_cell


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
