"""Queries over the knowledge base. Keyword-only arguments; callers own the session."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from knowledge.models import (
    FaqEntry,
    NoPenaltyItem,
    Town,
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
) -> UnansweredQuestion:
    entry = UnansweredQuestion(
        text=text[:1000], intent=intent, confidence=confidence, reason=reason
    )
    session.add(entry)
    session.flush()
    return entry
