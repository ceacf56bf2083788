"""Reading a facility register file (养老机构名录) as counties keep it: an Excel workbook (.xlsx) or a CSV file
(UTF-8 with or without BOM, or GB18030 as Chinese Excel saves it). Pure: no Flask, no database.

A file is recognised by its content, never by its name. Its header row (the first of the first ten rows holding
统一社会信用代码 and 机构名称) names the columns in Chinese, as the template does; the order of the columns is free
and columns the template does not know are ignored. Every data row is checked cell by cell, and every problem is
reported with the row number and the column letter a person sees in Excel, so that the whole file can be corrected
at once. Townships are returned as written: whether a name is a township the importer may use is the service's
question (`inspection.services.facility_import`).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from openpyxl import load_workbook

from inspection.i18n import N_, Message
from inspection.identifiers import IdentifierError, normalize_phone, normalize_uscc

#: Largest file accepted (bytes): a county's register of a few thousand facilities is well under 1 MB.
MAX_FILE_BYTES = 5 * 1024 * 1024
#: Most data rows in one file; more is not a county's register.
MAX_ROWS = 5000
#: Most bytes a workbook may unpack to: a small zip that unpacks to gigabytes (a "zip bomb") is refused unread.
MAX_UNPACKED_BYTES = 60 * 1024 * 1024
#: Rows searched for the header row (a title row above it is common).
HEADER_SEARCH_ROWS = 10
#: The largest count of beds or residents a register entry takes (as the register form).
MAX_COUNT = 10000

YES, NO = "是", "否"
#: The template's data sheet; a workbook without it is read from its first sheet.
TEMPLATE_SHEET = "机构名录"


@dataclass(frozen=True)
class Column:
    """One column of the template: the register field it fills, its header, and how a cell is read."""

    field: str
    header: str
    kind: str
    required: bool = False
    max_length: int = 0


#: The template's columns, in its order. Required columns must be present, and their cells filled. An empty cell
#: of an optional column leaves the field as it is (a new facility gets the register's default).
COLUMNS: tuple[Column, ...] = (
    Column("uscc", "统一社会信用代码", "uscc", required=True),
    Column("name", "机构名称", "text", required=True, max_length=100),
    Column("type", "机构类型", "choice", required=True),
    Column("ownership", "运营性质", "choice", required=True),
    Column("township", "所在乡镇", "text", required=True, max_length=100),
    Column("address", "地址", "text", required=True, max_length=200),
    Column("legal_representative", "法定代表人", "text", max_length=50),
    Column("person_in_charge", "负责人", "text", required=True, max_length=50),
    Column("phone", "联系电话", "phone", required=True),
    Column("beds", "床位数", "count", required=True),
    Column("residents", "在住老人数", "count", required=True),
    Column("residents_disabled", "其中失能", "count"),
    Column("residents_semi_disabled", "其中半失能", "count"),
    Column("has_canteen", "设有食堂", "yes_no"),
    Column("has_medical_unit", "设有内设医疗机构", "yes_no"),
    Column("has_special_equipment", "有特种设备", "yes_no"),
    Column("offers_ten_services", "提供十项基本服务", "yes_no"),
    Column("has_campus_roads", "有院区或内部道路", "yes_no"),
    Column("is_key_fire_unit", "消防安全重点单位", "yes_no"),
    Column("fire_acceptance", "消防验收/备案", "choice"),
    Column("food_licence_no", "食品经营许可证号", "text", max_length=50),
    Column("food_licence_expiry", "食品经营许可证有效期至", "date"),
    Column("latitude", "纬度", "latitude"),
    Column("longitude", "经度", "longitude"),
)
COLUMNS_BY_HEADER = {column.header: column for column in COLUMNS}
COLUMNS_BY_FIELD = {column.field: column for column in COLUMNS}


class RegisterFileError(ValueError):
    """The file as a whole cannot be read (empty, not a workbook or CSV, too large, no header row); the message
    (a `Message`) says why."""


@dataclass(frozen=True)
class CellError:
    """A problem with one cell (or one row, when `column` is empty), placed as Excel shows it."""

    row: int
    column: str
    header: str
    message: str


@dataclass(frozen=True)
class RegisterRow:
    """One data row read: its row number and the values given, by register field (the township as its name)."""

    row: int
    values: dict[str, Any]


@dataclass
class RegisterFile:
    """What a file holds: how it was read, where each known column is, the rows without errors, every error."""

    #: "xlsx", "UTF-8", "UTF-8 (BOM)" or "GB18030".
    encoding: str
    #: Column letter of each register field present, e.g. {"uscc": "A"}.
    letters: dict[str, str]
    rows: list[RegisterRow] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)
    #: Headers of columns the template does not know, ignored, as (letter, header).
    ignored: list[tuple[str, str]] = field(default_factory=list)

    def error(self, row: int, field_name: str, message: str) -> CellError:
        """Return an error at the cell of `field_name` in `row` (for checks the caller makes, e.g. townships)."""
        return CellError(row, self.letters.get(field_name, ""), COLUMNS_BY_FIELD[field_name].header, message)


#: Accepted words for a choice column: {field: {word: value}}, given by the caller (the labels live with the enums).
Choices = Mapping[str, Mapping[str, str]]


def parse_register(data: bytes, choices: Choices) -> RegisterFile:
    """Read a register file and check every cell.

    :param data: the file's bytes, as uploaded.
    :param choices: the words each choice column accepts (`type`, `ownership`, `fire_acceptance`), each mapped to
        its stored value.
    :return: the rows that passed and every problem found.
    :raises RegisterFileError: when the file as a whole cannot be read.
    """
    if not data.strip():
        raise RegisterFileError(N_("文件是空的"))
    if len(data) > MAX_FILE_BYTES:
        raise RegisterFileError(
            Message(N_("文件过大：最大 %(size)s MB"), size=MAX_FILE_BYTES // (1024 * 1024)),
        )
    encoding, table = _read_table(data)
    rows = iter(table)
    headers = _find_header(rows)
    result = RegisterFile(encoding, {})
    positions: dict[str, int] = {}
    for index, header in enumerate(headers):
        letter = column_letter(index)
        column = COLUMNS_BY_HEADER.get(_header_key(header))
        if column is None:
            if header:
                result.ignored.append((letter, header))
        elif column.field in positions:
            raise RegisterFileError(Message(N_("表头“%(header)s”出现了两次"), header=column.header))
        else:
            positions[column.field] = index
            result.letters[column.field] = letter
    missing = [column.header for column in COLUMNS if column.required and column.field not in positions]
    if missing:
        raise RegisterFileError(Message(N_("缺少必填列：%(headers)s"), headers="、".join(missing)))
    first_seen: dict[str, int] = {}
    data_rows = 0
    for row_number, cells in rows:
        if not any(_text(cell) for cell in cells):
            continue
        data_rows += 1
        if data_rows > MAX_ROWS:
            raise RegisterFileError(Message(N_("数据行过多：最多 %(rows)s 行"), rows=MAX_ROWS))
        _read_row(result, row_number, cells, positions, choices, first_seen)
    if not result.rows and not result.errors:
        raise RegisterFileError(N_("文件中没有数据行"))
    return result


def column_letter(index: int) -> str:
    """Return Excel's letter of the column at 0-based `index` (0 → A, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def residents_problem(residents: int, disabled: int, semi_disabled: int) -> str | None:
    """Return why the resident counts cannot all hold, or None (the register form's rule)."""
    if disabled + semi_disabled > residents:
        return N_("失能与半失能人数之和不能超过在住老人数")
    return None


# Reading the table


def _read_table(data: bytes) -> tuple[str, Iterable[tuple[int, list[Any]]]]:
    """Return how the file was read and its rows as (row number, cells)."""
    if data.startswith(b"PK\x03\x04"):
        return "xlsx", _xlsx_rows(data)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise RegisterFileError(N_("这是旧版 Excel（.xls）文件：请在 Excel 中另存为 .xlsx 后再导入"))
    encoding, text = _decode(data)
    return encoding, ((number, cells) for number, cells in enumerate(csv.reader(io.StringIO(text, newline="")), 1))


def _decode(data: bytes) -> tuple[str, str]:
    """Decode CSV bytes: UTF-8 (with or without BOM), else GB18030 (what Chinese Excel writes)."""
    if data.startswith(b"\xef\xbb\xbf"):
        encoding, text = "UTF-8 (BOM)", _strict(data[3:], "utf-8")
    else:
        encoding, text = "UTF-8", _strict(data, "utf-8")
        if text is None:
            encoding, text = "GB18030", _strict(data, "gb18030")
    if text is None or _looks_binary(text):
        raise RegisterFileError(
            N_("无法读取文件：请上传 Excel（.xlsx）文件，或以 UTF-8 或 GB18030 编码保存的 CSV 文件")
        )
    return encoding, text


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def _looks_binary(text: str) -> bool:
    """Return True if `text` holds control characters no CSV file of a register holds (a binary file that happened
    to decode)."""
    return any(ord(ch) < 32 and ch not in "\t\r\n" for ch in text[:65536])


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, list[Any]]]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise RegisterFileError(N_("Excel 文件已损坏，无法打开")) from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise RegisterFileError(N_("Excel 文件解压后过大，无法读取"))
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is a zip but no workbook
        raise RegisterFileError(N_("无法打开该 Excel 文件：请确认是 .xlsx 格式")) from error
    return _sheet_rows(workbook)


def _sheet_rows(workbook: Any) -> Iterator[tuple[int, list[Any]]]:
    try:
        sheet = workbook[TEMPLATE_SHEET] if TEMPLATE_SHEET in workbook.sheetnames else workbook.worksheets[0]
        for number, cells in enumerate(sheet.iter_rows(values_only=True), 1):
            yield number, list(cells)
    finally:
        workbook.close()


def _find_header(rows: Iterator[tuple[int, list[Any]]]) -> list[str]:
    """Read `rows` up to the header row and return its cells; the rows after it are left in `rows`."""
    for number, cells in rows:
        headers = [_text(cell) for cell in cells]
        keys = {_header_key(h) for h in headers}
        if "统一社会信用代码" in keys and "机构名称" in keys:
            return headers
        if number >= HEADER_SEARCH_ROWS:
            break
    raise RegisterFileError(N_("找不到表头行：前10行中应有一行包含“统一社会信用代码”和“机构名称”（请使用模板）"))


def _header_key(header: str) -> str:
    """Return a header as the template writes it: spaces, line breaks and the required mark (*) removed."""
    return re.sub(r"[\s*＊]", "", header)


# Reading one row


def _read_row(
    result: RegisterFile,
    row_number: int,
    cells: list[Any],
    positions: dict[str, int],
    choices: Choices,
    first_seen: dict[str, int],
) -> None:
    values: dict[str, Any] = {}
    errors: list[CellError] = []
    for field_name, index in positions.items():
        column = COLUMNS_BY_FIELD[field_name]
        raw = cells[index] if index < len(cells) else None
        if _text(raw) == "":
            if column.required:
                missing = Message(N_("必填：%(header)s"), header=column.header)
                errors.append(result.error(row_number, field_name, missing))
            continue
        try:
            values[field_name] = READERS[column.kind](raw, column, choices.get(field_name, {}))
        except CellProblem as problem:
            errors.append(result.error(row_number, field_name, problem.message))
    if "uscc" in values:
        earlier = first_seen.setdefault(values["uscc"], row_number)
        if earlier != row_number:
            message = Message(N_("统一社会信用代码与第 %(row)s 行重复"), row=earlier)
            errors.append(result.error(row_number, "uscc", message))
    # counts not given are checked against the entry's by the service; those given cannot exceed the residents
    counts = [values.get(name, 0) for name in ("residents_disabled", "residents_semi_disabled")]
    if "residents" in values and (problem := residents_problem(values["residents"], *counts)):
        errors.append(result.error(row_number, "residents", problem))
    if errors:
        result.errors.extend(errors)
    else:
        result.rows.append(RegisterRow(row_number, values))


class CellProblem(ValueError):
    """A cell's value cannot be read; `message` says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _text(raw: Any) -> str:
    """Return a cell as text: numbers Excel stored for digits (a phone number) without ".0", text stripped."""
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, datetime):
        return raw.date().isoformat()
    return str(raw).replace("\u3000", " ").strip()


def _read_text(raw: Any, column: Column, _choices: Mapping[str, str]) -> str:
    text = _text(raw)
    if len(text) > column.max_length:
        raise CellProblem(Message(N_("最长 %(length)s 个字"), length=column.max_length))
    return text


def _read_uscc(raw: Any, _column: Column, _choices: Mapping[str, str]) -> str:
    try:
        return normalize_uscc(_text(raw))
    except IdentifierError as error:
        raise CellProblem(error.args[0]) from None


def _read_phone(raw: Any, _column: Column, _choices: Mapping[str, str]) -> str:
    try:
        return normalize_phone(_text(raw))
    except IdentifierError as error:
        raise CellProblem(error.args[0]) from None


def _read_choice(raw: Any, _column: Column, choices: Mapping[str, str]) -> str:
    text = _text(raw)
    if text in choices:
        return choices[text]
    raise CellProblem(Message(N_("应为以下之一：%(choices)s"), choices="、".join(display_words(choices))))


def display_words(choices: Mapping[str, str]) -> list[str]:
    """Return the first word given for each value: the label the template lists."""
    shown: dict[str, str] = {}
    for word, value in choices.items():
        shown.setdefault(value, word)
    return list(shown.values())


def _read_count(raw: Any, _column: Column, _choices: Mapping[str, str]) -> int:
    text = _text(raw)
    if not (text.isascii() and text.isdigit()) or int(text) > MAX_COUNT:
        raise CellProblem(Message(N_("应为 0–%(max)s 的整数"), max=MAX_COUNT))
    return int(text)


def _read_yes_no(raw: Any, _column: Column, _choices: Mapping[str, str]) -> bool:
    if raw is True or raw is False:
        return raw
    text = _text(raw)
    if text in (YES, NO):
        return text == YES
    raise CellProblem(N_("应填“是”或“否”"))


def _read_date(raw: Any, _column: Column, _choices: Mapping[str, str]) -> date:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    match = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", _text(raw))
    try:
        if match:
            return date(*(int(part) for part in match.groups()))
    except ValueError:
        pass
    raise CellProblem(N_("日期格式应为 YYYY-MM-DD，如 2027-06-30"))


def _coordinate(limit: int) -> Callable[[Any, Column, Mapping[str, str]], Decimal]:
    def read(raw: Any, _column: Column, _choices: Mapping[str, str]) -> Decimal:
        try:
            number = Decimal(_text(raw))
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite() or abs(number) > limit:
            raise CellProblem(Message(N_("应为 -%(limit)s 到 %(limit)s 之间的数字"), limit=limit))
        return number.quantize(Decimal("0.000001"))

    return read


READERS: dict[str, Callable[[Any, Column, Mapping[str, str]], Any]] = {
    "text": _read_text,
    "uscc": _read_uscc,
    "phone": _read_phone,
    "choice": _read_choice,
    "count": _read_count,
    "yes_no": _read_yes_no,
    "date": _read_date,
    "latitude": _coordinate(90),
    "longitude": _coordinate(180),
}
