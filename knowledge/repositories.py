"""Queries over the knowledge base. Keyword-only arguments; callers own the session."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from core.security import mask_personal_data
from knowledge.models import (
    FaqEntry,
    HotQuestion,
    NoPenaltyItem,
    ServiceChannel,
    Town,
    TrainingPhrase,
    UnansweredQuestion,
)


# --------------------------------------------------------------------------- items
def active_items(session: Session) -> Sequence[NoPenaltyItem]:
    stmt = select(NoPenaltyItem).where(NoPenaltyItem.active.is_(True)).order_by(NoPenaltyItem.id)
    return session.scalars(stmt).all()


def get_item(session: Session, *, item_id: int) -> NoPenaltyItem | None:
    return session.get(NoPenaltyItem, item_id)


def get_item_by_code(session: Session, *, code: str) -> NoPenaltyItem | None:
    return session.scalar(select(NoPenaltyItem).where(NoPenaltyItem.code == code))


def list_items(
    session: Session,
    *,
    domain: str | None = None,
    business_type: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[NoPenaltyItem], int]:
    """Items in list order, optionally restricted to a domain or a business type."""
    items = [i for i in active_items(session) if item_matches(i, domain, business_type)]
    return items[offset : offset + limit], len(items)


def item_matches(item: NoPenaltyItem, domain: str | None, business_type: str | None) -> bool:
    if domain and domain not in item.domain:
        return False
    return not business_type or business_type in (item.business_types or [])


# --------------------------------------------------------------------------- FAQ
def active_faqs(session: Session, *, today: dt.date | None = None) -> Sequence[FaqEntry]:
    """FAQ entries in force today (a rule with a start or end date only shows in its time)."""
    today = today or dt.date.today()
    stmt = (
        select(FaqEntry)
        .where(FaqEntry.active.is_(True))
        .where(or_(FaqEntry.valid_from.is_(None), FaqEntry.valid_from <= today))
        .where(or_(FaqEntry.valid_until.is_(None), FaqEntry.valid_until >= today))
        .order_by(FaqEntry.id)
    )
    return session.scalars(stmt).all()


def get_faq(session: Session, *, key: str) -> FaqEntry | None:
    return session.scalar(select(FaqEntry).where(FaqEntry.key == key))


# --------------------------------------------------------------------------- topics


# --------------------------------------------------------------------------- towns
def active_towns(session: Session) -> Sequence[Town]:
    return session.scalars(select(Town).where(Town.active.is_(True)).order_by(Town.id)).all()


def find_town(session: Session, *, text: str) -> Town | None:
    """The town named in the text, by full or short name (longest name wins)."""
    best: tuple[int, Town] | None = None
    for town in active_towns(session):
        for name in (town.name, *(town.short_names or [])):
            if name and name in text and (best is None or len(name) > best[0]):
                best = (len(name), town)
    return best[1] if best else None


# --------------------------------------------------------------------------- unanswered
def record_unanswered(
    session: Session,
    *,
    text: str,
    intent: str | None,
    confidence: float | None,
    reason: str,
    source_event: int | None = None,
) -> UnansweredQuestion:
    entry = UnansweredQuestion(
        text=mask_personal_data(text)[:1000],  # kept for staff: never a phone or credit code
        intent=intent,
        confidence=confidence,
        reason=reason,
        source_event=source_event,
    )
    session.add(entry)
    session.flush()
    return entry


# --------------------------------------------------------------------------- staff review


def new_unanswered(session: Session, *, limit: int = 1000) -> Sequence[UnansweredQuestion]:
    """Questions waiting for staff, newest first."""
    stmt = (
        select(UnansweredQuestion)
        .where(UnansweredQuestion.status == "new")
        .order_by(UnansweredQuestion.created_at.desc(), UnansweredQuestion.id.desc())
        .limit(limit)
    )
    return session.scalars(stmt).all()


def active_training_phrases(session: Session) -> Sequence[TrainingPhrase]:
    stmt = select(TrainingPhrase).where(TrainingPhrase.active.is_(True)).order_by(TrainingPhrase.id)
    return session.scalars(stmt).all()


def teach_intent(
    session: Session, *, text: str, intent: str, source_event: int | None, actor: str
) -> TrainingPhrase:
    """Staff say this message is an example of `intent` (used from the next training)."""
    phrase = TrainingPhrase(
        text=text.strip()[:500], intent=intent, source_event=source_event, updated_by=actor
    )
    session.add(phrase)
    session.flush()
    return phrase


def handled_events(session: Session, events: Iterable[int]) -> set[int]:
    """Which of these tracker events staff already sent somewhere (training or the
    unanswered questions)."""
    ids = list(events)
    taught = select(TrainingPhrase.source_event).where(TrainingPhrase.source_event.in_(ids))
    queued = select(UnansweredQuestion.source_event).where(UnansweredQuestion.source_event.in_(ids))
    return {e for e in session.scalars(taught.union(queued)) if e is not None}


def waiting_unanswered(session: Session, ids: Iterable[int]) -> Sequence[UnansweredQuestion]:
    """Those of these questions still waiting for staff, in the order they came."""
    stmt = (
        select(UnansweredQuestion)
        .where(UnansweredQuestion.id.in_(list(ids)), UnansweredQuestion.status == "new")
        .order_by(UnansweredQuestion.id)
    )
    return session.scalars(stmt).all()


def mark_unanswered(session: Session, ids: Iterable[int], status: str, note: str = "") -> int:
    rows = session.scalars(select(UnansweredQuestion).where(UnansweredQuestion.id.in_(list(ids))))
    count = 0
    for row in rows:
        row.status, row.note = status, note[:500]
        count += 1
    return count


def create_faq_from_questions(
    session: Session,
    *,
    questions: Sequence[str],
    topic: str,
    answer: str,
    source: str,
    actor: str,
) -> FaqEntry:
    """A new FAQ entry asked as `questions[0]`, the others its phrasings; live at the next
    turn (the search reads it), in the NLU at the next training."""
    taken = set(session.scalars(select(FaqEntry.key)))
    n = 1
    while f"staff-{n}" in taken:
        n += 1
    first, *others = [q.strip() for q in questions if q.strip()]
    entry = FaqEntry(
        key=f"staff-{n}",
        topic=topic,
        question=first,
        alt_questions=list(dict.fromkeys(o for o in others if o != first)),
        answer=answer.strip(),
        source=source.strip(),
        updated_by=actor,
    )
    session.add(entry)
    session.flush()
    return entry


def add_faq_phrasings(session: Session, *, key: str, phrasings: Sequence[str], actor: str) -> int:
    """Add questions as further phrasings of an FAQ entry; how many were new."""
    entry = get_faq(session, key=key)
    if entry is None:
        raise LookupError(key)
    known = {entry.question, *entry.alt_questions}
    new = [p.strip() for p in phrasings if p.strip() and p.strip() not in known]
    if new:
        entry.alt_questions = [*entry.alt_questions, *dict.fromkeys(new)]
        entry.updated_by = actor
    return len(new)


# ------------------------------------------------------ hot questions and service channels
def hot_questions(session: Session, limit: int = 8) -> list[str]:
    """The 热点问题 staff chose, in their order."""
    stmt = (
        select(HotQuestion.question)
        .where(HotQuestion.active.is_(True))
        .order_by(HotQuestion.position, HotQuestion.id)
        .limit(limit)
    )
    return list(session.scalars(stmt))


def service_channels(session: Session, purpose: str) -> list[str]:
    """The lines of the channels offered for `purpose` ("handoff" or "report"), in order."""
    stmt = (
        select(ServiceChannel)
        .where(ServiceChannel.active.is_(True))
        .order_by(ServiceChannel.position, ServiceChannel.id)
    )
    return [c.text for c in session.scalars(stmt) if purpose in c.purposes]
