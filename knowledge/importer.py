"""Import and export of the bureau's official no-penalty list (XLSX or CSV).

The file has a header row with 序号, 领域, 违法行为, 法律依据, 处罚依据, 适用条件; any further
columns are kept with the item. Rows are stored as `origin: official_list`, keyed on 序号,
so importing a revised list updates items in place. The whole file is validated first and
nothing is written if any row is wrong: problems are reported by spreadsheet row number.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge.models import ORIGIN_LABELS, ORIGIN_OFFICIAL, ORIGIN_REFERENCE, NoPenaltyItem
from knowledge.text import clean_text
from knowledge.upsert import upsert

REQUIRED_COLUMNS = ("序号", "领域", "违法行为", "法律依据", "处罚依据", "适用条件")
FIELD_OF_COLUMN = {
    "领域": "domain",
    "违法行为": "behavior",
    "法律依据": "legal_basis",
    "处罚依据": "penalty_basis",
    "适用条件": "conditions",
}
REQUIRED_VALUES = ("序号", "领域", "违法行为", "法律依据")
SOURCE_KIND_COLUMN = "来源类型"
CODE_COLUMN = "编码"
REFERENCE_LABEL = ORIGIN_LABELS[ORIGIN_REFERENCE]
EXPORT_ONLY_COLUMNS = (SOURCE_KIND_COLUMN, CODE_COLUMN)
MAX_LENGTH = {"领域": 60, "违法行为": 2000, "法律依据": 2000, "处罚依据": 2000, "适用条件": 2000}
MAX_ROWS = 5000


class ImportFileError(ValueError):
    """The file cannot be read as a list at all (format, header)."""


@dataclass
class RowProblem:
    row: int
    message: str

    def __str__(self) -> str:
        return f"第{self.row}行：{self.message}"


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        return f"新增 {self.created} 项，更新 {self.updated} 项，未变 {self.unchanged} 项"


def official_code(seq_no: int) -> str:
    return f"OFF-{seq_no:04d}"


def read_table(path: Path) -> list[list[str]]:
    """All rows of the first sheet (XLSX) or the CSV file, as stripped strings."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises several types for a broken file
            raise ImportFileError(f"无法读取 Excel 文件：{exc}") from exc
        sheet = workbook.worksheets[0]
        rows = [
            ["" if v is None else _cell(v) for v in row]
            for row in sheet.iter_rows(values_only=True)
        ]
        workbook.close()
        return rows
    if suffix == ".csv":
        raw = path.read_bytes()
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ImportFileError("CSV 文件编码无法识别，请另存为 UTF-8 或 GBK 编码")
        return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text))]
    raise ImportFileError("只支持 .xlsx 或 .csv 文件")


def _cell(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse_rows(rows: list[list[str]]) -> tuple[list[dict[str, Any]], list[RowProblem]]:
    """Validate the table; return the parsed records (empty if any problem) and the problems."""
    while rows and not any(rows[0]):
        rows = rows[1:]
    if not rows:
        raise ImportFileError("文件是空的")
    header = [clean_text(h) for h in rows[0]]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise ImportFileError(f"表头缺少列：{'、'.join(missing)}（第1行应为表头）")
    duplicates = {h for h in header if h and header.count(h) > 1}
    if duplicates:
        raise ImportFileError(f"表头有重复的列：{'、'.join(sorted(duplicates))}")
    if len(rows) - 1 > MAX_ROWS:
        raise ImportFileError(f"行数超过 {MAX_ROWS}，请拆分后导入")

    records: list[dict[str, Any]] = []
    problems: list[RowProblem] = []
    seen_seq: dict[int, int] = {}
    for offset, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue  # blank line
        values = {h: clean_text(row[i]) if i < len(row) else "" for i, h in enumerate(header) if h}
        row_problems = []
        for column in REQUIRED_VALUES:
            if not values.get(column):
                row_problems.append(f"“{column}”不能为空")
        for column, limit in MAX_LENGTH.items():
            if len(values.get(column, "")) > limit:
                row_problems.append(f"“{column}”超过{limit}字")
        seq_text = values.get("序号", "")
        seq_no: int | None = None
        if seq_text:
            try:
                seq_no = int(seq_text)
                if seq_no <= 0:
                    raise ValueError
            except ValueError:
                row_problems.append(f"“序号”应为正整数，实际为“{seq_text}”")
        if values.get(SOURCE_KIND_COLUMN) == REFERENCE_LABEL:
            row_problems.append("这是参考事项（来源类型=参考事项），不能作为官方清单导入")
        if seq_no is not None and seq_no in seen_seq:
            row_problems.append(f"序号 {seq_no} 与第{seen_seq[seq_no]}行重复")
        elif seq_no is not None:
            seen_seq[seq_no] = offset
        if row_problems:
            problems.extend(RowProblem(offset, p) for p in row_problems)
            continue
        assert seq_no is not None
        record: dict[str, Any] = {FIELD_OF_COLUMN[c]: values.get(c, "") for c in FIELD_OF_COLUMN}
        record["seq_no"] = seq_no
        record["code"] = official_code(seq_no)
        record["extra"] = {
            h: v
            for h, v in values.items()
            if h not in REQUIRED_COLUMNS and h not in EXPORT_ONLY_COLUMNS and v
        }
        records.append(record)
    if not records and not problems:
        raise ImportFileError("文件中没有数据行")
    return ([] if problems else records), problems


def import_official_list(session: Session, path: Path, *, actor: str) -> ImportResult:
    """Validate then upsert the whole file in the caller's transaction (all or nothing)."""
    records, problems = parse_rows(read_table(path))
    result = ImportResult(problems=problems)
    if problems:
        return result
    existing = {
        item.code: item
        for item in session.scalars(
            select(NoPenaltyItem).where(NoPenaltyItem.origin == ORIGIN_OFFICIAL)
        )
    }
    rows = [{**record, "origin": ORIGIN_OFFICIAL, "active": True} for record in records]
    counts = upsert(
        session, NoPenaltyItem, "code", rows, stamp={"updated_by": actor}, existing=existing
    )
    result.created, result.updated, result.unchanged = (
        counts.created,
        counts.updated,
        counts.unchanged,
    )
    return result


def export_items(session: Session, path: Path, *, include_reference: bool = False) -> int:
    """Write the official list in the import format; reference items only when asked, marked
    as such in 来源类型 so they can never be re-imported as official. Returns the row count."""
    stmt = select(NoPenaltyItem).where(NoPenaltyItem.active.is_(True))
    if not include_reference:
        stmt = stmt.where(NoPenaltyItem.origin == ORIGIN_OFFICIAL)
    items = list(session.scalars(stmt.order_by(NoPenaltyItem.origin, NoPenaltyItem.id)))
    extra_columns = sorted({k for item in items for k in (item.extra or {}) if k != "ref_id"})
    header = [*REQUIRED_COLUMNS, *EXPORT_ONLY_COLUMNS, *extra_columns]
    rows = []
    for number, item in enumerate(items, start=1):
        rows.append(
            [
                item.seq_no or number,
                item.domain,
                item.behavior,
                item.legal_basis,
                item.penalty_basis,
                item.conditions,
                ORIGIN_LABELS.get(item.origin, REFERENCE_LABEL),
                item.code,
                *[(item.extra or {}).get(c, "") for c in extra_columns],
            ]
        )
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        from openpyxl import Workbook

        workbook = Workbook()
        sheet = workbook.active
        sheet.title = "不予处罚事项"
        sheet.append(header)
        for row in rows:
            sheet.append(row)
        workbook.save(path)
    elif suffix == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)
    else:
        raise ImportFileError("只支持 .xlsx 或 .csv 文件")
    return len(rows)
