"""POST /api/chat: the browser's gateway to the Rasa dialogue engine."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from slowapi import Limiter

from api.deps import RasaDep, SessionDep
from api.rasa_client import RasaUnavailable, to_contract_messages
from api.schemas import Button, ChatRequest, ChatResponse, HotQuestionsResponse
from api.texts import BUSY, EMPTY_TEXT, TOO_LONG
from core.config import Settings
from core.security import mask_personal_data
from knowledge import repositories
from knowledge.text import clean_text

log = logging.getLogger("api.chat")


def _error(status: int, session_id: str, message: str) -> JSONResponse:
    return JSONResponse(
        status_code=status,
        content={
            "detail": message,
            "session_id": session_id,
            "messages": [{"type": "text", "text": message}],
        },
    )


def build_router(limiter: Limiter, settings: Settings) -> APIRouter:
    router = APIRouter(tags=["chat"])

    @router.post("/api/chat", response_model=ChatResponse)
    @limiter.limit(settings.chat_rate_limit)
    async def chat(
        request: Request, body: ChatRequest, rasa: RasaDep
    ) -> ChatResponse | JSONResponse:
        raw_text = body.text.strip()
        if len(raw_text) > settings.chat_max_chars:
            return _error(422, body.session_id, TOO_LONG.format(limit=settings.chat_max_chars))
        text = clean_text(raw_text)
        if not text:
            return _error(422, body.session_id, EMPTY_TEXT)
        log.info("chat %s: %s", body.session_id[:12], mask_personal_data(text))
        try:
            raw = await rasa.send(body.session_id, text, metadata={"channel": "web"})
        except RasaUnavailable:
            return _error(503, body.session_id, BUSY)
        messages = to_contract_messages(raw)
        if not messages:
            # Rasa answered but produced nothing: usually the action server is down.
            return _error(503, body.session_id, BUSY)
        return ChatResponse.model_validate({"session_id": body.session_id, "messages": messages})

    @router.get("/api/hot-questions", response_model=HotQuestionsResponse)
    def hot_questions(session: SessionDep) -> HotQuestionsResponse:
        """The 热点问题 staff chose, for the chat to offer when it opens; tapping one sends
        the question as its text."""
        return HotQuestionsResponse(
            questions=[Button(title=q, payload=q) for q in repositories.hot_questions(session)]
        )

    return router
