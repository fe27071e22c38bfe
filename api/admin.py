"""/admin: the staff console (sqladmin), in Chinese.

Staff log in with the accounts made by `wxbot staff add`. Editors maintain the knowledge
base (FAQ, items, topics, towns), review unanswered questions and handle checkup bookings;
admins also manage staff accounts. Every change is stamped "staff:<username>", which keeps
`wxbot kb load` from overwriting it.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any, ClassVar

from fastapi import FastAPI
from sqladmin import Admin, BaseView, ModelView, expose
from sqladmin.authentication import AuthenticationBackend
from sqladmin.filters import (
    AllUniqueStringValuesFilter,
    BooleanFilter,
    ForeignKeyFilter,
    StaticValuesFilter,
)
from sqladmin.i18n import I18nConfig
from sqlalchemy.orm import object_session
from starlette.requests import Request
from starlette.responses import Response
from wtforms import TextAreaField

from api.admin_i18n import install_chinese
from knowledge import booking, repositories
from knowledge.db import get_engine, session_scope
from knowledge.importer import (
    OFFICIAL_LABEL,
    REFERENCE_LABEL,
    ImportFileError,
    import_official_list,
)
from knowledge.models import (
    BOOKING_STATUS_LABELS,
    ORIGIN_OFFICIAL,
    ORIGIN_REFERENCE,
    ORIGINS,
    Booking,
    BookingEvent,
    FaqEntry,
    NoPenaltyItem,
    Regulation,
    StaffUser,
    Topic,
    Town,
    UnansweredQuestion,
)
from knowledge.security import verify_password

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
TOPIC_LABELS = {
    "no_penalty": "首违不罚",
    "outdoor_dining": "外摆/出店经营",
    "dog": "犬类管理",
    "credit_repair": "信用修复",
    "checkup": "企业体检",
    "general": "综合",
}
ORIGIN_LABELS = {ORIGIN_OFFICIAL: OFFICIAL_LABEL, ORIGIN_REFERENCE: REFERENCE_LABEL}
UNANSWERED_STATUS = [("new", "待处理"), ("handled", "已处理"), ("ignored", "忽略")]
MAX_UPLOAD_BYTES = 5 * 1024 * 1024


class LinesField(TextAreaField):
    """A list of strings edited one per line (aliases, alternative questions, …)."""

    def _value(self) -> str:
        if isinstance(self.data, list):
            return "\n".join(str(x) for x in self.data)
        return self.data or ""

    def process_formdata(self, valuelist: list[Any]) -> None:
        text = valuelist[0] if valuelist else ""
        self.data = [line.strip() for line in str(text).splitlines() if line.strip()]


class StaffAuth(AuthenticationBackend):
    def __init__(self, secret_key: str, database_url: str) -> None:
        super().__init__(secret_key=secret_key)
        self.database_url = database_url

    async def login(self, request: Request) -> bool:
        form = await request.form()
        username = str(form.get("username", "")).strip()
        password = str(form.get("password", ""))
        with session_scope(self.database_url) as session:
            user = repositories.get_staff(session, username=username)
            ok = user is not None and user.active and verify_password(user.password_hash, password)
            if ok:
                request.session.update({"staff": user.username, "role": user.role})
        return ok

    async def logout(self, request: Request) -> bool:
        request.session.clear()
        return True

    async def authenticate(self, request: Request) -> bool:
        username = request.session.get("staff")
        if not username:
            return False
        with session_scope(self.database_url) as session:
            user = repositories.get_staff(session, username=username)
            return bool(user and user.active)


def actor(request: Request) -> str:
    return f"staff:{request.session.get('staff', 'unknown')}"


class StampedView(ModelView):
    """Marks every edit with the staff member who made it."""

    async def on_model_change(
        self, data: dict, model: Any, is_created: bool, request: Request
    ) -> None:
        data["updated_by"] = actor(request)


class FaqAdmin(StampedView, model=FaqEntry):
    name, name_plural, icon, category = (
        "常见问题",
        "常见问题",
        "fa-solid fa-circle-question",
        "知识库",
    )
    column_list: ClassVar = [
        FaqEntry.key,
        FaqEntry.topic,
        FaqEntry.question,
        FaqEntry.source,
        FaqEntry.active,
        FaqEntry.updated_by,
        FaqEntry.updated_at,
    ]
    column_searchable_list: ClassVar = [FaqEntry.question, FaqEntry.answer, FaqEntry.key]
    column_sortable_list: ClassVar = [FaqEntry.key, FaqEntry.topic, FaqEntry.updated_at]
    column_filters: ClassVar = [
        StaticValuesFilter(FaqEntry.topic, list(TOPIC_LABELS.items()), title="主题"),
        BooleanFilter(FaqEntry.active, title="启用"),
    ]
    form_columns: ClassVar = [
        FaqEntry.key,
        FaqEntry.topic,
        FaqEntry.question,
        FaqEntry.alt_questions,
        FaqEntry.answer,
        FaqEntry.source,
        FaqEntry.source_ref,
        FaqEntry.related,
        FaqEntry.valid_from,
        FaqEntry.valid_until,
        FaqEntry.active,
    ]
    form_overrides: ClassVar = {"alt_questions": LinesField, "related": LinesField}
    form_choices: ClassVar = {"topic": list(TOPIC_LABELS.items())}
    column_labels: ClassVar = {
        FaqEntry.key: "编号",
        FaqEntry.topic: "主题",
        FaqEntry.question: "问题",
        FaqEntry.alt_questions: "其他问法（每行一个）",
        FaqEntry.answer: "答案",
        FaqEntry.source: "依据（必填）",
        FaqEntry.source_ref: "来源文件或网址",
        FaqEntry.related: "相关问题编号（每行一个）",
        FaqEntry.valid_from: "生效日期",
        FaqEntry.valid_until: "失效日期",
        FaqEntry.active: "启用",
        FaqEntry.updated_by: "最后修改",
        FaqEntry.updated_at: "修改时间",
    }

    async def on_model_change(
        self, data: dict, model: Any, is_created: bool, request: Request
    ) -> None:
        if not str(data.get("source") or "").strip():
            raise ValueError("请填写答案的依据（法规条款、文件或“工作人员核实”及日期）。")
        await super().on_model_change(data, model, is_created, request)


class ItemAdmin(StampedView, model=NoPenaltyItem):
    name, name_plural, icon, category = (
        "不予处罚事项",
        "不予处罚事项",
        "fa-solid fa-list-check",
        "知识库",
    )
    column_list: ClassVar = [
        NoPenaltyItem.code,
        NoPenaltyItem.origin,
        NoPenaltyItem.domain,
        NoPenaltyItem.behavior,
        NoPenaltyItem.active,
        NoPenaltyItem.updated_by,
    ]
    column_searchable_list: ClassVar = [
        NoPenaltyItem.behavior,
        NoPenaltyItem.code,
        NoPenaltyItem.legal_basis,
    ]
    column_sortable_list: ClassVar = [NoPenaltyItem.code, NoPenaltyItem.domain]
    column_filters: ClassVar = [
        StaticValuesFilter(
            NoPenaltyItem.origin,
            list(ORIGIN_LABELS.items()),
            title="来源类型",
        ),
        AllUniqueStringValuesFilter(NoPenaltyItem.domain, title="领域"),
        BooleanFilter(NoPenaltyItem.active, title="启用"),
    ]
    form_excluded_columns: ClassVar = [
        NoPenaltyItem.created_at,
        NoPenaltyItem.updated_at,
        NoPenaltyItem.updated_by,
        NoPenaltyItem.extra,
    ]
    form_overrides: ClassVar = {"aliases": LinesField, "business_types": LinesField}
    form_choices: ClassVar = {"origin": [(o, ORIGIN_LABELS[o]) for o in ORIGINS]}
    column_labels: ClassVar = {
        NoPenaltyItem.code: "编码",
        NoPenaltyItem.origin: "来源类型",
        NoPenaltyItem.seq_no: "清单序号",
        NoPenaltyItem.domain: "领域",
        NoPenaltyItem.behavior: "违法行为",
        NoPenaltyItem.legal_basis: "法律依据",
        NoPenaltyItem.penalty_basis: "处罚依据",
        NoPenaltyItem.penalty_range: "罚则",
        NoPenaltyItem.conditions: "适用条件",
        NoPenaltyItem.correction_note: "整改提示",
        NoPenaltyItem.caution: "注意",
        NoPenaltyItem.enforcer: "执法部门",
        NoPenaltyItem.source: "来源",
        NoPenaltyItem.aliases: "俗称/别名（每行一个，用于搜索）",
        NoPenaltyItem.business_types: "适用经营类型（每行一个）",
        NoPenaltyItem.check_hint: "自查要点",
        NoPenaltyItem.fix_hint: "整改方法",
        NoPenaltyItem.active: "启用",
        NoPenaltyItem.updated_by: "最后修改",
    }


class TopicAdmin(StampedView, model=Topic):
    name, name_plural, icon, category = "主题概述", "主题概述", "fa-solid fa-book", "知识库"
    can_create = False
    can_delete = False
    column_list: ClassVar = [Topic.topic, Topic.title, Topic.source, Topic.updated_by]
    form_columns: ClassVar = [
        Topic.title,
        Topic.overview,
        Topic.source,
        Topic.source_ref,
        Topic.suggestions,
        Topic.unknowns,
    ]
    form_overrides: ClassVar = {"suggestions": LinesField, "unknowns": LinesField}
    column_labels: ClassVar = {
        Topic.topic: "主题",
        Topic.title: "标题",
        Topic.overview: "概述",
        Topic.source: "依据",
        Topic.source_ref: "来源文件",
        Topic.suggestions: "猜你想问（FAQ编号，每行一个）",
        Topic.unknowns: "尚无资料的事项（每行一个）",
        Topic.updated_by: "最后修改",
    }


class RegulationAdmin(ModelView, model=Regulation):
    name, name_plural, icon, category = (
        "法规版本提示",
        "法规版本提示",
        "fa-solid fa-scale-balanced",
        "知识库",
    )
    can_create = False
    can_edit = False
    can_delete = False
    column_list: ClassVar = [Regulation.name, Regulation.version, Regulation.version_warning]
    column_details_list: ClassVar = [
        Regulation.name,
        Regulation.version,
        Regulation.source,
        Regulation.version_warning,
    ]
    column_labels: ClassVar = {
        Regulation.name: "法规",
        Regulation.version: "版本",
        Regulation.source: "来源",
        Regulation.version_warning: "版本提示（上线前请核对现行文本）",
    }


class TownAdmin(ModelView, model=Town):
    name, name_plural, icon, category = "镇街", "镇街", "fa-solid fa-map-location-dot", "设置"
    can_delete = False
    column_list: ClassVar = [
        Town.name,
        Town.kind,
        Town.short_names,
        Town.active,
        Town.checkup_capacity,
    ]
    form_columns: ClassVar = [
        Town.name,
        Town.kind,
        Town.short_names,
        Town.active,
        Town.checkup_capacity,
    ]
    form_overrides: ClassVar = {"short_names": LinesField}
    column_labels: ClassVar = {
        Town.name: "名称",
        Town.kind: "类型",
        Town.short_names: "简称（每行一个）",
        Town.active: "本局服务",
        Town.checkup_capacity: "每半天体检名额（留空用默认值）",
    }


class UnansweredAdmin(ModelView, model=UnansweredQuestion):
    name, name_plural, icon, category = "未答问题", "未答问题", "fa-solid fa-comment-dots", "知识库"
    can_create = False
    column_list: ClassVar = [
        UnansweredQuestion.created_at,
        UnansweredQuestion.text,
        UnansweredQuestion.intent,
        UnansweredQuestion.confidence,
        UnansweredQuestion.reason,
        UnansweredQuestion.status,
    ]
    column_default_sort: ClassVar = [(UnansweredQuestion.created_at, True)]
    column_searchable_list: ClassVar = [UnansweredQuestion.text]
    column_filters: ClassVar = [
        StaticValuesFilter(UnansweredQuestion.status, UNANSWERED_STATUS, title="状态"),
        AllUniqueStringValuesFilter(UnansweredQuestion.reason, title="原因"),
    ]
    form_columns: ClassVar = [UnansweredQuestion.status, UnansweredQuestion.note]
    form_choices: ClassVar = {"status": UNANSWERED_STATUS}
    column_labels: ClassVar = {
        UnansweredQuestion.created_at: "时间",
        UnansweredQuestion.text: "用户问题",
        UnansweredQuestion.intent: "识别意图",
        UnansweredQuestion.confidence: "置信度",
        UnansweredQuestion.reason: "原因",
        UnansweredQuestion.status: "状态",
        UnansweredQuestion.note: "处理备注",
    }


STATUS_CHOICES = list(BOOKING_STATUS_LABELS.items())


def _event_line(event: BookingEvent) -> str:
    status = BOOKING_STATUS_LABELS.get(event.status, event.status)
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
    form_choices: ClassVar = {"status": STATUS_CHOICES}
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
        session = object_session(model)
        assert session is not None
        status = data.get("status", model.status)
        note = str(data.get("staff_note") or "")
        if status != model.status:
            booking.change_status(
                session,
                model,
                status,
                actor=actor(request),
                note=note if note != model.staff_note else "",
            )
        await super().on_model_change(data, model, is_created, request)


class BookingEventAdmin(ModelView, model=BookingEvent):
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


class StaffAdmin(ModelView, model=StaffUser):
    name, name_plural, icon, category = "工作人员", "工作人员", "fa-solid fa-user-shield", "设置"
    can_create = False  # accounts and passwords: `wxbot staff add NAME --role …`
    can_delete = False
    column_list: ClassVar = [
        StaffUser.username,
        StaffUser.role,
        StaffUser.active,
        StaffUser.created_at,
    ]
    form_columns: ClassVar = [StaffUser.role, StaffUser.active]
    form_choices: ClassVar = {"role": [("admin", "管理员"), ("editor", "编辑")]}
    column_labels: ClassVar = {
        StaffUser.username: "用户名",
        StaffUser.role: "角色",
        StaffUser.active: "启用",
        StaffUser.created_at: "创建时间",
    }

    def is_accessible(self, request: Request) -> bool:
        return request.session.get("role") == "admin"

    def is_visible(self, request: Request) -> bool:
        return self.is_accessible(request)


class ImportView(BaseView):
    name, icon, category = "导入官方清单", "fa-solid fa-file-import", "知识库"
    database_url: ClassVar[str | None] = None  # set by mount_admin

    @expose("/import-list", methods=["GET", "POST"])
    async def import_list(self, request: Request) -> Response:
        context: dict[str, Any] = {}
        if request.method == "POST":
            form = await request.form()
            upload = form.get("file")
            filename = getattr(upload, "filename", "") or ""
            suffix = Path(filename).suffix.lower()
            if suffix not in (".xlsx", ".csv"):
                context["error"] = "请选择 .xlsx 或 .csv 文件。"
            else:
                content = await upload.read(MAX_UPLOAD_BYTES + 1)  # type: ignore[union-attr]
                if len(content) > MAX_UPLOAD_BYTES:
                    context["error"] = "文件太大（最大 5MB）。"
                else:
                    context.update(
                        _import_bytes(content, suffix, filename, actor(request), self.database_url)
                    )
        return await self.templates.TemplateResponse(request, "admin_import.html", context)


def _import_bytes(
    content: bytes, suffix: str, filename: str, who: str, database_url: str | None
) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile(suffix=suffix) as handle:
        handle.write(content)
        handle.flush()
        try:
            with session_scope(database_url) as session:
                result = import_official_list(
                    session, Path(handle.name), actor=f"{who}:{filename}"[:80]
                )
        except ImportFileError as exc:
            return {"error": str(exc)}
    if not result.ok:
        return {
            "error": f"共 {len(result.problems)} 处问题，整份文件未导入：",
            "problems": [str(p) for p in result.problems],
        }
    return {"done": f"导入完成：{result.summary()}。"}


def mount_admin(app: FastAPI, database_url: str, secret_key: str) -> Admin:
    locale = install_chinese()
    ImportView.database_url = database_url
    admin = Admin(
        app,
        get_engine(database_url),
        title="吴兴综合执法智能助手 · 工作台",
        authentication_backend=StaffAuth(secret_key, database_url),
        templates_dir=str(TEMPLATES_DIR),
        i18n_config=I18nConfig(
            default_locale=locale, language_cookie_name=None, language_header_name=None
        ),
    )
    for view in (
        BookingAdmin,
        BookingEventAdmin,
        FaqAdmin,
        ItemAdmin,
        TopicAdmin,
        UnansweredAdmin,
        RegulationAdmin,
        TownAdmin,
        StaffAdmin,
        ImportView,
    ):
        admin.add_view(view)
    return admin
