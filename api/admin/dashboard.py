"""The console's dashboard, from the real logs: conversations per day, top intents and topics,
the answer rate (answered / choices offered / no answer), the most asked unanswered questions,
and bookings per 镇街 and per status. Charts are drawn as SVG bars on the server, so no chart
library is loaded and nothing comes from another host."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any, ClassVar

from sqladmin import BaseView, expose
from sqlalchemy import func, select
from starlette.requests import Request
from starlette.responses import Response

from api.admin.common import query_date
from api.admin.conversation_log import MessageFilter, recent_messages
from booking.models import STATUS_LABELS, Booking
from core.db import session_scope
from knowledge import conversations, repositories
from knowledge.grouping import group_similar
from knowledge.models import Town
from knowledge.topics import registry

DEFAULT_DAYS = 30
TOP = 10
OUTCOME_LABELS = {"answered": "已回答", "choices": "给出候选", "fallback": "未能回答"}
# Every message of the range is read for the charts (newest first), up to this many.
MAX_MESSAGES = 100_000


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    share: float  # of the largest bar, 0–1, for its width


def bars(counts: list[tuple[str, int]]) -> list[Bar]:
    top = max((v for _, v in counts), default=0) or 1
    return [Bar(label, value, value / top) for label, value in counts]


def _range(request: Request, today: dt.date) -> tuple[dt.date, dt.date]:
    q = request.query_params
    until = query_date(q.get("until")) or today
    since = query_date(q.get("since")) or until - dt.timedelta(days=DEFAULT_DAYS - 1)
    return since, until


def conversation_stats(tracker_url: str, since: dt.date, until: dt.date) -> dict[str, Any]:
    messages = recent_messages(
        tracker_url, MessageFilter(since=since, until=until), limit=MAX_MESSAGES
    )
    per_day: dict[dt.date, set[str]] = {}
    for m in messages:
        per_day.setdefault(m.at.date(), set()).add(m.sender_id)
    days = [since + dt.timedelta(days=i) for i in range((until - since).days + 1)]
    intents = Counter(m.intent or "—" for m in messages)
    topics: Counter[str] = Counter()
    for m in messages:
        spec = registry().by_intent(m.intent)
        if spec is not None:
            topics[spec.console_label] += 1
    outcomes = Counter(m.outcome for m in messages)
    return {
        "messages": len(messages),
        "conversations": len({m.sender_id for m in messages}),
        "per_day": bars([(d.strftime("%m-%d"), len(per_day.get(d, ()))) for d in days]),
        "intents": bars(intents.most_common(TOP)),
        "topics": bars(topics.most_common(TOP)),
        "outcomes": bars([(OUTCOME_LABELS[k], outcomes.get(k, 0)) for k in OUTCOME_LABELS]),
        "answer_rate": outcomes.get("answered", 0) / len(messages) if messages else None,
    }


def booking_stats(database_url: str, since: dt.date, until: dt.date) -> dict[str, Any]:
    start = dt.datetime.combine(since, dt.time(), tzinfo=dt.UTC)
    end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
    in_range = (Booking.created_at >= start) & (Booking.created_at < end)
    with session_scope(database_url) as session:
        towns = session.execute(
            select(Town.name, func.count(Booking.id))
            .join(Booking, Booking.town_id == Town.id)
            .where(in_range)
            .group_by(Town.name)
            .order_by(func.count(Booking.id).desc())
        ).all()
        statuses = dict(
            session.execute(
                select(Booking.status, func.count(Booking.id))
                .where(in_range)
                .group_by(Booking.status)
            ).all()
        )
        waiting = list(repositories.new_unanswered(session))
        groups = group_similar(waiting, lambda q: q.text)[:TOP]
        unanswered = bars([(g.lead.text, g.count) for g in groups])
        rated = Counter(f.rating for f in conversations.feedback_between(session, start, end))
    return {
        "thumbs_up": rated.get("up", 0),
        "thumbs_down": rated.get("down", 0),
        "towns": bars([(name, n) for name, n in towns]),
        "statuses": bars([(label, statuses.get(key, 0)) for key, label in STATUS_LABELS.items()]),
        "unanswered": unanswered,
    }


class DashboardView(BaseView):
    name, icon, category = "数据看板", "fa-solid fa-chart-column", "对话与训练"
    tracker_store_url: ClassVar[str] = ""  # set by mount_admin
    database_url: ClassVar[str] = ""

    @expose("/dashboard", methods=["GET"], identity="dashboard")
    async def dashboard(self, request: Request) -> Response:
        since, until = _range(request, dt.date.today())
        context = {
            "since": since,
            "until": until,
            **conversation_stats(self.tracker_store_url, since, until),
            **booking_stats(self.database_url, since, until),
        }
        return await self.templates.TemplateResponse(request, "admin_dashboard.html", context)
