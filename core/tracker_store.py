"""Rasa's SQL tracker store, as this project reads and keeps it.

Rasa keeps every event of every conversation in one table (`events`: sender_id, type_name,
timestamp, intent_name, action_name, data as JSON). What a user typed — a phone number or a
credit code in a booking form included — is stored there as typed, so the store has a
retention policy (`wxbot tracker prune`, run daily):

- events older than `mask_days` have every phone number and credit code in their data masked
  (user and bot messages, slot values): by then the conversation's Rasa session has long
  ended (an hour of silence), and its slots do not carry over to a new one;
- conversations whose last event is older than `keep_days` are deleted.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text, func, inspect, select

from core.db import get_engine
from core.security import mask_everywhere

_meta = MetaData()
EVENTS = Table(
    "events",
    _meta,
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255)),
    Column("type_name", String(255)),
    Column("timestamp", Float),
    Column("intent_name", String(255)),
    Column("action_name", String(255)),
    Column("data", Text),
)
# The events whose data holds what someone typed or was told.
_PERSONAL = ("user", "bot", "slot")
_BATCH = 500
DAY = 24 * 3600


@dataclass(frozen=True)
class Pruned:
    masked_events: int
    deleted_conversations: int
    deleted_events: int


def has_events(url: str) -> bool:
    return inspect(get_engine(url)).has_table("events")


def prune(url: str, *, mask_days: float, keep_days: float, now: float | None = None) -> Pruned:
    """Apply the retention policy to the tracker store at `url` (see the module's text)."""
    if not has_events(url):
        return Pruned(0, 0, 0)
    now = time.time() if now is None else now
    engine = get_engine(url)
    masked = 0
    with engine.begin() as conn:
        last = (
            select(EVENTS.c.sender_id)
            .group_by(EVENTS.c.sender_id)
            .having(func.max(EVENTS.c.timestamp) < now - keep_days * DAY)
        )
        senders = [row.sender_id for row in conn.execute(last)]
        deleted_events = 0
        for start in range(0, len(senders), _BATCH):
            batch = senders[start : start + _BATCH]
            result = conn.execute(EVENTS.delete().where(EVENTS.c.sender_id.in_(batch)))
            deleted_events += result.rowcount or 0
    after = 0
    while True:
        with engine.begin() as conn:
            rows = conn.execute(
                select(EVENTS.c.id, EVENTS.c.data)
                .where(
                    EVENTS.c.id > after,
                    EVENTS.c.timestamp < now - mask_days * DAY,
                    EVENTS.c.type_name.in_(_PERSONAL),
                )
                .order_by(EVENTS.c.id)
                .limit(_BATCH)
            ).all()
            for row in rows:
                data = json.loads(row.data or "{}")
                clean = mask_everywhere(data)
                if clean != data:
                    conn.execute(
                        EVENTS.update().where(EVENTS.c.id == row.id).values(data=json.dumps(clean))
                    )
                    masked += 1
        if len(rows) < _BATCH:
            break
        after = rows[-1].id
    return Pruned(masked, len(senders), deleted_events)
