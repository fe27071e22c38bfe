"""Every change made through the console, logged (who, when, which record, before and after)
through sqladmin's model hooks; the read-only log view, filterable by table, record, staff
member and day; and the one-click restore of an FAQ entry or item to a logged version."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from functools import partial
from typing import Any, ClassVar

import anyio
from markupsafe import Markup
from sqladmin import ModelView, expose
from sqladmin.filters import AllUniqueStringValuesFilter, StaticValuesFilter
from sqlalchemy import Select, false, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from api.admin import texts
from core.audit import (
    ACTION_LABELS,
    CREATE,
    DELETE,
    UPDATE,
    AuditRecord,
    RowRef,
    record_change,
    restore,
    row_state,
)
from core.db import session_scope

# The records staff may put back to an earlier version.
RESTORABLE_TABLES = frozenset({"faq_entries", "no_penalty_items"})
_PENDING = "audit_pending"


def actor(request: Request) -> str:
    return f"staff:{request.session.get('staff', 'unknown')}"


def log_change(
    session: Session,
    request: Request,
    action: str,
    row: Any,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> None:
    record_change(session, actor=actor(request), action=action, row=row, before=before, after=after)


def _pending(request: Request) -> dict[tuple[str, int], Any]:
    if not hasattr(request.state, _PENDING):
        setattr(request.state, _PENDING, {})
    return getattr(request.state, _PENDING)


class ConsoleView(ModelView):
    """A console model view: its forms carry the CSRF token, and its changes are logged.

    `on_model_change` / `on_model_delete` keep the record as it was (subclasses call them
    first, before they change the model); `after_model_change` / `after_model_delete` log
    it with the record as it is now, once the change is committed."""

    list_template = "console/list.html"
    details_template = "console/details.html"
    create_template = "console/create.html"
    edit_template = "console/edit.html"
    # The columns logged; None: all but secrets and timestamps (core.audit.UNLOGGED_COLUMNS).
    audit_columns: ClassVar[tuple[str, ...] | None] = None

    def _state(self, model: Any) -> dict[str, Any]:
        return row_state(model, self.audit_columns)

    async def on_model_change(
        self, data: dict, model: Any, is_created: bool, request: Request
    ) -> None:
        if not is_created:
            _pending(request)[(self.identity, id(model))] = self._state(model)

    async def after_model_change(
        self, data: dict, model: Any, is_created: bool, request: Request
    ) -> None:
        before = None if is_created else _pending(request).pop((self.identity, id(model)), None)
        action = CREATE if is_created else UPDATE
        await self._log(request, action, RowRef.of(model), before, self._state(model))

    async def on_model_delete(self, model: Any, request: Request) -> None:
        _pending(request)[(self.identity, id(model))] = (RowRef.of(model), self._state(model))

    async def after_model_delete(self, model: Any, request: Request) -> None:
        ref, before = _pending(request).pop((self.identity, id(model)))
        await self._log(request, DELETE, ref, before, None)

    async def _log(
        self,
        request: Request,
        action: str,
        ref: RowRef,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
    ) -> None:
        def write() -> None:
            with self.session_maker() as session:
                log_change(session, request, action, ref, before, after)
                session.commit()

        await anyio.to_thread.run_sync(write)

    def history_url(self, request: Request, model: Any) -> str:
        """The log of this record's changes."""
        url = request.url_for("admin:list", identity=AuditAdmin.identity)
        table = type(model).__tablename__
        return str(url.include_query_params(table_name=table, record_id=str(model.id)))


class DayFilter(AllUniqueStringValuesFilter):
    """Entries of one day; the choices are the last days that have entries."""

    def __init__(self) -> None:
        super().__init__(AuditRecord.day, title="日期", parameter_name="day")

    async def lookups(
        self, request: Request, model: Any, run_query: Callable[[Select], Any]
    ) -> list[tuple[str, str]]:
        stmt = select(AuditRecord.day).distinct().order_by(AuditRecord.day.desc()).limit(31)
        return [("__all", "全部")] + [
            (d.isoformat(), d.isoformat()) for (d,) in await run_query(stmt)
        ]

    async def get_filtered_query(self, query: Select, value: Any, model: Any) -> Select:
        if value in ("", "__all", None):
            return query
        try:
            day = dt.date.fromisoformat(str(value))
        except ValueError:
            return query.filter(false())
        return query.filter(AuditRecord.day == day)


def _json_block(value: Any) -> Markup:
    if value is None:
        return Markup("—")
    text = json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True)
    return Markup('<pre class="mb-0" style="white-space: pre-wrap">{}</pre>').format(text)


def _short(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 300 else text[:300] + "…"


class AuditAdmin(ConsoleView, model=AuditRecord):
    name, name_plural, icon, category = (
        "修改记录",
        "修改记录",
        "fa-solid fa-clock-rotate-left",
        "设置",
    )
    details_template = "console/audit_details.html"
    can_create = False
    can_edit = False
    can_delete = False
    # Set by mount_admin: the database, and from the console's views the names of tables
    # and fields.
    database_url: ClassVar[str] = ""
    table_labels: ClassVar[dict[str, str]] = {}
    field_labels: ClassVar[dict[str, dict[str, str]]] = {}

    column_list: ClassVar = [
        AuditRecord.created_at,
        AuditRecord.actor,
        AuditRecord.action,
        AuditRecord.table_name,
        AuditRecord.record_label,
        AuditRecord.changed,
    ]
    column_details_list: ClassVar = [
        AuditRecord.id,
        AuditRecord.created_at,
        AuditRecord.actor,
        AuditRecord.action,
        AuditRecord.table_name,
        AuditRecord.record_id,
        AuditRecord.record_label,
        AuditRecord.changed,
        AuditRecord.before,
        AuditRecord.after,
        AuditRecord.restored_from,
    ]
    column_default_sort: ClassVar = [(AuditRecord.id, True)]
    column_searchable_list: ClassVar = [AuditRecord.record_label]
    column_labels: ClassVar = {
        AuditRecord.id: "编号",
        AuditRecord.created_at: "时间",
        AuditRecord.actor: "工作人员",
        AuditRecord.action: "操作",
        AuditRecord.table_name: "类别",
        AuditRecord.record_id: "记录编号",
        AuditRecord.record_label: "记录",
        AuditRecord.changed: "改动",
        AuditRecord.before: "修改前",
        AuditRecord.after: "修改后",
        AuditRecord.restored_from: "恢复自记录",
    }

    @classmethod
    def _changes_line(cls, entry: AuditRecord) -> str:
        labels = cls.field_labels.get(entry.table_name, {})
        return "、".join(labels.get(field, field) for field in entry.changed)

    @classmethod
    def _changes_table(cls, entry: AuditRecord) -> Markup:
        labels = cls.field_labels.get(entry.table_name, {})
        before, after = entry.before or {}, entry.after or {}
        rows = Markup("").join(
            Markup("<tr><th>{}</th><td>{}</td><td>{}</td></tr>").format(
                labels.get(field, field),
                _short(before.get(field, "")),
                _short(after.get(field, "")),
            )
            for field in entry.changed
        )
        head = Markup("<tr><th>字段</th><th>修改前</th><th>修改后</th></tr>")
        return Markup('<table class="table table-sm mb-0">{}{}</table>').format(head, rows)

    column_formatters: ClassVar = {
        AuditRecord.actor: lambda m, a: m.actor.removeprefix("staff:"),
        AuditRecord.action: lambda m, a: ACTION_LABELS.get(m.action, m.action),
        AuditRecord.table_name: lambda m, a: AuditAdmin.table_labels.get(
            m.table_name, m.table_name
        ),
        AuditRecord.changed: lambda m, a: AuditAdmin._changes_line(m),
    }
    column_formatters_detail: ClassVar = {
        **column_formatters,
        AuditRecord.changed: lambda m, a: AuditAdmin._changes_table(m),
        AuditRecord.before: lambda m, a: _json_block(m.before),
        AuditRecord.after: lambda m, a: _json_block(m.after),
    }

    def list_query(self, request: Request) -> Select:
        """The record's own history when the URL names one (?record_id=…, from its page)."""
        stmt = super().list_query(request)
        record_id = request.query_params.get("record_id")
        return stmt.filter(AuditRecord.record_id == record_id) if record_id else stmt

    @staticmethod
    def can_restore(entry: AuditRecord, which: str) -> bool:
        return entry.table_name in RESTORABLE_TABLES and bool(entry.version(which))

    @expose("/restore/{pk:int}", methods=["POST"])
    async def restore_version(self, request: Request) -> Response:
        entry_id: int = request.path_params["pk"]
        which = str((await request.form()).get("version", ""))
        restored_id = await anyio.to_thread.run_sync(
            partial(self._restore, request, entry_id, which)
        )
        url = request.url_for("admin:details", identity=self.identity, pk=str(restored_id))
        return RedirectResponse(url, status_code=302)

    def _restore(self, request: Request, entry_id: int, which: str) -> int:
        """The id of the log entry of the restore."""
        try:
            with session_scope(self.database_url) as session:
                entry = session.get(AuditRecord, entry_id)
                if entry is None:
                    raise HTTPException(status_code=404)
                if not self.can_restore(entry, which):
                    raise HTTPException(status_code=400, detail=texts.NOT_RESTORABLE)
                return restore(session, entry, which=which, actor=actor(request)).id
        except IntegrityError as exc:
            raise HTTPException(status_code=400, detail=texts.RESTORE_CONFLICT) from exc


def install_labels(views: list[Any]) -> None:
    """Name tables and fields in the log as the console's own views do, and offer the
    tables as a filter."""
    for view in views:
        if isinstance(view, ModelView) and not isinstance(view, AuditAdmin):
            table = str(getattr(view.model, "__tablename__", ""))
            AuditAdmin.table_labels[table] = view.name
            AuditAdmin.field_labels[table] = {
                key: str(label).split("（")[0] for key, label in view._column_labels.items()
            }
    AuditAdmin.column_filters = [
        StaticValuesFilter(
            AuditRecord.table_name, list(AuditAdmin.table_labels.items()), title="类别"
        ),
        StaticValuesFilter(AuditRecord.action, list(ACTION_LABELS.items()), title="操作"),
        AllUniqueStringValuesFilter(AuditRecord.actor, title="工作人员"),
        DayFilter(),
    ]
