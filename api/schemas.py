"""Request and response shapes of the public HTTP contract."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import Path
from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from typing_extensions import TypedDict  # pydantic needs this one before Python 3.12

from knowledge.cards import CardField, ItemCard

ID_PATTERN = r"^[A-Za-z0-9_\-:.]+$"


def _utc(value: dt.datetime) -> dt.datetime:
    """Times are stored in UTC; SQLite hands them back without the zone, which a browser would
    then read as its own local time (eight hours off in China)."""
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


UtcDatetime = Annotated[dt.datetime, AfterValidator(_utc)]

# The largest id a path accepts: the databases' 64-bit integer (a larger one is a 422, not an
# overflow inside the query).
MAX_ID = 2**63 - 1
RowId = Annotated[int, Path(ge=1, le=MAX_ID)]


class ErrorOut(BaseModel):
    """Every error the API answers: one Chinese sentence the user can act on."""

    detail: str = Field(examples=["请求内容不正确，请检查后重试"])


class SessionResponse(BaseModel):
    session_id: str


class ChatRequest(BaseModel):
    session_id: str = Field(min_length=1, max_length=100, pattern=ID_PATTERN)
    text: str
    # The client's id of this message: a retry sends the same one and gets the first answer.
    message_id: str | None = Field(default=None, min_length=1, max_length=64, pattern=ID_PATTERN)


class Button(BaseModel):
    title: str
    payload: str


class HotQuestionsResponse(BaseModel):
    questions: list[Button]


class TextMessage(BaseModel):
    type: Literal["text"] = "text"
    text: str
    # The addresses in `text` the page may show as links (hosts of settings.link_hosts).
    links: list[str] = []


class ButtonsMessage(BaseModel):
    type: Literal["buttons"] = "buttons"
    text: str  # may be empty: the buttons of the card before it
    buttons: list[Button]
    links: list[str] = []


class BookingCard(TypedDict):
    """A checkup booking to check before it is submitted, or its confirmation (the domain
    responses utter_booking_summary and utter_checkup_submitted)."""

    kind: Literal["booking_summary", "booking_submitted"]
    title: str
    fields: list[CardField]
    note: str


Card = Annotated[ItemCard | BookingCard, Field(discriminator="kind")]


class CardMessage(BaseModel):
    type: Literal["card"] = "card"
    card: Card


Message = TextMessage | ButtonsMessage | CardMessage


class ChatResponse(BaseModel):
    session_id: str
    messages: list[Message]
    message_id: str | None = None


class ChatErrorOut(ErrorOut):
    """A chat turn that got no answer: the message also as a chat bubble, so the page shows it
    in the conversation (absent when the request itself could not be read)."""

    session_id: str | None = None
    messages: list[TextMessage] = []


class HistoryTurn(BaseModel):
    message_id: str
    text: str
    messages: list[Message]
    time: UtcDatetime


class HistoryResponse(BaseModel):
    session_id: str
    turns: list[HistoryTurn]


class FeedbackRequest(BaseModel):
    session_id: str = Field(min_length=1, max_length=100, pattern=ID_PATTERN)
    message_id: str = Field(min_length=1, max_length=64, pattern=ID_PATTERN)
    rating: Literal["up", "down"]
    comment: str = Field(default="", max_length=500)


class FeedbackResponse(BaseModel):
    rating: Literal["up", "down"]
    message: str


class ItemOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str
    domain: str
    behavior: str
    legal_basis: str
    penalty_basis: str
    penalty_range: str
    penalty_label: str
    fine_structure: str
    fine_condition: str
    penalty_quote: str
    # The contract's names, with what the card shows: an official row's own 适用条件, else
    # 第三十三条; the item's correction note, else the one its fine structure implies.
    conditions: str = Field(validation_alias="conditions_text")
    correction_note: str = Field(validation_alias="correction_text")
    caution: str
    enforcer: str
    source: str
    origin: str
    origin_label: str
    business_types: list[str]
    check_hint: str
    fix_hint: str
    score: float | None = None


class ItemsResponse(BaseModel):
    items: list[ItemOut]
    total: int
    message: str | None = None


class HealthResponse(BaseModel):
    status: Literal["ok", "degraded"]
    rasa: str
    actions: str
    db: str


class BookingOut(BaseModel):
    reference: str
    company_name: str
    town: str
    date: dt.date
    half_day: str
    when: str
    status: str
    status_label: str
    staff_note: str
    phone: str  # masked
    history: list[dict[str, str]]
