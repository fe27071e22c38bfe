"""Tables of the knowledge base (SQLAlchemy 2.0, typed)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Boolean, Date, DateTime, Float, Integer, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, TimestampMixin, utcnow
from knowledge import texts

ORIGIN_REFERENCE = "reference"
ORIGIN_OFFICIAL = "official_list"
# The one registry of origins: the label the console, the API and the list files show.
ORIGIN_LABELS = {ORIGIN_OFFICIAL: "官方清单", ORIGIN_REFERENCE: "参考事项"}

# How a penalty clause ties the fine to correcting (the sources' `fine_structure`):
# fined together with the order to correct; fined only after failing to correct; no fine at all.
# An item whose structure nobody has recorded (e.g. a freshly imported official row) has "".
FINE_WITH_ORDER = "with_order_to_correct"
FINE_AFTER_FAILURE = "after_failure_to_correct"
NO_FINE = "no_fine"
FINE_STRUCTURES = (FINE_WITH_ORDER, FINE_AFTER_FAILURE, NO_FINE)
FINE_STRUCTURE_LABELS = {
    FINE_WITH_ORDER: "责令改正并处罚款（罚款不以逾期不改正为前提）",
    FINE_AFTER_FAILURE: "逾期不改正才罚款",
    NO_FINE: "本条未设罚款",
    "": "未填写",
}


class NoPenaltyItem(TimestampMixin, Base):
    """One matter on which a minor violation may go unpunished."""

    __tablename__ = "no_penalty_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    origin: Mapped[str] = mapped_column(String(20), index=True)
    seq_no: Mapped[int | None] = mapped_column(Integer)  # 序号 on the official list
    domain: Mapped[str] = mapped_column(String(60), index=True)
    behavior: Mapped[str] = mapped_column(Text)
    legal_basis: Mapped[str] = mapped_column(Text)
    penalty_basis: Mapped[str] = mapped_column(Text, default="")
    penalty_range: Mapped[str] = mapped_column(Text, default="")
    fine_structure: Mapped[str] = mapped_column(String(30), default="")
    fine_condition: Mapped[str] = mapped_column(Text, default="")  # e.g. only 情节严重的
    penalty_quote: Mapped[str] = mapped_column(Text, default="")  # the clause, verbatim
    conditions: Mapped[str] = mapped_column(Text, default="")
    correction_note: Mapped[str] = mapped_column(Text, default="")
    caution: Mapped[str] = mapped_column(Text, default="")
    enforcer: Mapped[str] = mapped_column(String(80), default="")
    source: Mapped[str] = mapped_column(Text, default="")
    aliases: Mapped[list[str]] = mapped_column(default=list)
    business_types: Mapped[list[str]] = mapped_column(default=list)
    check_hint: Mapped[str] = mapped_column(Text, default="")
    fix_hint: Mapped[str] = mapped_column(Text, default="")
    extra: Mapped[dict[str, Any]] = mapped_column(default=dict)  # extra columns of an import
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    @property
    def origin_label(self) -> str:
        return ORIGIN_LABELS.get(self.origin, self.origin)

    @property
    def penalty_label(self) -> str:
        """ "可能的处罚" / "逾期不改正的处罚" / "罚则（本条未设罚款）", from fine_structure."""
        return texts.PENALTY_LABELS.get(self.fine_structure, texts.PENALTY_LABELS[""])

    @property
    def conditions_text(self) -> str:
        """The item's own 适用条件 (official rows), else what 第三十三条 says."""
        return self.conditions or texts.ARTICLE_33_CONDITIONS

    @property
    def correction_text(self) -> str:
        return self.correction_note or texts.CORRECTION_NOTES.get(self.fine_structure, "")

    def __str__(self) -> str:
        return f"{self.code} {self.behavior[:30]}"


class FaqEntry(TimestampMixin, Base):
    __tablename__ = "faq_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    topic: Mapped[str] = mapped_column(String(30), index=True)
    question: Mapped[str] = mapped_column(Text)
    alt_questions: Mapped[list[str]] = mapped_column(default=list)
    answer: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(Text, default="")
    source_ref: Mapped[str] = mapped_column(Text, default="")
    related: Mapped[list[str]] = mapped_column(default=list)
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    valid_until: Mapped[dt.date | None] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    def __str__(self) -> str:
        return self.question


class Topic(TimestampMixin, Base):
    """The facts the assistant states about a whole topic (overview, suggestions, gaps)."""

    __tablename__ = "topics"

    id: Mapped[int] = mapped_column(primary_key=True)
    topic: Mapped[str] = mapped_column(String(30), unique=True)
    title: Mapped[str] = mapped_column(String(60))
    overview: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(Text, default="")
    source_ref: Mapped[str] = mapped_column(Text, default="")
    suggestions: Mapped[list[str]] = mapped_column(default=list)  # FAQ keys for 猜你想问
    unknowns: Mapped[list[str]] = mapped_column(default=list)  # details we do not have

    def __str__(self) -> str:
        return self.title


class Regulation(TimestampMixin, Base):
    """A law or regulation the knowledge base cites, with notes staff must check."""

    __tablename__ = "regulations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    version: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(Text, default="")
    version_warning: Mapped[str] = mapped_column(Text, default="")

    def __str__(self) -> str:
        return self.name


class Town(Base):
    """A 镇/街道/乡 of the district."""

    __tablename__ = "towns"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(10))
    short_names: Mapped[list[str]] = mapped_column(default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Checkups per half-day in this town; empty means the CHECKUP_CAPACITY setting.
    checkup_capacity: Mapped[int | None] = mapped_column(Integer)

    def __str__(self) -> str:
        return self.name


class UnansweredQuestion(Base):
    """A user message the assistant could not answer, kept for staff to review."""

    __tablename__ = "unanswered_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    intent: Mapped[str | None] = mapped_column(String(60))
    confidence: Mapped[float | None] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(String(40), default="fallback")
    status: Mapped[str] = mapped_column(String(20), default="new")  # new / handled / ignored
    note: Mapped[str] = mapped_column(Text, default="")
    # The tracker-store event of the message, when staff sent it here from the conversations.
    source_event: Mapped[int | None] = mapped_column(Integer, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, server_default=func.now()
    )

    def __str__(self) -> str:
        return self.text[:40]


class TrainingPhrase(TimestampMixin, Base):
    """A message staff said the NLU should have read as `intent`: an example of that intent
    in the next training (knowledge/nlu_export.py)."""

    __tablename__ = "training_phrases"

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    intent: Mapped[str] = mapped_column(String(60), index=True)
    source_event: Mapped[int | None] = mapped_column(Integer, index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    def __str__(self) -> str:
        return f"{self.intent}: {self.text[:30]}"


class HotQuestion(TimestampMixin, Base):
    """A question staff put in front of people (热点问题): offered as buttons with the
    greeting and when the chat opens, in `position` order. Tapping one asks it as typed."""

    __tablename__ = "hot_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    question: Mapped[str] = mapped_column(String(60), unique=True)
    position: Mapped[int] = mapped_column(Integer, default=100)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    def __str__(self) -> str:
        return self.question


# Where a channel is offered: when someone asks for a person (转人工), or wants to report
# something (投诉举报).
CHANNEL_PURPOSES = {"handoff": "转人工", "report": "投诉举报"}


class ServiceChannel(TimestampMixin, Base):
    """A way to reach people at the bureau or the district (12345, the town squads, a
    window staff add once they have its details): listed, in `position` order, when the
    assistant hands a conversation over or someone wants to report something."""

    __tablename__ = "service_channels"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    # The line shown, as people read it: "拨打12345政务服务热线，说明是综合行政执法方面的问题".
    text: Mapped[str] = mapped_column(Text)
    purposes: Mapped[list[str]] = mapped_column(default=list)
    position: Mapped[int] = mapped_column(Integer, default=100)
    source: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    def __str__(self) -> str:
        return self.text[:40]
