"""Export the filtered league table to Excel (:mod:`inspection.streamed_xlsx`) or CSV (UTF-8 with BOM), row by
row, and the audit log to CSV. The table's safety verdicts take two columns each, for the kinds the checklist data
declares (:func:`inspection.services.standings.safety_standings`), as on the page. Every text cell is written through
:func:`inspection.exported_files.spreadsheet_cell`: facility names, typed filters, checklist labels and the usernames
of failed logins are text anyone may choose, and must not run as formulas where the file is opened.

Neither export holds the table in memory: rows come from :func:`inspection.services.rankings.iter_ranking` a chunk
at a time, and both files are sent as they are written. The smaller workbooks (coverage, plan, briefing) are
written with openpyxl's write-only mode.
The audit log's CSV is likewise produced line by line from :func:`inspection.services.audit.iter_events`.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from inspection.briefing import Table
from inspection.charts import PALETTE
from inspection.checklists import DEPARTMENT_NAMES, Standing
from inspection.exported_files import spreadsheet_cell
from inspection.i18n import N_
from inspection.models import AuditEvent
from inspection.plan_rules.coverage import COVERAGE_STATUS_LABELS
from inspection.scoring.rankings import GROUP_LABELS, RankGroup, group_key
from inspection.services.annual_plan import PlanRow
from inspection.services.rankings import RankingRow, Verdict
from inspection.services.standings import safety_standings
from inspection.streamed_xlsx import Sheet, Style, Styled, xlsx_chunks

#: Header and width (characters) of the columns before the safety verdicts, in order.
LEADING_COLUMNS: tuple[tuple[str, int], ...] = (
    ("名次", 6),
    ("机构名称", 30),
    ("乡镇", 12),
    ("类型", 22),
    ("运营性质", 10),
    ("等级", 10),
    ("等级得分", 10),
    ("评定日期", 12),
    ("审核状态", 10),
)
#: Header and width of the columns after the safety verdicts, in order.
TRAILING_COLUMNS: tuple[tuple[str, int], ...] = (
    ("未整改隐患", 10),
    ("其中重大隐患", 12),
    ("逾期隐患", 10),
    ("失信名单", 10),
    ("最近检查日期", 12),
    ("较上次评定", 14),
    ("说明", 40),
)
#: Width of each of a safety verdict's two columns (conclusion and date).
VERDICT_WIDTH = 12
GRADE_COLUMN = 5  # 0-based index of 等级


def export_columns(standings: Sequence[Standing]) -> list[tuple[str, int]]:
    """Return the header and width of every exported column, in order: two for each safety verdict of `standings`
    (the kinds the checklist data declares), "<label>检查结论" and "<label>检查日期"."""
    verdicts = [(f"{s.label}{heading}", VERDICT_WIDTH) for s in standings for heading in ("检查结论", "检查日期")]
    return [*LEADING_COLUMNS, *verdicts, *TRAILING_COLUMNS]


def grade_text(row: RankingRow) -> str:
    """Return the grade column's text: the grade, or the group's name when it has none."""
    if row.group in (RankGroup.GRADED, RankGroup.BELOW_GRADE, RankGroup.WITHHELD):
        return row.grade_label
    if row.group == RankGroup.PENDING:
        return f"{row.grade_label}（待审核）"
    if row.group == RankGroup.BLACKLISTED:
        return row.grade_label or GROUP_LABELS[RankGroup.UNRATED]
    return GROUP_LABELS[row.group]


def grade_colour(row: RankingRow) -> str:
    """Return the PALETTE key of the row's grade (as in the charts and the page)."""
    return group_key(row.group, row.grade)


def row_values(row: RankingRow, labels: dict[str, str], standings: Sequence[Standing]) -> list[Any]:
    """Return the exported values of `row`, in the order of :func:`export_columns` for `standings`.

    :param labels: display labels of the facility type and ownership values.
    """
    return [
        row.rank,
        row.name,
        row.township,
        labels.get(row.type, row.type),
        labels.get(row.ownership, row.ownership),
        grade_text(row),
        row.grade_score,
        row.grade_on,
        ("已审核" if row.reviewed else "待审核") if row.grade_on else "",
        *(value for s in standings for value in _verdict(row.standings.get(s.kind))),
        row.open_hazards,
        row.open_major,
        row.overdue,
        "是" if row.blacklisted else "",
        row.last_inspected,
        row.trend.label if row.trend.direction != "none" else "",
        row.reason,
    ]


def _verdict(verdict: Verdict | None) -> tuple[str, date | None]:
    return (verdict.label, verdict.decided_on) if verdict else ("", None)


def ranking_xlsx(
    rows: Iterable[RankingRow], *, filters: Sequence[tuple[str, str]], labels: dict[str, str]
) -> Iterator[bytes]:
    """Yield, as it is written, the workbook of the league table and a sheet with the filters used, the number of
    rows and the export time (:mod:`inspection.streamed_xlsx`: the table can have 20,000 rows and more).

    :param filters: (name, value) of each filter applied, in words.
    """
    standings = safety_standings()
    columns = export_columns(standings)
    grade_styles = {
        key: Style(bold=True, colour="FFFFFF" if key in DARK_GRADES else None, fill=colour.lstrip("#").upper())
        for key, colour in PALETTE.items()
    }
    count = 0

    def table() -> Iterator[list[Any]]:
        nonlocal count
        yield [Styled(header, HEADER) for header, _ in columns]
        for row in rows:
            values = _safe_cells(row_values(row, labels, standings))
            values[GRADE_COLUMN] = Styled(values[GRADE_COLUMN], grade_styles[grade_colour(row)])
            count += 1
            yield values

    def about() -> Iterator[list[Any]]:  # read after the table: the count is known
        yield ["导出时间", datetime.now().strftime("%Y-%m-%d %H:%M:%S")]
        yield ["行数", count]
        for name, value in filters or [("筛选条件", "无（全部运营中机构）")]:
            yield [name, spreadsheet_cell(value)]
        for name, text in (("排名规则", RULE_TEXT), ("说明", RANK_NOTE)):
            yield [name, Styled(text, WRAPPED)]

    sheets = [
        Sheet("等级排名", [width for _, width in columns], table(), freeze_header=True),
        Sheet("筛选条件", [16, 80], about()),
    ]
    yield from xlsx_chunks(sheets, grade_styles.values())


#: The grades whose colour is dark enough for white text.
DARK_GRADES = ("g5", "g4", "withheld", "blacklisted", "below")
HEADER = Style(bold=True)
WRAPPED = Style(wrap=True)


def _append(sheet: Any, values: list[Any]) -> None:
    """Append a row of plain values and cells made by :func:`_cell` (whose values are safe already)."""
    sheet.append([value if isinstance(value, Cell) else spreadsheet_cell(value) for value in values])


def _cell(sheet: Any, value: Any, *, fill: PatternFill | None = None, font: Font | None = None) -> Cell:
    cell = WriteOnlyCell(sheet, value=spreadsheet_cell(value))
    if fill is not None:
        cell.fill = fill
    if font is not None:
        cell.font = font
    if isinstance(value, date):
        cell.number_format = "yyyy-mm-dd"
    return cell


def _about_sheet(
    workbook: Workbook, filters: Sequence[tuple[str, str]], count: int, notes: Sequence[tuple[str, str]]
) -> None:
    """Add the sheet that says when the export was made, of how many rows, with which filters, and `notes` (name,
    text) on how to read it."""
    sheet = workbook.create_sheet("筛选条件")
    sheet.column_dimensions["A"].width = 16
    sheet.column_dimensions["B"].width = 80
    _append(sheet, ["导出时间", datetime.now().strftime("%Y-%m-%d %H:%M:%S")])
    _append(sheet, ["行数", count])
    for name, value in filters or [("筛选条件", "无（全部运营中机构）")]:
        _append(sheet, [name, value])
    for name, text in notes:
        note = _cell(sheet, text)
        note.alignment = Alignment(wrap_text=True, vertical="top")
        _append(sheet, [name, note])


RULE_TEXT = N_(
    "先按等级（五级→一级，已审核的结果才计入），再按等级得分（高者在前），再按未整改重大事故隐患数（少者在前），"
    "再按机构名称；未达等级、待审核、未评定依次其后；暂缓评定和列入失信名单的机构排在末位并注明原因。"
    "非养老机构（日间照料中心等）不参加等级评定，不排名，列在最后。"
)
RANK_NOTE = "名次为全县（本账号管辖范围）排名；筛选后保留原名次。"
#: Header and width of the coverage report's columns, in order.
COVERAGE_COLUMNS: tuple[tuple[str, int], ...] = (
    ("机构名称", 30),
    ("乡镇", 12),
    ("评定进度", 24),
    ("等级", 8),
    ("有效期至", 12),
)


def write_coverage_xlsx(
    rows: Iterable[Sequence[Any]],
    out: IO[bytes],
    *,
    filters: Sequence[tuple[str, str]],
    notes: Sequence[tuple[str, str]],
) -> int:
    """Write the grading campaign's coverage (rows of COVERAGE_COLUMNS, as the page lists them) and a sheet with the
    filters, the totals and the export time to `out`.

    :param notes: (name, text) lines for the second sheet: the target date and the totals, in words.
    :return: the number of rows written.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("等级评定覆盖情况")
    sheet.freeze_panes = "A2"
    for index, (_, width) in enumerate(COVERAGE_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    bold = Font(bold=True)
    _append(sheet, [_cell(sheet, header, font=bold) for header, _ in COVERAGE_COLUMNS])
    count = 0
    for row in rows:
        _append(sheet, [_cell(sheet, value) for value in row])
        count += 1
    _about_sheet(workbook, filters, count, notes)
    workbook.save(out)
    return count


def csv_chunks(rows: Iterable[RankingRow], labels: dict[str, str], *, chunk: int = 500) -> Iterator[bytes]:
    """Yield the CSV (UTF-8 with a BOM, so Excel opens it as UTF-8) in pieces of about `chunk` rows."""
    standings = safety_standings()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    _write_csv_row(writer, [header for header, _ in export_columns(standings)])
    pending = 0
    for row in rows:
        _write_csv_row(writer, row_values(row, labels, standings))
        pending += 1
        if pending >= chunk:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    yield buffer.getvalue().encode("utf-8")


#: The audit log export's columns.
AUDIT_HEADERS = ["时间(UTC)", "用户", "IP", "事件", "对象类型", "对象", "修改前", "修改后", "说明"]


def audit_csv(events: Iterable[AuditEvent]) -> Iterator[str]:
    """Yield the audit log as CSV text, a line at a time, a BOM first (so Excel reads UTF-8)."""
    yield "\ufeff"
    yield _csv_line(AUDIT_HEADERS)
    for event in events:
        yield _csv_line(
            [
                event.created_at.isoformat(sep=" ", timespec="seconds"),
                event.actor_name,
                event.ip,
                event.action,
                event.object_type,
                event.object_id,
                _json(event.before),
                _json(event.after),
                event.detail,
            ]
        )


def _csv_line(values: list[Any]) -> str:
    buffer = io.StringIO()
    _write_csv_row(csv.writer(buffer), values)
    return buffer.getvalue()


def _write_csv_row(writer: Any, values: Iterable[Any]) -> None:
    """Write one CSV row: None as an empty cell (as the csv module does), numbers unquoted, text that would run as a
    formula neutralised."""
    writer.writerow(_safe_cells(values))


def _safe_cells(values: Iterable[Any]) -> list[Any]:
    """Return `values` through :func:`spreadsheet_cell`, called for text only (it returns anything else unchanged):
    20,000 rows of the table are 400,000 cells."""
    return [spreadsheet_cell(value) if isinstance(value, str) else value for value in values]


def _json(value: object) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


#: Header and width of the annual plan export's columns, in order.
PLAN_COLUMNS: tuple[tuple[str, int], ...] = (
    ("机构名称", 30),
    ("乡镇", 12),
    ("部门", 10),
    ("状态", 8),
    ("年度应检", 8),
    ("已完成", 8),
    ("已安排", 8),
    ("截至今日应完成", 14),
    ("下次应检截止", 12),
    ("计划日期已过未提交", 18),
    ("最近完成日期", 12),
    ("下次计划日期", 12),
    ("规则依据", 40),
)


def write_plan_xlsx(rows: Iterable[PlanRow], out: IO[bytes], *, filters: Sequence[tuple[str, str]], today: date) -> int:
    """Write the annual plan's rows (as `annual_plan.plan_rows` orders them: overdue first) and a sheet with the
    filters, the day overdue was judged on and the rules' sources to `out`.

    :return: the number of rows written.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("年度检查计划")
    sheet.freeze_panes = "A2"
    for index, (_, width) in enumerate(PLAN_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    bold = Font(bold=True)
    _append(sheet, [_cell(sheet, header, font=bold) for header, _ in PLAN_COLUMNS])
    overdue = Font(bold=True, color="FFB00020")
    count = 0
    for row in rows:
        c = row.coverage
        basis = c.rule.basis if c.rule.verified else f"{c.rule.basis}（县级设置，未核实）"
        status = _cell(sheet, COVERAGE_STATUS_LABELS[c.status], font=overdue if c.status == "overdue" else None)
        department = DEPARTMENT_NAMES.get(c.department, c.department)  # type: ignore[call-overload]
        _append(
            sheet,
            [
                row.facility_name,
                row.township,
                department,
                status,
                c.required,
                c.done,
                c.planned,
                c.due,
                *(_cell(sheet, day) for day in (c.next_due, c.missed_plan, c.last_done, c.next_planned)),
                basis,
            ],
        )
        count += 1
    about = workbook.create_sheet("筛选条件")
    about.column_dimensions["A"].width = 16
    about.column_dimensions["B"].width = 80
    _append(about, ["导出时间", datetime.now().strftime("%Y-%m-%d %H:%M:%S")])
    _append(about, ["逾期判断日期", _cell(about, today)])
    _append(about, ["行数", count])
    for name, value in filters:
        _append(about, [name, value])
    _append(about, ["说明", PLAN_RULE_TEXT])
    workbook.save(out)
    return count


PLAN_RULE_TEXT = N_(
    "每年应检次数按部门的覆盖规则计：民政每年对养老机构至少现场检查一次（《养老机构管理办法》第三十八条）；"
    "其他部门的频次为县级设置（未核实）。一年多次的，全年按月均分为若干期，每期末为该次检查的截止日。"
    "已完成指该部门已提交其检查部分；已安排指当年已安排、该部门尚未提交的检查；"
    "未按期完成或计划日期已过仍未提交的为逾期。"
)


def write_briefing_xlsx(tables: Sequence[Table], out: IO[bytes], *, about: Sequence[tuple[str, str]]) -> None:
    """Write the joint-meeting briefing's tables to `out`, one sheet per table (header row frozen, columns sized,
    the table's note under it), after a sheet saying what the workbook is (`about`: region, period, when made)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("说明")
    sheet.column_dimensions["A"].width = 16
    sheet.column_dimensions["B"].width = 80
    for name, value in about:
        _append(sheet, [name, value])
    bold = Font(bold=True)
    for table in tables:
        sheet = workbook.create_sheet(table.title[:31])
        sheet.freeze_panes = "A2"
        for index, header in enumerate(table.headers, start=1):
            longest = max([len(str(row[index - 1])) for row in table.rows] + [len(header)])
            sheet.column_dimensions[get_column_letter(index)].width = min(60, max(10, 2 * longest + 2))
        _append(sheet, [_cell(sheet, header, font=bold) for header in table.headers])
        for row in table.rows:
            _append(sheet, [_cell(sheet, value) if isinstance(value, date) else value for value in row])
        if table.total:
            _append(sheet, [_cell(sheet, value, font=bold) for value in table.total])
        if table.note:
            _append(sheet, [])
            _append(sheet, [str(table.note)])
    workbook.save(out)
