"""What the channels record of a conversation, beside Rasa's own tracker: each turn under the
client's message id (so a retried message is answered once, and a reload can show the history)
and the 👍/👎 people give an answer, with the question, the answer and the model that gave it.

Phone numbers and credit codes are masked before anything is stored here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, String, Text, UniqueConstraint, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from core.db import Base, utcnow
from core.security import mask_everywhere, mask_personal_data
from knowledge import bot_models

PENDING, DONE = "pending", "done"
RATINGS = {"up": "👍", "down": "👎"}
# A pending turn older than this is taken to be lost (its worker died mid-turn): a retry
# answers it afresh.
STALE_SECONDS = 60


class ChatTurn(Base):
    __tablename__ = "chat_turns"
    __table_args__ = (UniqueConstraint("session_id", "message_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[str] = mapped_column(String(100), index=True)
    message_id: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(20), default="web")
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default=PENDING)
    messages: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    model: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def answer_text(self) -> str:
        """The answer as one text, for staff reading the feedback."""
        parts = []
        for message in self.messages:
            if message.get("text"):
                parts.append(str(message["text"]))
            card = message.get("card")
            if isinstance(card, dict) and card.get("title"):
                parts.append(f"[卡片] {card['title']}")
        return "\n".join(parts)


class Feedback(Base):
    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    turn_id: Mapped[int] = mapped_column(ForeignKey("chat_turns.id"), unique=True)
    rating: Mapped[str] = mapped_column(String(4))
    comment: Mapped[str] = mapped_column(Text, default="")
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)
    model: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow, index=True
    )
    turn: Mapped[ChatTurn] = relationship()

    @property
    def rating_label(self) -> str:
        return RATINGS.get(self.rating, self.rating)


def claim_turn(
    session: Session,
    *,
    session_id: str,
    message_id: str,
    text: str,
    channel: str = "web",
    now: dt.datetime | None = None,
) -> tuple[ChatTurn, bool]:
    """The turn of this message id, and whether this request is the one to answer it (False:
    another request has, or is answering it). Commits the claim, so other workers see it."""
    now = now or utcnow()
    turn = ChatTurn(
        session_id=session_id,
        message_id=message_id,
        channel=channel,
        text=mask_personal_data(text),
        created_at=now,
    )
    session.add(turn)
    try:
        session.commit()
        return turn, True
    except IntegrityError:
        session.rollback()
    existing = find_turn(session, session_id=session_id, message_id=message_id)
    assert existing is not None
    if existing.status == PENDING and is_stale(existing, now):
        existing.created_at = now
        session.commit()
        return existing, True
    return existing, False


def is_stale(turn: ChatTurn, now: dt.datetime) -> bool:
    """Whether a turn is older than STALE_SECONDS (a pending one: its worker is taken to have
    died mid-turn)."""
    created = turn.created_at
    if created.tzinfo is None:  # SQLite hands back naive UTC
        created = created.replace(tzinfo=dt.UTC)
    return (now - created).total_seconds() > STALE_SECONDS


def answer_of(turn: ChatTurn) -> list[dict[str, Any]] | None:
    """The stored answer of an answered turn; None while it is being answered."""
    return list(turn.messages) if turn.status == DONE else None


def find_turn(session: Session, *, session_id: str, message_id: str) -> ChatTurn | None:
    return session.scalar(
        select(ChatTurn).where(ChatTurn.session_id == session_id, ChatTurn.message_id == message_id)
    )


def finish_turn(
    session: Session, turn_id: int, messages: list[dict[str, Any]], model: str | None = None
) -> None:
    """Store the answer, masked (the history and a retry show 138****5678, never the number),
    with the model that gave it: the live one unless `model` says otherwise."""
    model = bot_models.live_filename(session) if model is None else model
    session.execute(
        update(ChatTurn)
        .where(ChatTurn.id == turn_id)
        .values(status=DONE, messages=mask_everywhere(messages), model=model)
    )
    session.commit()


def release_turn(session: Session, turn_id: int) -> None:
    """The turn could not be answered (Rasa down): forget it, so the retry is answered."""
    turn = session.get(ChatTurn, turn_id)
    if turn is not None and turn.status == PENDING:
        session.delete(turn)
        session.commit()


def history(session: Session, session_id: str, limit: int = 200) -> list[ChatTurn]:
    """The answered turns of a conversation, oldest first."""
    rows = session.scalars(
        select(ChatTurn)
        .where(ChatTurn.session_id == session_id, ChatTurn.status == DONE)
        .order_by(ChatTurn.id.desc())
        .limit(limit)
    )
    return list(reversed(list(rows)))


def offered_payloads(session: Session, session_id: str) -> set[str]:
    """The payloads of every button the bot showed in this conversation."""
    return {
        str(button.get("payload", ""))
        for turn in history(session, session_id)
        for message in turn.messages or []
        for button in message.get("buttons", []) or []
    }


def rate(
    session: Session, *, session_id: str, message_id: str, rating: str, comment: str = ""
) -> Feedback | None:
    """Store (or change) the rating of an answered turn; None when there is no such turn."""
    turn = find_turn(session, session_id=session_id, message_id=message_id)
    if turn is None or turn.status != DONE:
        return None
    feedback = session.scalar(select(Feedback).where(Feedback.turn_id == turn.id))
    if feedback is None:
        feedback = Feedback(turn_id=turn.id, question=turn.text, answer=turn.answer_text())
        session.add(feedback)
    feedback.rating, feedback.model = rating, turn.model
    feedback.comment = mask_personal_data(comment.strip())[:500]
    session.flush()
    return feedback


def feedback_between(
    session: Session, since: dt.datetime | None = None, until: dt.datetime | None = None
) -> list[Feedback]:
    query = select(Feedback).order_by(Feedback.id)
    if since is not None:
        query = query.where(Feedback.created_at >= since)
    if until is not None:
        query = query.where(Feedback.created_at < until)
    return list(session.scalars(query))


def ratings(session: Session) -> dict[tuple[str, str], tuple[str, str]]:
    """(session id, message id) -> (rating, comment) of every rated answer."""
    rows = session.execute(
        select(ChatTurn.session_id, ChatTurn.message_id, Feedback.rating, Feedback.comment).join(
            Feedback, Feedback.turn_id == ChatTurn.id
        )
    )
    return {(r.session_id, r.message_id): (r.rating, r.comment) for r in rows}
