"""POST /api/chat: the browser's gateway to the Rasa dialogue engine; each message is answered
once (by its client message id), the history of a conversation, and 👍/👎 on an answer."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Request
from fastapi.responses import JSONResponse
from slowapi import Limiter
from starlette.concurrency import run_in_threadpool

from api import chat_sessions
from api.deps import RasaDep, SessionDep
from api.errors import errors
from api.limits import InFlight
from api.links import parse_hosts
from api.rasa_client import (
    INTENT_PREFIX,
    RasaClient,
    RasaUnavailable,
    as_typed,
    to_contract_messages,
)
from api.schemas import (
    Button,
    ChatErrorOut,
    ChatRequest,
    ChatResponse,
    FeedbackRequest,
    FeedbackResponse,
    HistoryResponse,
    HotQuestionsResponse,
    SessionResponse,
)
from api.texts import (
    BUSY,
    EMPTY_TEXT,
    FEEDBACK_THANKS,
    NO_SUCH_ANSWER,
    SESSION_UNKNOWN,
    TOO_LONG,
)
from core.config import Settings
from core.db import session_scope
from core.security import mask_personal_data
from knowledge import conversations, repositories
from knowledge.text import clean_text

log = logging.getLogger("api.chat")
# How often a duplicate request looks whether the first one has been answered.
DUPLICATE_POLL_SECONDS = 0.2


def _error(status: int, session_id: str, message: str) -> JSONResponse:
    return JSONResponse(
        status_code=status,
        content={
            "detail": message,
            "session_id": session_id,
            "messages": [{"type": "text", "text": message}],
        },
    )


def _response(session_id: str, message_id: str, messages: list[dict[str, Any]]) -> ChatResponse:
    return ChatResponse.model_validate(
        {"session_id": session_id, "message_id": message_id, "messages": messages}
    )


@dataclass(frozen=True)
class Claimed:
    turn_id: int
    fresh: bool
    messages: list[dict[str, Any]] | None  # the stored answer of a turn already answered


def _claim(settings: Settings, session_id: str, message_id: str, text: str) -> Claimed:
    with session_scope(settings.database_url) as session:
        turn, fresh = conversations.claim_turn(
            session, session_id=session_id, message_id=message_id, text=text
        )
        return Claimed(turn.id, fresh, conversations.answer_of(turn))


def _finish(settings: Settings, turn_id: int, messages: list[dict[str, Any]]) -> None:
    with session_scope(settings.database_url) as session:
        conversations.finish_turn(session, turn_id, messages)


def _release(settings: Settings, turn_id: int) -> None:
    with session_scope(settings.database_url) as session:
        conversations.release_turn(session, turn_id)


def _offered(settings: Settings, session_id: str) -> set[str]:
    with session_scope(settings.database_url) as session:
        return conversations.offered_payloads(session, session_id)


def _stored_answer(
    settings: Settings, session_id: str, message_id: str
) -> list[dict[str, Any]] | None:
    with session_scope(settings.database_url) as session:
        turn = conversations.find_turn(session, session_id=session_id, message_id=message_id)
        return conversations.answer_of(turn) if turn is not None else None


async def _first_answer(
    settings: Settings, session_id: str, message_id: str, messages: list[dict[str, Any]] | None
) -> ChatResponse | JSONResponse:
    """The answer of the first request with this message id, waiting (up to Rasa's timeout)
    while that request is still being answered."""
    deadline = time.monotonic() + settings.rasa_timeout
    while messages is None and time.monotonic() < deadline:
        await asyncio.sleep(DUPLICATE_POLL_SECONDS)
        messages = await run_in_threadpool(_stored_answer, settings, session_id, message_id)
    if messages is None:
        return _error(503, session_id, BUSY)
    return _response(session_id, message_id, messages)


def build_router(limiter: Limiter, settings: Settings) -> APIRouter:
    router = APIRouter(tags=["chat"])
    secret = settings.resolved_secret_key()
    link_hosts = parse_hosts(settings.link_hosts)
    in_flight = InFlight(settings.chat_max_in_flight)

    @router.post(
        "/api/chat",
        response_model=ChatResponse,
        responses=errors(401, 422, 429, 503, model=ChatErrorOut),
    )
    @limiter.limit(settings.chat_rate_limit)
    async def chat(
        request: Request, body: ChatRequest, rasa: RasaDep
    ) -> ChatResponse | JSONResponse:
        if not chat_sessions.issued(secret, body.session_id):
            return _error(401, body.session_id, SESSION_UNKNOWN)
        raw_text = body.text.strip()
        if len(raw_text) > settings.chat_max_chars:
            return _error(422, body.session_id, TOO_LONG.format(limit=settings.chat_max_chars))
        text = clean_text(raw_text)
        if text.startswith(INTENT_PREFIX):  # a button, or typed text posing as one
            offered = await run_in_threadpool(_offered, settings, body.session_id)
            text = as_typed(text, offered)
        if not text:
            return _error(422, body.session_id, EMPTY_TEXT)
        message_id = body.message_id or uuid.uuid4().hex
        if not in_flight.enter():  # beyond capacity: busy now, nothing recorded, retry works
            return _error(503, body.session_id, BUSY)
        try:
            return await _answer(rasa, body.session_id, message_id, text)
        finally:
            in_flight.leave()

    async def _answer(
        rasa: RasaClient, session_id: str, message_id: str, text: str
    ) -> ChatResponse | JSONResponse:
        turn = await run_in_threadpool(_claim, settings, session_id, message_id, text)
        if not turn.fresh:  # a retry, or a double tap: the first answer, never a second one
            return await _first_answer(settings, session_id, message_id, turn.messages)
        log.info("chat %s: %s", session_id[:12], mask_personal_data(text))
        metadata = {"channel": "web", "message_id": message_id}
        try:
            raw = await rasa.send(session_id, text, metadata=metadata)
        except RasaUnavailable:
            raw = []
        messages = to_contract_messages(raw, link_hosts)
        if not messages:
            # Rasa is down, or answered with nothing (usually: the action server is down).
            await run_in_threadpool(_release, settings, turn.turn_id)
            return _error(503, session_id, BUSY)
        await run_in_threadpool(_finish, settings, turn.turn_id, messages)
        return _response(session_id, message_id, messages)

    @router.post(
        "/api/sessions", response_model=SessionResponse, status_code=201, responses=errors(429)
    )
    @limiter.limit(settings.session_rate_limit)
    def new_session(request: Request) -> SessionResponse:
        """A new conversation: its id, issued and signed here (the page never invents one)."""
        return SessionResponse(session_id=chat_sessions.issue(secret))

    @router.get(
        "/api/sessions/{session_id}/history",
        response_model=HistoryResponse,
        responses=errors(401),
    )
    def chat_history(
        session: SessionDep, session_id: Annotated[str, Path(max_length=100)]
    ) -> HistoryResponse:
        """The conversation so far (answered turns, oldest first), for a page that reloads."""
        if not chat_sessions.issued(secret, session_id):
            raise HTTPException(401, SESSION_UNKNOWN)
        return HistoryResponse.model_validate(
            {
                "session_id": session_id,
                "turns": [
                    {
                        "message_id": t.message_id,
                        "text": t.text,
                        "messages": t.messages,
                        "time": t.created_at,
                    }
                    for t in conversations.history(session, session_id)
                ],
            }
        )

    @router.post("/api/feedback", response_model=FeedbackResponse, responses=errors(401, 404))
    def feedback(session: SessionDep, body: FeedbackRequest) -> FeedbackResponse:
        """👍/👎 on an answer (the turn of `message_id`); a second click changes it."""
        if not chat_sessions.issued(secret, body.session_id):
            raise HTTPException(401, SESSION_UNKNOWN)
        stored = conversations.rate(
            session,
            session_id=body.session_id,
            message_id=body.message_id,
            rating=body.rating,
            comment=body.comment,
        )
        if stored is None:
            raise HTTPException(404, NO_SUCH_ANSWER)
        return FeedbackResponse(rating=body.rating, message=FEEDBACK_THANKS)

    @router.get("/api/hot-questions", response_model=HotQuestionsResponse)
    def hot_questions(session: SessionDep) -> HotQuestionsResponse:
        """The 热点问题 staff chose, for the chat to offer when it opens; tapping one sends
        the question as its text."""
        return HotQuestionsResponse(
            questions=[Button(title=q, payload=q) for q in repositories.hot_questions(session)]
        )

    return router
