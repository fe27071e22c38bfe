"""The console's knowledge views: FAQ, items, topics, regulations, towns, unanswered."""

from __future__ import annotations

from typing import Any, ClassVar

from sqladmin.filters import AllUniqueStringValuesFilter, BooleanFilter, StaticValuesFilter
from starlette.requests import Request
from wtforms import SelectField, SelectMultipleField
from wtforms.validators import DataRequired

from api.admin.audit_log import ConsoleView
from api.admin.common import LinesField, StampedView
from knowledge.models import (
    CHANNEL_PURPOSES,
    FINE_STRUCTURE_LABELS,
    ORIGIN_LABELS,
    FaqEntry,
    HotQuestion,
    NoPenaltyItem,
    Regulation,
    ServiceChannel,
    Topic,
    Town,
    UnansweredQuestion,
)
from knowledge.topics import registry

TOPIC_LABELS = registry().console_labels
UNANSWERED_STATUS = [("new", "待处理"), ("handled", "已处理"), ("ignored", "忽略")]


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
    form_overrides: ClassVar = {
        "alt_questions": LinesField,
        "related": LinesField,
        "topic": SelectField,
    }
    form_args: ClassVar = {"topic": {"choices": list(TOPIC_LABELS.items())}}
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
        NoPenaltyItem.fine_structure,
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
        StaticValuesFilter(
            NoPenaltyItem.fine_structure,
            list(FINE_STRUCTURE_LABELS.items()),
            title="罚款与改正",
        ),
        BooleanFilter(NoPenaltyItem.active, title="启用"),
    ]
    form_excluded_columns: ClassVar = [
        NoPenaltyItem.created_at,
        NoPenaltyItem.updated_at,
        NoPenaltyItem.updated_by,
        NoPenaltyItem.extra,
    ]
    form_overrides: ClassVar = {
        "aliases": LinesField,
        "business_types": LinesField,
        "origin": SelectField,
        "fine_structure": SelectField,
    }
    column_formatters: ClassVar = {
        NoPenaltyItem.origin: lambda m, a: m.origin_label,
        NoPenaltyItem.fine_structure: lambda m, a: FINE_STRUCTURE_LABELS.get(m.fine_structure, ""),
    }
    column_formatters_detail: ClassVar = column_formatters
    form_args: ClassVar = {
        "origin": {"choices": list(ORIGIN_LABELS.items())},
        "fine_structure": {"choices": list(FINE_STRUCTURE_LABELS.items())},
    }
    column_labels: ClassVar = {
        NoPenaltyItem.code: "编码",
        NoPenaltyItem.origin: "来源类型",
        NoPenaltyItem.seq_no: "清单序号",
        NoPenaltyItem.domain: "领域",
        NoPenaltyItem.behavior: "违法行为",
        NoPenaltyItem.legal_basis: "法律依据",
        NoPenaltyItem.penalty_basis: "处罚依据",
        NoPenaltyItem.penalty_range: "罚则",
        NoPenaltyItem.fine_structure: "罚款与改正的关系（决定机器人怎么说罚款）",
        NoPenaltyItem.fine_condition: "罚款的其他条件（如情节严重的）",
        NoPenaltyItem.penalty_quote: "罚则原文（逐字摘录）",
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


class RegulationAdmin(ConsoleView, model=Regulation):
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


class TownAdmin(ConsoleView, model=Town):
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


class HotQuestionAdmin(StampedView, model=HotQuestion):
    name, name_plural, icon, category = "热点问题", "热点问题", "fa-solid fa-fire", "知识库"
    column_list: ClassVar = [HotQuestion.position, HotQuestion.question, HotQuestion.active]
    column_default_sort: ClassVar = [(HotQuestion.position, False)]
    form_columns: ClassVar = [HotQuestion.question, HotQuestion.position, HotQuestion.active]
    column_labels: ClassVar = {
        HotQuestion.question: "问题（用户点按后按原话提问，宜与某条 FAQ 的问题一致）",
        HotQuestion.position: "排序（小的在前）",
        HotQuestion.active: "显示",
    }


class ServiceChannelAdmin(StampedView, model=ServiceChannel):
    name, name_plural, icon, category = "服务渠道", "服务渠道", "fa-solid fa-headset", "知识库"
    column_list: ClassVar = [
        ServiceChannel.position,
        ServiceChannel.text,
        ServiceChannel.purposes,
        ServiceChannel.active,
    ]
    column_default_sort: ClassVar = [(ServiceChannel.position, False)]
    form_columns: ClassVar = [
        ServiceChannel.key,
        ServiceChannel.text,
        ServiceChannel.purposes,
        ServiceChannel.position,
        ServiceChannel.source,
        ServiceChannel.active,
    ]
    form_overrides: ClassVar = {"purposes": SelectMultipleField}
    form_args: ClassVar = {
        "purposes": {"choices": list(CHANNEL_PURPOSES.items()), "validators": [DataRequired()]}
    }
    column_formatters: ClassVar = {
        ServiceChannel.purposes: lambda m, a: "、".join(
            CHANNEL_PURPOSES.get(p, p) for p in m.purposes
        )
    }
    column_labels: ClassVar = {
        ServiceChannel.key: "编号",
        ServiceChannel.text: "显示的文字（电话、地址、时间只填核实过的）",
        ServiceChannel.purposes: "用于",
        ServiceChannel.position: "排序（小的在前）",
        ServiceChannel.source: "来源",
        ServiceChannel.active: "启用",
    }


class UnansweredAdmin(ConsoleView, model=UnansweredQuestion):
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
    audit_columns: ClassVar = ("status", "note")
    column_labels: ClassVar = {
        UnansweredQuestion.created_at: "时间",
        UnansweredQuestion.text: "用户问题",
        UnansweredQuestion.intent: "识别意图",
        UnansweredQuestion.confidence: "置信度",
        UnansweredQuestion.reason: "原因",
        UnansweredQuestion.status: "状态",
        UnansweredQuestion.note: "处理备注",
    }
