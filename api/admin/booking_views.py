"""The console's booking views: checkups by date and 镇街, moved along their workflow."""

from __future__ import annotations

from typing import Any, ClassVar

from sqladmin.filters import AllUniqueStringValuesFilter, ForeignKeyFilter, StaticValuesFilter
from sqlalchemy.orm import object_session
from starlette.requests import Request
from wtforms import SelectField

from api.admin.audit_log import ConsoleView
from api.admin.common import StampedView, actor
from booking.models import STATUS_LABELS, Booking, BookingEvent
from booking.workflow import change_status
from knowledge.models import Town

STATUS_CHOICES = list(STATUS_LABELS.items())


def _event_line(event: BookingEvent) -> str:
    status = STATUS_LABELS.get(event.status, event.status)
    return f"{event.created_at:%m-%d %H:%M} {status}（{event.actor}）{event.note}"


class BookingAdmin(StampedView, model=Booking):
    name, name_plural, icon, category = (
        "体检预约",
        "体检预约",
        "fa-solid fa-calendar-check",
        "企业体检",
    )
    can_create = False
    can_delete = False
    column_list: ClassVar = [
        Booking.reference,
        Booking.date,
        Booking.half_day,
        Booking.town,
        Booking.company_name,
        Booking.contact_name,
        Booking.phone,
        Booking.status,
    ]
    column_details_list: ClassVar = [
        Booking.reference,
        Booking.status,
        Booking.date,
        Booking.half_day,
        Booking.town,
        Booking.company_name,
        Booking.uscc,
        Booking.industry,
        Booking.contact_name,
        Booking.phone,
        Booking.needs,
        Booking.staff_note,
        Booking.events,
        Booking.created_at,
    ]
    column_sortable_list: ClassVar = [
        Booking.date,
        Booking.reference,
        Booking.status,
        Booking.created_at,
    ]
    column_default_sort: ClassVar = [(Booking.date, False)]
    column_searchable_list: ClassVar = [
        Booking.reference,
        Booking.company_name,
        Booking.contact_name,
    ]
    column_filters: ClassVar = [
        StaticValuesFilter(Booking.status, STATUS_CHOICES, title="状态"),
        ForeignKeyFilter(Booking.town_id, Town.name, foreign_model=Town, title="镇街"),
        AllUniqueStringValuesFilter(Booking.date, title="日期"),
        AllUniqueStringValuesFilter(Booking.half_day, title="时段"),
    ]
    column_formatters: ClassVar = {
        Booking.status: lambda m, a: m.status_label,
        Booking.town: lambda m, a: m.town.name if m.town else "",
    }
    column_formatters_detail: ClassVar = {
        Booking.status: lambda m, a: m.status_label,
        Booking.events: lambda m, a: "；".join(_event_line(e) for e in m.events),
    }
    form_columns: ClassVar = [Booking.status, Booking.staff_note]
    audit_columns: ClassVar = ("reference", "status", "staff_note")  # no personal data
    form_overrides: ClassVar = {"status": SelectField}
    form_args: ClassVar = {"status": {"choices": STATUS_CHOICES}}
    column_labels: ClassVar = {
        Booking.reference: "预约号",
        Booking.date: "日期",
        Booking.half_day: "时段",
        Booking.town: "镇街",
        Booking.company_name: "企业名称",
        Booking.uscc: "统一社会信用代码",
        Booking.industry: "行业",
        Booking.contact_name: "联系人",
        Booking.phone: "手机号",
        Booking.needs: "重点检查",
        Booking.status: "状态",
        Booking.staff_note: "工作人员备注（预约人查询时可见）",
        Booking.events: "处理记录",
        Booking.created_at: "提交时间",
    }

    async def on_model_change(
        self, data: dict, model: Any, is_created: bool, request: Request
    ) -> None:
        """Status moves only along submitted → confirmed → completed (or cancelled)."""
        await super().on_model_change(data, model, is_created, request)
        session = object_session(model)
        assert session is not None
        status = data.get("status", model.status)
        note = str(data.get("staff_note") or "")
        if status != model.status:
            change_status(
                session,
                model,
                status,
                actor=actor(request),
                note=note if note != model.staff_note else "",
            )


class BookingEventAdmin(ConsoleView, model=BookingEvent):
    name, name_plural, icon, category = (
        "预约处理记录",
        "预约处理记录",
        "fa-solid fa-clock-rotate-left",
        "企业体检",
    )
    can_create = False
    can_edit = False
    can_delete = False
    column_list: ClassVar = [
        BookingEvent.created_at,
        BookingEvent.booking,
        BookingEvent.status,
        BookingEvent.actor,
        BookingEvent.note,
    ]
    column_default_sort: ClassVar = [(BookingEvent.created_at, True)]
    column_labels: ClassVar = {
        BookingEvent.created_at: "时间",
        BookingEvent.booking: "预约号",
        BookingEvent.status: "状态",
        BookingEvent.actor: "操作人",
        BookingEvent.note: "备注",
    }
