"""The streamed workbook writer: what Excel (here openpyxl) reads back, and that it streams."""

import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from inspection.streamed_xlsx import Sheet, Style, Styled, column_letter, xlsx_chunks

GOLD = Style(bold=True, colour="FFFFFF", fill="E9C46A")


def read_back(sheets, styles=()):
    return load_workbook(io.BytesIO(b"".join(xlsx_chunks(sheets, styles))))


def test_values_come_back_as_they_went_in_numbers_dates_and_text():
    rows = [
        ["名次", "机构名称", "得分", "日期", "空"],
        [1, "清涟敬老院", Decimal("85.50"), date(2026, 12, 5), None],
        [2, '\'=HYPERLINK("x")', 0.5, date(1999, 1, 1), ""],
    ]
    workbook = read_back([Sheet("等级排名", [6, 30, 10, 12, 6], rows, freeze_header=True)])
    sheet = workbook["等级排名"]
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0] == rows[0]
    assert values[1][:3] == [1, "清涟敬老院", 85.5] and values[1][3].date() == date(2026, 12, 5)
    assert values[1][4] is None and values[2][4] is None
    assert sheet.cell(row=2, column=4).number_format == "yyyy-mm-dd" and sheet.cell(row=2, column=4).is_date
    assert sheet.cell(row=3, column=2).data_type == "s" and sheet.cell(row=3, column=2).value.startswith("'=")
    assert sheet.freeze_panes == "A2" and sheet.column_dimensions["B"].width == 30


def test_text_keeps_carriage_returns_and_loses_only_what_xml_cannot_hold():
    workbook = read_back([Sheet("表", [10], [["a\rb\tc\nd", "bell\x07 & <tag>"]])])
    assert [c.value for c in next(workbook["表"].iter_rows())] == ["a\rb\tc\nd", "bell & <tag>"]


def test_styles_give_bold_text_fills_and_wrapping():
    rows = [[Styled("五级", GOLD), Styled("长说明", Style(wrap=True)), Styled("标题", Style(bold=True))]]
    sheet = read_back([Sheet("表", [10, 40, 10], rows)], [GOLD])["表"]
    gold, note, title = sheet[1]
    assert gold.fill.fgColor.rgb == "FFE9C46A" and gold.font.b and gold.font.color.rgb == "FFFFFFFF"
    assert note.alignment.wrap_text and note.alignment.vertical == "top" and title.font.b


def test_a_style_not_declared_first_is_refused():
    with pytest.raises(KeyError):
        b"".join(xlsx_chunks([Sheet("表", [10], [[Styled("x", GOLD)]])]))


def test_sheets_come_in_order_and_a_later_sheet_is_read_after_the_rows_before_it():
    count = 0

    def rows():
        nonlocal count
        for number in range(1200):
            count += 1
            yield [number]

    def about():
        yield ["行数", count]

    workbook = read_back([Sheet("数据", [8], rows()), Sheet("说明", [8, 8], about())])
    assert workbook.sheetnames == ["数据", "说明"]
    assert workbook["数据"].max_row == 1200 and workbook["说明"]["B1"].value == 1200


def test_the_first_bytes_leave_before_the_rows_are_read():
    read = []

    def rows():
        for number in range(5000):
            read.append(number)
            yield [number, f"机构{number}"]

    chunks = xlsx_chunks([Sheet("数据", [8, 20], rows())])
    assert next(chunks).startswith(b"PK") and read == []
    pieces = [next(chunks)]
    assert len(read) < 5000  # more pieces follow as the rows are read
    pieces += list(chunks)
    assert len(read) == 5000 and len(pieces) > 2


@pytest.mark.parametrize(("index", "letters"), [(0, "A"), (25, "Z"), (26, "AA"), (701, "ZZ"), (702, "AAA")])
def test_column_letters(index, letters):
    assert column_letter(index) == letters
