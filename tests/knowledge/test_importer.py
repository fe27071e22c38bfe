"""Staff load the bureau's official list from XLSX or CSV: all or nothing, idempotent."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from knowledge.importer import (
    ImportFileError,
    export_items,
    import_official_list,
    read_table,
)
from knowledge.models import ORIGIN_OFFICIAL, NoPenaltyItem
from knowledge.snapshot import search_items

HEADER = ["序号", "领域", "违法行为", "法律依据", "处罚依据", "适用条件", "备注"]
ROWS = [
    [
        1,
        "市容环境卫生",
        "在公共晾衣架以外的行道树上拉绳晾晒被褥",
        "《浙江省城市市容和环境卫生管理条例》第十四条第二款",
        "《浙江省城市市容和环境卫生管理条例》第十四条第三款",
        "初次违法且及时改正",
        "测试备注",
    ],
    [
        2,
        "犬类管理",
        "携犬出户未佩戴犬牌",
        "《湖州市养犬管理规定》第十二条第一款",
        "《湖州市养犬管理规定》第十二条第三款",
        "当场改正",
        "",
    ],
]


def write_xlsx(path: Path, rows: list[list[object]], header: list[str] = HEADER) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def official_count(session: Session) -> int:
    stmt = select(func.count()).where(NoPenaltyItem.origin == ORIGIN_OFFICIAL)
    return session.scalar(stmt) or 0


def test_xlsx_import_adds_official_items_that_search_finds(
    fresh_session: Session, tmp_path: Path
) -> None:
    result = import_official_list(
        fresh_session, write_xlsx(tmp_path / "list.xlsx", ROWS), actor="t"
    )
    assert result.ok and result.created == 2
    results = search_items(fresh_session, "在行道树上拉绳子晒被子", limit=3)
    official = [i for i, _ in results if i.origin == ORIGIN_OFFICIAL]
    assert official and official[0].seq_no == 1
    assert official[0].extra == {"备注": "测试备注"}


def test_reimport_updates_instead_of_duplicating(fresh_session: Session, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "list.xlsx", ROWS)
    import_official_list(fresh_session, path, actor="t")
    changed = [list(r) for r in ROWS]
    changed[1][5] = "当场改正且无危害后果"
    second = import_official_list(
        fresh_session, write_xlsx(tmp_path / "v2.xlsx", changed), actor="t"
    )
    assert (second.created, second.updated, second.unchanged) == (0, 1, 1)
    assert official_count(fresh_session) == 2


def test_bad_rows_are_reported_by_row_and_nothing_is_imported(
    fresh_session: Session, tmp_path: Path
) -> None:
    rows = [
        ROWS[0],
        ["x", "犬类管理", "", "《湖州市养犬管理规定》", "", "", ""],
        [1, "a", "b", "c", "", "", ""],
    ]
    result = import_official_list(fresh_session, write_xlsx(tmp_path / "bad.xlsx", rows), actor="t")
    assert not result.ok
    messages = [str(p) for p in result.problems]
    assert any(m.startswith("第3行") and "序号" in m for m in messages)
    assert any(m.startswith("第3行") and "违法行为" in m for m in messages)
    assert any(m.startswith("第4行") and "重复" in m for m in messages)
    assert official_count(fresh_session) == 0


def test_missing_columns_are_named(tmp_path: Path, fresh_session: Session) -> None:
    path = write_xlsx(tmp_path / "h.xlsx", [[1, "a"]], header=["序号", "领域"])
    with pytest.raises(ImportFileError, match="违法行为"):
        import_official_list(fresh_session, path, actor="t")


def test_csv_in_gbk_is_read(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    with path.open("w", encoding="gbk", newline="") as handle:
        csv.writer(handle).writerows([HEADER, ROWS[1]])
    assert read_table(path)[1][2] == "携犬出户未佩戴犬牌"


def test_export_then_import_round_trip(fresh_session: Session, tmp_path: Path) -> None:
    import_official_list(fresh_session, write_xlsx(tmp_path / "list.xlsx", ROWS), actor="t")
    out = tmp_path / "out.csv"
    assert export_items(fresh_session, out) == 2
    again = import_official_list(fresh_session, out, actor="t")
    assert again.ok and again.unchanged == 2


def test_reference_items_cannot_be_reimported_as_official(
    fresh_session: Session, tmp_path: Path
) -> None:
    out = tmp_path / "all.xlsx"
    assert export_items(fresh_session, out, include_reference=True) == 189
    result = import_official_list(fresh_session, out, actor="t")
    assert not result.ok
    assert "参考事项" in str(result.problems[0])
    assert official_count(fresh_session) == 0
