"""The console's review of conversations: what people asked, what the NLU made of it, what
the bot did and said; filters for the messages worth a look (low confidence, fallback)."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from sqladmin import BaseView, expose
from starlette.requests import Request
from starlette.responses import Response

from api.admin.conversation_log import MessageFilter, conversation, recent_messages

# A message the NLU was less sure of than this is "low confidence" in the filter.
LOW_CONFIDENCE = 0.6
PAGE = 200


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


class ConversationsView(BaseView):
    name, icon, category = "对话记录", "fa-solid fa-comments", "对话与训练"
    tracker_store_url: ClassVar[str] = ""  # set by mount_admin

    @expose("/conversations", methods=["GET"], identity="conversations")
    async def conversations(self, request: Request) -> Response:
        q = request.query_params
        sender = q.get("sender") or None
        f = MessageFilter(
            since=_date(q.get("since")),
            until=_date(q.get("until")),
            intent=q.get("intent") or None,
            below_confidence=LOW_CONFIDENCE if q.get("low") else None,
            fallback_only=bool(q.get("fallback")),
            sender_id=sender,
        )
        if sender:
            messages = conversation(self.tracker_store_url, sender)
        else:
            messages = recent_messages(self.tracker_store_url, f, limit=PAGE)
        context: dict[str, Any] = {
            "messages": messages,
            "filters": f,
            "query": q,
            "one_conversation": bool(sender),
            "low_confidence": LOW_CONFIDENCE,
        }
        return await self.templates.TemplateResponse(request, "admin_conversations.html", context)
