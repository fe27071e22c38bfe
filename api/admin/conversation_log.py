"""What people asked and what the bot did, read from Rasa's own tracker store.

Rasa's SQL tracker store keeps every event of every conversation in one table (`events`:
sender_id, type_name, timestamp, intent_name, action_name, data as JSON). The console reads
it as Rasa X did: a user message, the intent and confidence the NLU gave it, the actions that
followed and what the bot said, until the next user message. Personal data (mobile numbers,
credit codes) is masked before anything leaves this module.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import inspect, select

from core.db import get_engine
from core.security import mask_personal_data
from core.tracker_store import EVENTS
from knowledge.topics import registry

# What the bot says when it has no answer (bot/domain), whatever the intent was: a message
# the NLU could not place but the knowledge base answered counts as answered.
FALLBACK_RESPONSES = frozenset({"utter_fallback", "utter_out_of_scope"})
CHOICE_RESPONSES = frozenset({"utter_did_you_mean", "utter_item_choices"})
# Rasa's own bookkeeping actions: not what the bot did for the user.
_HOUSEKEEPING = frozenset({"action_listen", "action_session_start", "action_extract_slots"})


@dataclass
class LoggedMessage:
    """One user message and what followed it."""

    event_id: int
    conversation: str  # a short digest of the sender id: the id itself lets one continue it
    sender_id: str
    at: dt.datetime
    text: str
    intent: str | None
    confidence: float | None
    actions: list[str] = field(default_factory=list)
    replies: list[str] = field(default_factory=list)
    responses: list[str] = field(default_factory=list)  # the domain responses uttered
    message_id: str | None = None  # the channel's id of the message (its metadata)
    rating: str | None = None  # 👍 "up" / 👎 "down" when the user rated the answer
    comment: str = ""

    @property
    def fallback(self) -> bool:
        return any(r in FALLBACK_RESPONSES for r in self.responses)

    @property
    def outcome(self) -> str:
        """answered / choices (a "您是不是想问" list) / fallback."""
        if self.fallback:
            return "fallback"
        if any(r in CHOICE_RESPONSES for r in self.responses):
            return "choices"
        return "answered"


@dataclass(frozen=True)
class MessageFilter:
    since: dt.date | None = None
    until: dt.date | None = None
    intent: str | None = None
    topic: str | None = None  # a topic key of the registry: messages of its intents
    below_confidence: float | None = None  # only messages the NLU was less sure of
    fallback_only: bool = False
    thumbs_down_only: bool = False
    sender_id: str | None = None

    def accepts(self, m: LoggedMessage) -> bool:
        if self.intent and m.intent != self.intent:
            return False
        if self.topic:
            spec = registry().by_intent(m.intent)
            if spec is None or spec.key != self.topic:
                return False
        if self.below_confidence is not None and (m.confidence or 0.0) >= self.below_confidence:
            return False
        if self.thumbs_down_only and m.rating != "down":
            return False
        return not (self.fallback_only and not m.fallback)


def conversation_digest(sender_id: str) -> str:
    return hashlib.sha256(sender_id.encode()).hexdigest()[:10]


def _stamp(day: dt.date) -> float:
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC).timestamp()


def _rows(url: str, f: MessageFilter) -> Iterator[Any]:
    query = select(EVENTS).where(EVENTS.c.type_name.in_(("user", "action", "bot")))
    if f.since:
        query = query.where(EVENTS.c.timestamp >= _stamp(f.since))
    if f.until:
        query = query.where(EVENTS.c.timestamp < _stamp(f.until + dt.timedelta(days=1)))
    if f.sender_id:
        query = query.where(EVENTS.c.sender_id == f.sender_id)
    query = query.order_by(EVENTS.c.sender_id, EVENTS.c.id)
    engine = get_engine(url)
    if not inspect(engine).has_table("events"):
        return  # Rasa has not stored a conversation yet
    with engine.connect() as conn:
        yield from conn.execute(query)


def _messages(rows: Iterable[Any]) -> Iterator[LoggedMessage]:
    current: LoggedMessage | None = None
    for row in rows:
        data = json.loads(row.data or "{}")
        if row.type_name == "user":
            if current is not None:
                yield current
            intent = (data.get("parse_data") or {}).get("intent") or {}
            current = LoggedMessage(
                event_id=row.id,
                conversation=conversation_digest(row.sender_id),
                sender_id=row.sender_id,
                at=dt.datetime.fromtimestamp(row.timestamp or 0, tz=dt.UTC),
                text=mask_personal_data(data.get("text") or ""),
                intent=row.intent_name or intent.get("name"),
                confidence=intent.get("confidence"),
                message_id=(data.get("metadata") or {}).get("message_id"),
            )
        elif current is not None and row.sender_id == current.sender_id:
            if row.type_name == "action" and row.action_name not in _HOUSEKEEPING:
                current.actions.append(row.action_name)
            elif row.type_name == "bot":
                if data.get("text"):
                    current.replies.append(mask_personal_data(data["text"]))
                response = (data.get("metadata") or {}).get("utter_action")
                if response:
                    current.responses.append(response)
    if current is not None:
        yield current


Ratings = Mapping[tuple[str, str], tuple[str, str]]  # (sender, message id) -> (rating, comment)


def _rated(messages: Iterable[LoggedMessage], ratings: Ratings) -> Iterator[LoggedMessage]:
    for m in messages:
        if m.message_id and (m.sender_id, m.message_id) in ratings:
            m.rating, m.comment = ratings[(m.sender_id, m.message_id)]
        yield m


def recent_messages(
    url: str, f: MessageFilter, *, limit: int = 200, ratings: Ratings | None = None
) -> list[LoggedMessage]:
    """The newest user messages that pass the filter, newest first (with the 👍/👎 given)."""
    found = [m for m in _rated(_messages(_rows(url, f)), ratings or {}) if f.accepts(m)]
    found.sort(key=lambda m: (m.at, m.event_id), reverse=True)
    return found[:limit]


def conversation(
    url: str, sender_id: str, *, ratings: Ratings | None = None
) -> list[LoggedMessage]:
    """One whole conversation, in order."""
    return list(_rated(_messages(_rows(url, MessageFilter(sender_id=sender_id))), ratings or {}))
