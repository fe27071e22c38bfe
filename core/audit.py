"""The audit log: who changed which record when, with the record before and after (JSON),
and the restoring of a record to one of its logged versions."""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import JSON, Date, DateTime, Integer, String, inspect
from sqlalchemy.orm import Mapped, Session, mapped_column

from core.db import Base, utcnow

CREATE, UPDATE, DELETE, RESTORE = "create", "update", "delete", "restore"
ACTION_LABELS = {CREATE: "新建", UPDATE: "修改", DELETE: "删除", RESTORE: "恢复版本"}
# Never copied into the log: secrets, and the timestamps every change moves anyway.
UNLOGGED_COLUMNS = frozenset({"password_hash", "created_at", "updated_at"})


class AuditRecord(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    day: Mapped[dt.date] = mapped_column(Date, index=True, default=dt.date.today)
    actor: Mapped[str] = mapped_column(String(80), index=True)  # "staff:<username>"
    action: Mapped[str] = mapped_column(String(20))
    table_name: Mapped[str] = mapped_column(String(60), index=True)
    record_id: Mapped[str] = mapped_column(String(40), index=True)
    record_label: Mapped[str] = mapped_column(String(200), default="")
    changed: Mapped[list[str]] = mapped_column(JSON, default=list)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # The entry whose version a "restore" brought back.
    restored_from: Mapped[int | None] = mapped_column(Integer)

    def version(self, which: str) -> dict[str, Any] | None:
        """The record before or after this change ("before" / "after")."""
        return self.before if which == "before" else self.after if which == "after" else None

    def __str__(self) -> str:
        return f"#{self.id} {ACTION_LABELS.get(self.action, self.action)} {self.record_label}"


@dataclass(frozen=True)
class RowRef:
    """Which record a log entry is about (kept apart from the row, which a deletion expires)."""

    table_name: str
    record_id: str
    label: str

    @classmethod
    def of(cls, row: Any) -> RowRef:
        return cls(type(row).__tablename__, str(row.id), str(row)[:200])


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return copy.deepcopy(value)


def row_state(row: Any, columns: tuple[str, ...] | None = None) -> dict[str, Any]:
    """The row's column values as JSON (all logged columns, or only `columns`)."""
    keys = [attr.key for attr in inspect(type(row)).column_attrs]
    wanted = [k for k in keys if k not in UNLOGGED_COLUMNS and (columns is None or k in columns)]
    return {key: _json_value(getattr(row, key)) for key in wanted}


# Who changed a record is the entry's actor; the stamp alone changing is no change.
UNCOMPARED_COLUMNS = frozenset({"updated_by"})


def changed_fields(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[str]:
    before, after = before or {}, after or {}
    keys = (before.keys() | after.keys()) - UNCOMPARED_COLUMNS
    return sorted(k for k in keys if before.get(k) != after.get(k))


def record_change(
    session: Session,
    *,
    actor: str,
    action: str,
    row: Any,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    restored_from: int | None = None,
) -> AuditRecord | None:
    """Log one change of `row` (a mapped row or its RowRef); None when an update changed
    nothing that is logged."""
    changed = changed_fields(before, after)
    if action == UPDATE and not changed:
        return None
    ref = row if isinstance(row, RowRef) else RowRef.of(row)
    entry = AuditRecord(
        actor=actor,
        action=action,
        table_name=ref.table_name,
        record_id=ref.record_id,
        record_label=ref.label,
        changed=changed,
        before=before,
        after=after,
        restored_from=restored_from,
    )
    session.add(entry)
    return entry


def model_for_table(table_name: str) -> type[Any]:
    for mapper in Base.registry.mappers:
        if getattr(mapper.class_, "__tablename__", None) == table_name:
            return mapper.class_
    raise LookupError(table_name)


def _column_value(model: type[Any], key: str, value: Any) -> Any:
    column_type = inspect(model).columns[key].type
    if value is not None and isinstance(column_type, DateTime):
        return dt.datetime.fromisoformat(value)
    if value is not None and isinstance(column_type, Date):
        return dt.date.fromisoformat(value)
    return copy.deepcopy(value)


def restore(session: Session, entry: AuditRecord, *, which: str, actor: str) -> AuditRecord:
    """Put the record back as it was before or after the change of `entry` (re-created if
    it was deleted since), and log that as a change of its own."""
    version = entry.version(which)
    if not version:
        raise ValueError("这条记录没有可恢复的版本。")
    model = model_for_table(entry.table_name)
    row = session.get(model, int(entry.record_id))
    before = None if row is None else row_state(row)
    if row is None:
        row = model()
        session.add(row)
    for key, value in version.items():
        setattr(row, key, _column_value(model, key, value))
    if hasattr(row, "updated_by"):
        row.updated_by = actor
    session.flush()
    logged = record_change(
        session,
        actor=actor,
        action=RESTORE,
        row=row,
        before=before,
        after=row_state(row),
        restored_from=entry.id,
    )
    assert logged is not None  # a restore is always logged, even when nothing differed
    session.flush()
    return logged
