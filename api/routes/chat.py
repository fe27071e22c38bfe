"""POST /api/chat: the browser's gateway to the Rasa dialogue engine."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from api.deps import RasaDep, SettingsDep
from api.limits import chat_limit, limiter
from api.rasa_client import RasaUnavailable, to_contract_messages
from api.schemas import ChatRequest, ChatResponse
from knowledge.security import mask_personal_data
from knowledge.text import clean_text

log = logging.getLogger("api.chat")
router = APIRouter(tags=["chat"])

EMPTY_TEXT = "请输入您的问题"
TOO_LONG = "您的问题太长了（最多{limit}字），请精简后再发送，或分几次发送"
BUSY = "系统繁忙，请稍后再试；着急的话可以拨打12345政务服务热线咨询。"


def _error(status: int, session_id: str, message: str) -> JSONResponse:
    return JSONResponse(
        status_code=status,
        content={
            "detail": message,
            "session_id": session_id,
            "messages": [{"type": "text", "text": message}],
        },
    )


@router.post("/api/chat", response_model=ChatResponse)
@limiter.limit(chat_limit)
async def chat(request: Request, body: ChatRequest, rasa: RasaDep, settings: SettingsDep):
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
    return ChatResponse(session_id=body.session_id, messages=messages)
