"""An Excel workbook (.xlsx) written as it streams out: each sheet's rows become XML and go through the zip's
compressor a batch at a time, so the first bytes leave before the last row is read and memory stays flat however
many rows there are. Pure: no Flask.

openpyxl's write-only mode streams a sheet too, but to a temporary file and at a few seconds per 20,000 rows of
the league table; this writes only what the exports need (inline text, numbers, dates, a few cell styles, column
widths, a frozen header row), several times faster. Text is written as inline strings: a cell is never a formula.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import quoteattr

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
#: Day 0 of Excel's date serial numbers (1900 system; later than 1900-03-01 every date is right).
_EPOCH = date(1899, 12, 30)
#: Text as XML in one pass: markup escaped, a carriage return kept (a parser turns a bare one into a line feed), and
#: the characters XML 1.0 cannot hold dropped (openpyxl refuses them).
_XML_TEXT = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"}
    | dict.fromkeys([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF])
)
#: Rows turned into XML between two hand-overs to the compressor.
BATCH = 500


@dataclass(frozen=True)
class Style:
    """A cell style: bold, a font colour and a solid fill ("RRGGBB"), wrapped text aligned to the top."""

    bold: bool = False
    colour: str | None = None
    fill: str | None = None
    wrap: bool = False


@dataclass(frozen=True)
class Styled:
    """A value written with a style."""

    value: Any
    style: Style


@dataclass
class Sheet:
    """A sheet: its name, the width (characters) of each column, whether the first row stays in view, and its rows
    (lists of values: str, int, float, Decimal, date, None for an empty cell, or :class:`Styled`), read only when
    the sheet is written, after the sheets before it."""

    name: str
    widths: Sequence[float]
    rows: Iterable[Sequence[Any]]
    freeze_header: bool = False


class _Styles:
    """The workbook's cell formats, numbered as they are first asked for; a date gets the yyyy-mm-dd format."""

    def __init__(self, styles: Iterable[Style]) -> None:
        self.fonts: list[tuple[bool, str | None]] = [(False, None)]
        self.fills: list[str | None] = [None, None]  # the two fills every workbook starts with
        self.formats: list[tuple[int, int, bool, bool]] = [(0, 0, False, False)]
        self.index: dict[tuple[Style, bool], int] = {(Style(), False): 0}
        for style in styles:
            self.id(style, False)
            self.id(style, True)

    def id(self, style: Style, is_date: bool) -> int:
        key = (style, is_date)
        if key not in self.index:
            font = (style.bold, style.colour)
            if font not in self.fonts:
                self.fonts.append(font)
            if style.fill is not None and style.fill not in self.fills:
                self.fills.append(style.fill)
            fill = self.fills.index(style.fill) if style.fill is not None else 0
            self.formats.append((self.fonts.index(font), fill, is_date, style.wrap))
            self.index[key] = len(self.formats) - 1
        return self.index[key]

    def xml(self) -> str:
        fonts = "".join(
            "<font>"
            + ("<b/>" if bold else "")
            + (f'<color rgb="FF{colour}"/>' if colour else "")
            + '<sz val="11"/><name val="Calibri"/></font>'
            for bold, colour in self.fonts
        )
        fills = '<fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
        fills += "".join(
            f'<fill><patternFill patternType="solid"><fgColor rgb="FF{fill}"/><bgColor indexed="64"/></patternFill>'
            "</fill>"
            for fill in self.fills[2:]
        )
        formats = "".join(_format_xml(*spec) for spec in self.formats)
        return (
            f'{_HEAD}<styleSheet xmlns="{_MAIN}">'
            '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>'
            f'<fonts count="{len(self.fonts)}">{fonts}</fonts><fills count="{len(self.fills)}">{fills}</fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            f'<cellXfs count="{len(self.formats)}">{formats}</cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
        )


def _format_xml(font: int, fill: int, is_date: bool, wrap: bool) -> str:
    applied = "".join(
        f' apply{name}="1"'
        for name, used in (("NumberFormat", is_date), ("Font", font), ("Fill", fill), ("Alignment", wrap))
        if used
    )
    head = f'<xf numFmtId="{164 if is_date else 0}" fontId="{font}" fillId="{fill}" borderId="0" xfId="0"{applied}'
    return f'{head}><alignment wrapText="1" vertical="top"/></xf>' if wrap else f"{head}/>"


class _Sink(io.RawIOBase):
    """Where the zip writes: keeps what was written until it is taken (not seekable, so the zip streams)."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data = b"".join(self.parts)
        self.parts.clear()
        return data


def column_letter(index: int) -> str:
    """Return the letters of the 0-based column `index` (0 → A, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def xlsx_chunks(sheets: Sequence[Sheet], styles: Iterable[Style] = ()) -> Iterator[bytes]:
    """Yield the bytes of a workbook of `sheets`, in pieces as they are compressed.

    :param styles: the styles the rows use, so that the styles part can be written before them (a style not
        declared here raises KeyError).
    """
    registry = _Styles([Style(), Style(bold=True), Style(wrap=True), *styles])
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, text in _package_parts(sheets, registry):
            archive.writestr(name, text)
        yield sink.take()
        for number, sheet in enumerate(sheets, start=1):
            with archive.open(f"xl/worksheets/sheet{number}.xml", "w") as part:
                for text in _sheet_xml(sheet, registry):
                    part.write(text.encode())
                    if sink.parts:
                        yield sink.take()
    yield sink.take()


def _package_parts(sheets: Sequence[Sheet], styles: _Styles) -> list[tuple[str, str]]:
    numbers = range(1, len(sheets) + 1)
    worksheet = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
    types = "".join(f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{worksheet}"/>' for n in numbers)
    office = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    sheet_rels = "".join(
        f'<Relationship Id="rId{n}" Type="{office}/worksheet" Target="worksheets/sheet{n}.xml"/>' for n in numbers
    )
    entries = "".join(
        f'<sheet name={quoteattr(sheet.name)} sheetId="{n}" r:id="rId{n}"/>'
        for n, sheet in zip(numbers, sheets, strict=True)
    )
    return [
        (
            "[Content_Types].xml",
            f'{_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            f"{types}</Types>",
        ),
        (
            "_rels/.rels",
            f'{_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{office}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        ),
        (
            "xl/workbook.xml",
            f'{_HEAD}<workbook xmlns="{_MAIN}" xmlns:r="{_RELS}"><sheets>{entries}</sheets></workbook>',
        ),
        (
            "xl/_rels/workbook.xml.rels",
            f'{_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'{sheet_rels}<Relationship Id="rId{len(sheets) + 1}" Type="{office}/styles" Target="styles.xml"/>'
            "</Relationships>",
        ),
        ("xl/styles.xml", styles.xml()),
    ]


def _sheet_xml(sheet: Sheet, styles: _Styles) -> Iterator[str]:
    """Yield the XML of `sheet`, a batch of rows at a time."""
    view = (
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft"/>'
        if sheet.freeze_header
        else ""
    )
    columns = "".join(
        f'<col min="{n}" max="{n}" width="{width}" customWidth="1"/>' for n, width in enumerate(sheet.widths, start=1)
    )
    yield (
        f'{_HEAD}<worksheet xmlns="{_MAIN}" xmlns:r="{_RELS}"><sheetViews><sheetView workbookViewId="0">{view}'
        f'</sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/><cols>{columns}</cols><sheetData>'
    )
    letters: list[str] = []
    plain_date = styles.index[(Style(), True)]
    batch: list[str] = []
    for number, values in enumerate(sheet.rows, start=1):
        while len(letters) < len(values):
            letters.append(column_letter(len(letters)))
        cells = [f'<row r="{number}">']
        for letter, value in zip(letters, values, strict=False):
            kind = type(value)  # the commonest cells first, by exact type
            if value is None:
                continue
            if kind is str:
                if value:
                    text = value.translate(_XML_TEXT)
                    cells.append(
                        f'<c r="{letter}{number}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
                    )
                continue
            if kind is int:
                cells.append(f'<c r="{letter}{number}"><v>{value}</v></c>')
                continue
            style = 0
            if kind is Styled:
                value, style = value.value, styles.index[(value.style, isinstance(value.value, date))]
            elif isinstance(value, date):
                style = plain_date
            if value is None or value == "":
                if style:
                    cells.append(f'<c r="{letter}{number}" s="{style}"/>')
                continue
            cells.append(_cell(f"{letter}{number}", value, style))
        cells.append("</row>")
        batch.append("".join(cells))
        if len(batch) >= BATCH:
            yield "".join(batch)
            batch.clear()
    batch.append("</sheetData></worksheet>")
    yield "".join(batch)


def _cell(reference: str, value: Any, style: int) -> str:
    styled = f' s="{style}"' if style else ""
    if isinstance(value, str):  # most cells: tested first
        text = value.translate(_XML_TEXT)
        return f'<c r="{reference}"{styled} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
    if isinstance(value, bool):
        return f'<c r="{reference}"{styled} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float | Decimal):
        return f'<c r="{reference}"{styled}><v>{value}</v></c>'
    if isinstance(value, datetime):
        raise TypeError("datetime cells are not supported: write the date or the text")
    if isinstance(value, date):
        return f'<c r="{reference}"{styled}><v>{(value - _EPOCH).days}</v></c>'
    return _cell(reference, str(value), style)
