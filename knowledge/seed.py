"""Load the seed knowledge (knowledge/data/*.yaml) into the database.

Idempotent: records are matched on their stable key and updated in place. A record that
staff have edited in the console (updated_by "staff:…") is left alone, so re-seeding never
undoes their work.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.orm import Session

from knowledge import DATA_DIR
from knowledge.models import (
    ORIGIN_REFERENCE,
    FaqEntry,
    HotQuestion,
    NoPenaltyItem,
    Regulation,
    ServiceChannel,
    Topic,
    Town,
)
from knowledge.upsert import upsert


@dataclass
class SeedReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    kept_staff_edits: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        tables = sorted({*self.created, *self.updated, *self.kept_staff_edits})
        parts = [
            f"{t}: 新增 {self.created.get(t, 0)}，更新 {self.updated.get(t, 0)}"
            + (f"，保留人工修改 {self.kept_staff_edits[t]}" if t in self.kept_staff_edits else "")
            for t in tables
        ]
        return "；".join(parts)


def _read(name: str, data_dir: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((data_dir / name).read_text(encoding="utf-8")) or {}
    return data


def _staff_edited(record: Any) -> bool:
    return str(getattr(record, "updated_by", "seed")).startswith("staff:")


def _upsert(
    session: Session,
    report: SeedReport,
    model: type[Any],
    key_field: str,
    rows: Iterable[dict[str, Any]],
    convert: Callable[[dict[str, Any]], dict[str, Any]],
) -> None:
    stamp = {"updated_by": "seed"} if hasattr(model, "updated_by") else {}
    counts = upsert(session, model, key_field, map(convert, rows), stamp=stamp, keep=_staff_edited)
    table = model.__tablename__
    for bucket, n in (
        (report.created, counts.created),
        (report.updated, counts.updated),
        (report.kept_staff_edits, counts.kept),
    ):
        if n:
            bucket[table] = bucket.get(table, 0) + n


def _item(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "code": row["code"],
        "origin": ORIGIN_REFERENCE,
        "seq_no": None,
        "domain": row["domain"],
        "behavior": row["behavior"],
        "legal_basis": row["legal_basis"],
        "penalty_basis": row.get("penalty_basis", ""),
        "penalty_range": row.get("penalty_range", ""),
        "fine_structure": row.get("fine_structure", ""),
        "fine_condition": row.get("fine_condition", ""),
        "penalty_quote": row.get("quote", ""),
        "conditions": row.get("conditions", ""),
        "correction_note": row.get("correction_note", ""),
        "caution": row.get("caution", ""),
        "enforcer": row.get("enforcer", ""),
        "source": row.get("source", ""),
        "aliases": list(row.get("aliases") or []),
        "business_types": list(row.get("business_types") or []),
        "check_hint": row.get("check_hint", ""),
        "fix_hint": row.get("fix_hint", ""),
        "extra": {"ref_id": row.get("ref_id")},
    }


def _date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _faq(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "key": row["key"],
        "topic": row["topic"],
        "question": row["question"],
        "alt_questions": list(row.get("alt_questions") or []),
        "answer": str(row["answer"]).strip(),
        "source": row.get("source", ""),
        "source_ref": row.get("source_ref", ""),
        "related": list(row.get("related") or []),
        "valid_from": _date(row.get("valid_from")),
        "valid_until": _date(row.get("valid_until")),
    }


def _topic(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "topic": row["topic"],
        "title": row["title"],
        "overview": str(row["overview"]).strip(),
        "source": row.get("source", ""),
        "source_ref": row.get("source_ref", ""),
        "suggestions": list(row.get("suggestions") or []),
        "unknowns": list(row.get("unknowns") or []),
    }


def _town(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": row["name"],
        "kind": row["kind"],
        "short_names": list(row.get("short_names") or []),
    }


def _regulation(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": row["name"],
        "version": row.get("version", ""),
        "source": row.get("source", ""),
        "version_warning": row.get("version_warning", ""),
    }


def _hot_question(row: dict[str, Any]) -> dict[str, Any]:
    return {"question": row["question"], "position": int(row.get("position", 100))}


def _channel(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "key": row["key"],
        "text": row["text"],
        "purposes": list(row.get("purposes") or []),
        "position": int(row.get("position", 100)),
        "source": row.get("source", ""),
    }


def load_seed(session: Session, data_dir: Path = DATA_DIR) -> SeedReport:
    report = SeedReport()
    _upsert(session, report, Town, "name", _read("towns.yaml", data_dir)["towns"], _town)
    _upsert(
        session,
        report,
        Regulation,
        "name",
        _read("regulations.yaml", data_dir)["regulations"],
        _regulation,
    )
    _upsert(
        session,
        report,
        NoPenaltyItem,
        "code",
        _read("no_penalty_items.yaml", data_dir)["items"],
        _item,
    )
    _upsert(session, report, FaqEntry, "key", _read("faq.yaml", data_dir)["faqs"], _faq)
    _upsert(session, report, Topic, "topic", _read("topics.yaml", data_dir)["topics"], _topic)
    hot = _read("hot_questions.yaml", data_dir)["hot_questions"]
    _upsert(session, report, HotQuestion, "question", hot, _hot_question)
    channels = _read("channels.yaml", data_dir)["channels"]
    _upsert(session, report, ServiceChannel, "key", channels, _channel)
    session.flush()
    return report
