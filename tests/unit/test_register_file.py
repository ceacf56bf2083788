"""Reading register files: every format a county has, every problem placed at its Excel row and column."""

import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from inspection.register_file import (
    COLUMNS,
    MAX_ROWS,
    TEMPLATE_SHEET,
    RegisterFileError,
    column_letter,
    parse_register,
)
from inspection.register_template import GUIDE_SHEET, write_template
from inspection.services.facility_import import register_choices
from tests.register_files import csv_bytes, register_row, uscc, xlsx_bytes

CHOICES = register_choices()


def parse(data: bytes):
    return parse_register(data, CHOICES)


def messages(result) -> list[tuple[str, str]]:
    return [(f"{e.column}{e.row}", str(e.message)) for e in result.errors]


def test_a_workbook_is_read_into_register_values():
    row = register_row(1, "胡会乡", 食品经营许可证有效期至="2027/6/30", 纬度=38.9, 有特种设备="否")
    result = parse(xlsx_bytes([row]))
    assert result.encoding == "xlsx" and not result.errors
    (read,) = result.rows
    assert read.row == 2
    assert read.values["uscc"] == uscc(1)
    assert read.values["type"] == "private_home" and read.values["ownership"] == "private"
    assert read.values["fire_acceptance"] == "filed" and read.values["has_canteen"] is True
    assert read.values["has_special_equipment"] is False
    assert read.values["beds"] == 40 and read.values["food_licence_expiry"] == date(2027, 6, 30)
    assert read.values["latitude"] == Decimal("38.900000") and read.values["township"] == "胡会乡"
    assert "legal_representative" not in read.values  # no column: left as it is


@pytest.mark.parametrize(
    ("encoding", "detected"), [("utf-8", "UTF-8"), ("utf-8-sig", "UTF-8 (BOM)"), ("gb18030", "GB18030")]
)
def test_csv_files_in_each_encoding_excel_writes_are_read(encoding, detected):
    result = parse(csv_bytes([register_row(1, "胡会乡"), register_row(2, "砚城镇")], encoding))
    assert result.encoding == detected and not result.errors
    assert [r.values["name"] for r in result.rows] == ["导入测试养老院1", "导入测试养老院2"]
    assert [r.row for r in result.rows] == [2, 3]


def test_every_bad_cell_is_reported_at_its_row_and_column():
    rows = [
        register_row(1, "胡会乡"),
        register_row(2, "胡会乡", 统一社会信用代码="91350100M000100Y44", 联系电话="12345"),
        register_row(3, "胡会乡", 机构类型="养老公寓", 床位数="四十", 设有食堂="有"),
        register_row(4, "胡会乡", 机构名称="", 在住老人数=2, 其中失能=3),
        register_row(5, "胡会乡", 统一社会信用代码=uscc(1)),
    ]
    result = parse(xlsx_bytes(rows))
    assert [r.row for r in result.rows] == [2]
    found = messages(result)
    assert ("A3", "统一社会信用代码校验位错误：最后一位应为 3，请核对") in found
    assert any(place == "H3" and "电话号码格式不正确" in text for place, text in found)
    assert any(place == "C4" and "应为以下之一：特困人员供养服务机构/敬老院" in text for place, text in found)
    assert ("I4", "应为 0–10000 的整数") in found and ("L4", "应填“是”或“否”") in found
    assert ("B5", "必填：机构名称") in found
    assert ("J5", "失能与半失能人数之和不能超过在住老人数") in found
    assert ("A6", "统一社会信用代码与第 2 行重复") in found
    assert all(error.header for error in result.errors)


def test_rows_are_numbered_as_excel_shows_them_below_a_title_and_empty_rows():
    workbook_rows = [register_row(1, "胡会乡"), {"机构名称": None}, register_row(2, "胡会乡", 联系电话="1")]
    result = parse(xlsx_bytes(workbook_rows, title="五寨县养老机构名录（2026年）"))
    assert [r.row for r in result.rows] == [3]
    assert [e.row for e in result.errors] == [5]


def test_labels_parts_and_numbers_excel_stored_are_accepted():
    row = register_row(1, "胡会乡", 机构类型="敬老院", 运营性质="公办公营", 联系电话=13900139000.0, 床位数=40.0)
    (read,) = parse(xlsx_bytes([row])).rows
    assert read.values["type"] == "nursing_home" and read.values["phone"] == "13900139000"
    assert read.values["beds"] == 40


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "文件是空的"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "旧版 Excel"),
        (b"PK\x03\x04 not really a zip", "Excel 文件已损坏"),
        (bytes(range(256)) * 4, "无法读取文件"),
        ("名称,地址\n甲,乙\n".encode(), "找不到表头行"),
        ("统一社会信用代码,机构名称\n".encode(), "缺少必填列：机构类型、运营性质"),
        (",".join(c.header for c in COLUMNS if c.required).encode() + b"\n", "没有数据行"),
        (b"x" * (5 * 1024 * 1024 + 1), "文件过大"),
    ],
)
def test_files_that_cannot_be_read_are_refused_with_the_reason(data, message):
    with pytest.raises(RegisterFileError) as error:
        parse(data)
    assert message in str(error.value.args[0])


def test_too_many_rows_are_refused():
    rows = [register_row(n, "胡会乡") for n in range(MAX_ROWS + 1)]
    with pytest.raises(RegisterFileError, match="数据行过多"):
        parse(csv_bytes(rows))


def test_unknown_columns_are_named_and_ignored():
    result = parse(csv_bytes([register_row(1, "胡会乡", 备注="县里的说明")]))
    assert not result.errors and result.ignored == [("N", "备注")]


def test_the_template_lists_every_column_and_reads_back():
    out = io.BytesIO()
    write_template(out, CHOICES)
    workbook = load_workbook(io.BytesIO(out.getvalue()))
    headers = [cell.value for cell in workbook[TEMPLATE_SHEET][1]]
    assert headers[0] == "统一社会信用代码*" and len(headers) == len(COLUMNS)
    guide = "\n".join(str(row[0].value) for row in workbook[GUIDE_SHEET].iter_rows())
    assert "按统一社会信用代码匹配" in guide
    sheet = workbook[TEMPLATE_SHEET]
    example = register_row(1, "胡会乡")
    for index, header in enumerate(headers):
        sheet.cell(row=2, column=index + 1, value=example.get(header.rstrip("*")))
    filled = io.BytesIO()
    workbook.save(filled)
    result = parse(filled.getvalue())
    assert result.errors == [] and result.rows[0].values["uscc"] == uscc(1)


def test_column_letters_go_past_z():
    assert [column_letter(i) for i in (0, 25, 26, 27, 51, 52)] == ["A", "Z", "AA", "AB", "AZ", "BA"]
