"""The console's review of conversations: what people asked, what the NLU made of it, what
the bot did and said; filters for the messages worth a look (low confidence, fallback)."""

from __future__ import annotations

from functools import cache
from typing import Any, ClassVar

import yaml
from sqladmin import BaseView, expose
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from api.admin.common import actor, query_date
from api.admin.conversation_log import MessageFilter, conversation, recent_messages
from core.config import PROJECT_ROOT
from core.db import session_scope
from knowledge import conversations, repositories
from knowledge.topics import registry

# A message the NLU was less sure of than this is "low confidence" in the filter.
LOW_CONFIDENCE = 0.6
PAGE = 200


@cache
def domain_intents() -> tuple[str, ...]:
    """The intents of the Rasa domain (bot/domain/*.yml), the choices for "should have been"."""
    names: set[str] = set()
    for path in sorted((PROJECT_ROOT / "bot" / "domain").glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        names.update(i if isinstance(i, str) else next(iter(i)) for i in data.get("intents", []))
    return tuple(sorted(names - {"nlu_fallback"}))


class ConversationsView(BaseView):
    name, icon, category = "对话记录", "fa-solid fa-comments", "对话与训练"
    tracker_store_url: ClassVar[str] = ""  # set by mount_admin
    database_url: ClassVar[str] = ""

    @expose("/conversations", methods=["GET"], identity="conversations")
    async def conversations(self, request: Request) -> Response:
        q = request.query_params
        sender = q.get("sender") or None
        f = MessageFilter(
            since=query_date(q.get("since")),
            until=query_date(q.get("until")),
            intent=q.get("intent") or None,
            topic=q.get("topic") or None,
            below_confidence=LOW_CONFIDENCE if q.get("low") else None,
            fallback_only=bool(q.get("fallback")),
            thumbs_down_only=bool(q.get("down")),
            sender_id=sender,
        )
        with session_scope(self.database_url) as session:
            rated = conversations.ratings(session)
        if sender:
            messages = conversation(self.tracker_store_url, sender, ratings=rated)
        else:
            messages = recent_messages(self.tracker_store_url, f, limit=PAGE, ratings=rated)
        with session_scope(self.database_url) as session:
            handled = repositories.handled_events(session, (m.event_id for m in messages))
            faqs = [(f.key, f.question) for f in repositories.active_faqs(session)]
        context: dict[str, Any] = {
            "messages": messages,
            "handled": handled,
            "intents": domain_intents(),
            "faqs": faqs,
            "done": q.get("done", ""),
            "filters": f,
            "query": q,
            "one_conversation": bool(sender),
            "low_confidence": LOW_CONFIDENCE,
            "topics": registry().console_labels,
        }
        return await self.templates.TemplateResponse(request, "admin_conversations.html", context)

    @expose("/conversations/teach", methods=["POST"], identity="conversations-teach")
    async def teach(self, request: Request) -> Response:
        """ "This should have been intent X": a training phrase of X for the next training."""
        form = await request.form()
        text, intent = str(form.get("text", "")).strip(), str(form.get("intent", ""))
        if not text or intent not in domain_intents():
            return _back(request, "请选择一个意图。")
        with session_scope(self.database_url) as session:
            repositories.teach_intent(
                session, text=text, intent=intent, source_event=_event(form), actor=actor(request)
            )
        return _back(request, f"已加入意图 {intent} 的训练问法，下次训练生效。")

    @expose("/conversations/needs-answer", methods=["POST"], identity="conversations-needs")
    async def needs_answer(self, request: Request) -> Response:
        """ "This question needs an answer": to the grouped unanswered questions, where it
        becomes an FAQ entry with its question and likely topic filled in."""
        form = await request.form()
        text = str(form.get("text", "")).strip()
        with session_scope(self.database_url) as session:
            repositories.record_unanswered(
                session,
                text=text,
                intent=str(form.get("intent", "")) or None,
                confidence=None,
                reason="staff",
                source_event=_event(form),
            )
        url = request.url_for("admin:view-unanswered-groups")
        return RedirectResponse(url, status_code=303)

    @expose("/conversations/as-phrasing", methods=["POST"], identity="conversations-phrasing")
    async def as_phrasing(self, request: Request) -> Response:
        """ "Another way of asking FAQ Y": live in the search at the next turn."""
        form = await request.form()
        text, key = str(form.get("text", "")).strip(), str(form.get("faq", ""))
        with session_scope(self.database_url) as session:
            try:
                repositories.add_faq_phrasings(
                    session, key=key, phrasings=[text], actor=actor(request)
                )
            except LookupError:
                return _back(request, "找不到这条 FAQ。")
            # kept among the reviewed questions, handled, so the message shows as done
            entry = repositories.record_unanswered(
                session,
                text=text,
                intent=None,
                confidence=None,
                reason="staff",
                source_event=_event(form),
            )
            repositories.mark_unanswered(session, [entry.id], "handled", f"并入FAQ {key}")
        return _back(request, f"已把这句话加为 FAQ（{key}）的问法。")


def _event(form: Any) -> int | None:
    value = str(form.get("event", ""))
    return int(value) if value.isdigit() else None


def _back(request: Request, message: str) -> Response:
    url = request.url_for("admin:view-conversations").include_query_params(done=message)
    return RedirectResponse(url, status_code=303)
