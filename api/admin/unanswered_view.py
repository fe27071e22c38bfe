"""Unanswered questions grouped by similarity, the most asked first, each group turned into
a new FAQ entry, or into phrasings of an existing one, or set aside — in two clicks."""

from __future__ import annotations

from collections import Counter
from typing import Any, ClassVar

from sqladmin import BaseView, expose
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from api.admin.common import actor
from core.db import session_scope
from knowledge import repositories
from knowledge.grouping import group_similar
from knowledge.models import UnansweredQuestion
from knowledge.topics import GENERAL, registry

SHOWN_GROUPS = 50
SHOWN_MEMBERS = 8


def _likely_topic(members: list[UnansweredQuestion]) -> str:
    """The topic of the intent the NLU guessed most often for the group."""
    intents = Counter(m.intent for m in members if m.intent)
    for intent, _ in intents.most_common():
        spec = registry().by_intent(intent)
        if spec is not None:
            return spec.key
    return GENERAL


def _ids(form: Any) -> list[int]:
    return [int(v) for v in str(form.get("ids", "")).split(",") if v.strip().isdigit()]


class UnansweredGroupsView(BaseView):
    name, icon, category = "未回答问题归组", "fa-solid fa-layer-group", "对话与训练"
    database_url: ClassVar[str] = ""  # set by mount_admin

    @expose("/unanswered-groups", methods=["GET"], identity="unanswered-groups")
    async def groups(self, request: Request) -> Response:
        with session_scope(self.database_url) as session:
            waiting = list(repositories.new_unanswered(session))
            grouped = group_similar(waiting, lambda q: q.text)[:SHOWN_GROUPS]
            rows = [
                {
                    "lead": g.lead.text,
                    "count": g.count,
                    "members": [m.text for m in g.members[:SHOWN_MEMBERS]],
                    "ids": ",".join(str(m.id) for m in g.members),
                    "topic": _likely_topic(g.members),
                }
                for g in grouped
            ]
            faqs = [(f.key, f.question) for f in repositories.active_faqs(session)]
        context = {
            "groups": rows,
            "faqs": faqs,
            "topics": registry().console_labels,
            "done": request.query_params.get("done", ""),
        }
        return await self.templates.TemplateResponse(request, "admin_unanswered.html", context)

    @expose("/unanswered-groups/new-faq", methods=["POST"], identity="unanswered-new-faq")
    async def new_faq(self, request: Request) -> Response:
        form = await request.form()
        ids = _ids(form)
        answer = str(form.get("answer", "")).strip()
        topic = str(form.get("topic", GENERAL))
        if not answer or topic not in registry().console_labels:
            return self._back(request, "请填写答案并选择主题。")
        with session_scope(self.database_url) as session:
            asked = [q.text for q in repositories.waiting_unanswered(session, ids)]
            question = str(form.get("question", "")).strip() or (asked[0] if asked else "")
            if not question:
                return self._back(request, "这组问题已经处理过了。")
            entry = repositories.create_faq_from_questions(
                session,
                questions=[question, *asked],
                topic=topic,
                answer=answer,
                source=str(form.get("source", "")),
                actor=actor(request),
            )
            repositories.mark_unanswered(session, ids, "handled", f"新建FAQ {entry.key}")
        return self._back(
            request, f"已新建 FAQ「{question}」，下一轮对话即生效；问法会在下次训练时进入模型。"
        )

    @expose("/unanswered-groups/add-phrasings", methods=["POST"], identity="unanswered-phrasings")
    async def add_phrasings(self, request: Request) -> Response:
        form = await request.form()
        ids, key = _ids(form), str(form.get("faq", ""))
        with session_scope(self.database_url) as session:
            asked = [q.text for q in repositories.waiting_unanswered(session, ids)]
            try:
                added = repositories.add_faq_phrasings(
                    session, key=key, phrasings=asked, actor=actor(request)
                )
            except LookupError:
                return self._back(request, "找不到这条 FAQ。")
            repositories.mark_unanswered(session, ids, "handled", f"并入FAQ {key}")
        return self._back(request, f"已把 {added} 个问法加入 FAQ（{key}）。")

    @expose("/unanswered-groups/ignore", methods=["POST"], identity="unanswered-ignore")
    async def ignore(self, request: Request) -> Response:
        form = await request.form()
        with session_scope(self.database_url) as session:
            count = repositories.mark_unanswered(session, _ids(form), "ignored")
        return self._back(request, f"已忽略 {count} 个问题。")

    def _back(self, request: Request, message: str) -> Response:
        url = request.url_for("admin:view-unanswered-groups").include_query_params(done=message)
        return RedirectResponse(url, status_code=303)
