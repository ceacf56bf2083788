"""Register files as counties send them, for the import tests and the benchmark: rows by the template's headers,
written as an Excel workbook or a CSV file in a chosen encoding."""

import csv
import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook

from inspection.identifiers import uscc_check_character


def uscc(number: int) -> str:
    """Return a valid 统一社会信用代码 (check character included), different for every `number`."""
    first17 = f"91140928MA{number:07d}"
    return first17 + uscc_check_character(first17)


def register_row(number: int, township: str, **overrides: Any) -> dict[str, Any]:
    """Return a valid row of the template, keyed by header; `overrides` replace cells by header."""
    row = {
        "统一社会信用代码": uscc(number),
        "机构名称": f"导入测试养老院{number}",
        "机构类型": "民办养老机构",
        "运营性质": "民办",
        "所在乡镇": township,
        "地址": f"{township}幸福路{number}号",
        "负责人": "王导入",
        "联系电话": "13900139000",
        "床位数": 40,
        "在住老人数": 30,
        "其中失能": 3,
        "设有食堂": "是",
        "消防验收/备案": "已备案",
    }
    row.update(overrides)
    return row


def xlsx_bytes(rows: Sequence[dict[str, Any]], *, title: str | None = None) -> bytes:
    """Return a workbook whose first sheet holds `rows` under their headers (an optional title row above)."""
    headers = list(dict.fromkeys(h for row in rows for h in row))
    workbook = Workbook()
    sheet = workbook.active
    if title:
        sheet.append([title])
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(h) for h in headers])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_bytes(rows: Sequence[dict[str, Any]], encoding: str = "utf-8") -> bytes:
    """Return `rows` as CSV in `encoding` ("utf-8-sig" writes the BOM Excel writes)."""
    headers = list(dict.fromkeys(h for row in rows for h in row))
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if row.get(h) is None else row.get(h) for h in headers])
    return out.getvalue().encode(encoding)
