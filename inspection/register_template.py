"""The import template of the facility register (养老机构名录导入模板.xlsx), written from the columns the import reads
(`inspection.register_file.COLUMNS`), so the two never disagree. Pure: no Flask, no database."""

from typing import IO

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from inspection.register_file import (
    COLUMNS,
    MAX_COUNT,
    MAX_ROWS,
    NO,
    TEMPLATE_SHEET,
    YES,
    Choices,
    Column,
    column_letter,
    display_words,
)

#: The template's sheet that explains each column.
GUIDE_SHEET = "填写说明"


def write_template(out: IO[bytes], choices: Choices) -> None:
    """Write the import template: the data sheet with the headers (required ones marked *), drop-down lists for
    the choice and 是/否 columns, text format for codes and phone numbers (Excel would turn an 18-digit code into
    a rounded number), and a sheet explaining every column and how rows are matched."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = TEMPLATE_SHEET
    sheet.freeze_panes = "A2"
    guide = workbook.create_sheet(GUIDE_SHEET)
    guide.append(["列", "是否必填", "填写要求"])
    for index, column in enumerate(COLUMNS):
        letter = column_letter(index)
        cell = sheet.cell(row=1, column=index + 1, value=column.header + ("*" if column.required else ""))
        cell.font = Font(bold=True)
        sheet.column_dimensions[letter].width = max(12, len(column.header) * 2 + 4)
        words = display_words(choices.get(column.field, {})) if column.kind == "choice" else [YES, NO]
        if column.kind in ("choice", "yes_no"):
            validation = DataValidation(type="list", formula1='"' + ",".join(words) + '"', allow_blank=True)
            validation.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
            sheet.add_data_validation(validation)
        if column.kind in ("uscc", "phone", "text"):
            for row in range(2, 202):
                sheet.cell(row=row, column=index + 1).number_format = "@"
        guide.append([column.header, "必填" if column.required else "选填", _guide_text(column, words)])
    guide.append([])
    for line in GUIDE_NOTES:
        guide.append([line])
    guide.column_dimensions["A"].width = 24
    guide.column_dimensions["C"].width = 90
    workbook.save(out)


#: The guide sheet's closing notes.
GUIDE_NOTES = (
    "按统一社会信用代码匹配：代码已在名录中的，更新该机构（只改文件中有的列、填了的格）；代码不在名录中的，新建机构。",
    "选填列留空的格不改动原值；新建的机构取默认值。",
    "导入前先预览：每处错误都会列出行号和列号；任何一行有错误，整个文件都不会导入。",
    "可另存为 CSV（UTF-8 或 GB18030 编码）导入；表头须与本模板一致，列的顺序可以不同。",
)


def _guide_text(column: Column, words: list[str]) -> str:
    if column.kind == "choice":
        return "填写以下之一：" + "、".join(words)
    return {
        "uscc": "18位，含校验位",
        "phone": "手机号11位，或座机 区号-号码，如 0350-1234567",
        "count": f"0–{MAX_COUNT} 的整数",
        "yes_no": "填写“是”或“否”",
        "date": "YYYY-MM-DD，如 2027-06-30",
        "latitude": "十进制度数，如 38.912345",
        "longitude": "十进制度数，如 111.841234",
    }.get(
        column.kind, f"最长 {column.max_length} 个字" + ("；名录中已有的乡镇名称" if column.field == "township" else "")
    )
