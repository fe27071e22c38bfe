"""/wechat: the 公众号 (WeChat Official Account) message server.

WeChat's server verifies the URL with a signed GET, then POSTs each user message as XML
(plain, or AES-encrypted in safe mode) and shows our passive XML reply, if it arrives within
5 seconds; otherwise it retries the same message (same MsgId) up to three times. So:

- every message is a turn of `knowledge.conversations` (answered once per MsgId; events,
  which have none, by FromUserName + CreateTime), and its retry gets the stored reply;
- the answer must be ready within `REPLY_SECONDS`; when Rasa is slower the reply is
  `WECHAT_WAIT` and the answer, stored when it arrives, goes first in the reply to the user's
  next message;
- a passive reply is one text message: buttons become numbered lines ("回复 1：…") and a
  number sends that option's payload; cards become text with their source; a long answer is
  cut into parts of at most `MAX_REPLY_CHARS`, the next part following "更多".

What a turn stores beside the contract messages is one `{"type": "wechat", …}` entry: the reply
sent, the options it numbered, the parts still to come and the state of a late answer.

The user is known to Rasa (and to our logs) by an HMAC of the OpenID only.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import PlainTextResponse, Response
from starlette.concurrency import run_in_threadpool
from wechatpy import parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.events import BaseEvent, SubscribeEvent, SubscribeScanEvent
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException
from wechatpy.messages import TextMessage, VoiceMessage
from wechatpy.replies import create_reply
from wechatpy.utils import check_signature

from api import texts
from api.deps import RasaDep
from api.rasa_client import GREETING, RasaClient, RasaUnavailable, as_typed, to_contract_messages
from core.config import ConfigurationError, Settings
from core.db import session_scope, utcnow
from core.security import mask_personal_data
from knowledge import conversations, repositories
from knowledge.text import clean_text, get_lexicon
from knowledge.texts import ITEM_FIELD_QUOTE

log = logging.getLogger("api.wechat")

# WeChat waits 5 seconds for a passive reply; this leaves room for the network.
REPLY_SECONDS = 4.5
# A passive text reply holds at most 2048 bytes: 600 Chinese characters stay well within.
MAX_REPLY_CHARS = 600
# How often a retried message looks whether its first delivery has stored a reply.
RETRY_POLL_SECONDS = 0.2
MAX_BODY_BYTES = 64 * 1024
CHANNEL = "wechat"
STATE = "wechat"  # the type of the turn's own entry among its messages
LATE_PENDING, LATE_READY, LATE_FAILED, LATE_DELIVERED = "pending", "ready", "failed", "delivered"
_NUMBER_RE = re.compile(r"第?(\d{1,2})(?:个|项|条)?[.。、,，)）]?")
_STRIP_RE = re.compile(r"[\s“”\"'‘’。.!！?？]+")
_OPENID_RE = re.compile(r"(openid=)[^&\s\"]+", re.IGNORECASE)
_RUNNING, _ANSWERED, _LATE = "running", "answered", "late"


# --- identities and logs -----------------------------------------------------------------


def sender_id(secret: str, openid: str) -> str:
    """The conversation id Rasa and our tables know a 公众号 user by: never the OpenID."""
    digest = hmac.new(secret.encode(), f"wechat:{openid}".encode(), hashlib.sha256)
    return "wx-" + digest.hexdigest()[:40]


def mask_openid(text: str) -> str:
    """`openid=…` in a URL (WeChat adds it to each POST's query string) with the id masked."""
    return _OPENID_RE.sub(r"\1***", text)


class OpenIdMaskingFilter(logging.Filter):
    """Masks the OpenID in uvicorn's access log lines (the request line's query string)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, Mapping):
            record.args = {k: _masked(v) for k, v in record.args.items()}
        elif record.args:
            record.args = tuple(_masked(a) for a in record.args)
        if isinstance(record.msg, str):
            record.msg = mask_openid(record.msg)
        return True


def _masked(value: Any) -> Any:
    return mask_openid(value) if isinstance(value, str) else value


def install_openid_masking(*logger_names: str) -> None:
    for name in logger_names:
        logger = logging.getLogger(name)
        if not any(isinstance(f, OpenIdMaskingFilter) for f in logger.filters):
            logger.addFilter(OpenIdMaskingFilter())


# --- our messages as one passive text ----------------------------------------------------


def card_text(card: Mapping[str, Any]) -> str:
    """A card as short text: its title, fields (without the verbatim penalty clause), note
    and source."""
    lines = [f"【{card.get('title', '')}】"] if card.get("title") else []
    lines += [
        f"{f['label']}：{f['value']}"
        for f in card.get("fields", [])
        if f.get("label") != ITEM_FIELD_QUOTE and f.get("value")
    ]
    if card.get("note"):
        lines.append(str(card["note"]))
    if card.get("source"):
        lines.append(texts.WECHAT_CARD_SOURCE.format(source=card["source"]))
    return "\n".join(lines)


def render(
    messages: list[dict[str, Any]], first_number: int = 1
) -> tuple[str, list[dict[str, str]]]:
    """Contract messages as one text, and the options it numbered (from `first_number`)."""
    blocks: list[str] = []
    options: list[dict[str, str]] = []
    for message in messages:
        kind = message.get("type")
        if kind == "text" and message.get("text"):
            blocks.append(str(message["text"]))
        elif kind == "buttons":
            lines = [str(message["text"])] if message.get("text") else []
            for button in message.get("buttons", []):
                option = {"title": str(button["title"]), "payload": str(button["payload"])}
                options.append(option)
                number = first_number + len(options) - 1
                lines.append(texts.WECHAT_OPTION.format(n=number, title=option["title"]))
            blocks.append("\n".join(lines))
        elif kind == "card" and isinstance(message.get("card"), Mapping):
            blocks.append(card_text(message["card"]))
    return "\n\n".join(b for b in blocks if b), options


def split_text(text: str, limit: int) -> list[str]:
    """Parts of at most `limit` characters, cut at a paragraph, a line or a sentence end
    where one falls in the second half of the window."""
    parts: list[str] = []
    text = text.strip()
    while len(text) > limit:
        window = text[:limit]
        cut = -1
        for mark in ("\n\n", "\n", "。", "；", "！", "？"):
            at = window.rfind(mark)
            if at >= limit // 2:
                cut = at + len(mark)
                break
        if cut < 0:
            cut = limit
        parts.append(text[:cut].strip())
        text = text[cut:].strip()
    if text:
        parts.append(text)
    return parts


def paginate(text: str) -> list[str]:
    """`text` as passive replies: each but the last keeps room for the "更多" hint."""
    return split_text(text, MAX_REPLY_CHARS - len(texts.WECHAT_MORE_HINT) - 1)


def with_hint(parts: list[str]) -> tuple[str, list[str]]:
    """The reply to send now (with the "更多" hint when parts remain), and the rest."""
    if not parts:
        return texts.WECHAT_NO_MORE, []
    if len(parts) == 1:
        return parts[0], []
    return f"{parts[0]}\n{texts.WECHAT_MORE_HINT}", parts[1:]


def chosen_option(text: str, options: list[dict[str, str]]) -> str | None:
    """The payload of the option a number reply ("1", "２", "1.", "第2个") picks, if any."""
    match = _NUMBER_RE.fullmatch(text.strip())
    if not match or not options:
        return None
    number = int(match.group(1))
    return options[number - 1]["payload"] if 1 <= number <= len(options) else None


def asks_for_more(text: str) -> bool:
    return _STRIP_RE.sub("", text).lower() in get_lexicon().cues["more"]


# --- what a turn stores -------------------------------------------------------------------


def _state_of(messages: list[dict[str, Any]]) -> dict[str, Any] | None:
    for message in reversed(messages):
        if message.get("type") == STATE:
            return message
    return None


def _contract_of(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [m for m in messages if m.get("type") != STATE]


def _state(
    reply: str,
    options: list[dict[str, str]] | None = None,
    rest: list[str] | None = None,
    late: str | None = None,
) -> dict[str, Any]:
    state: dict[str, Any] = {
        "type": STATE,
        "reply": reply,
        "options": options or [],
        "rest": rest or [],
    }
    if late:
        state["late"] = late
    return state


@dataclass(frozen=True)
class Claimed:
    turn_id: int
    fresh: bool
    reply: str | None  # the stored reply of a turn already answered


@dataclass(frozen=True)
class Late:
    """An answer that missed its 5 seconds, to go first in the next reply (None: it failed)."""

    turn_id: int
    messages: list[dict[str, Any]] | None


@dataclass
class Context:
    previous: dict[str, Any] | None  # the state of the user's last answered turn
    late: list[Late] = field(default_factory=list)
    waiting: bool = False  # an answer is still on its way


def _claim(settings: Settings, sender: str, message_id: str, text: str) -> Claimed:
    with session_scope(settings.database_url) as session:
        turn, fresh = conversations.claim_turn(
            session, session_id=sender, message_id=message_id, text=text, channel=CHANNEL
        )
        return Claimed(turn.id, fresh, _stored_reply_of(turn))


def _stored_reply_of(turn: conversations.ChatTurn) -> str | None:
    answer = conversations.answer_of(turn)
    state = _state_of(answer) if answer is not None else None
    return str(state["reply"]) if state else None


def _stored_reply(settings: Settings, sender: str, message_id: str) -> str | None:
    with session_scope(settings.database_url) as session:
        turn = conversations.find_turn(session, session_id=sender, message_id=message_id)
        return _stored_reply_of(turn) if turn is not None else None


def _context(settings: Settings, sender: str) -> Context:
    """The user's last answered state and the late answers not yet delivered, oldest first."""
    with session_scope(settings.database_url) as session:
        turns = conversations.history(session, sender, limit=20)
        now = utcnow()
        context = Context(previous=None)
        for turn in turns:
            state = _state_of(turn.messages)
            if state is None:
                continue
            context.previous = state
            late = state.get("late")
            if late == LATE_READY:
                context.late.append(Late(turn.id, _contract_of(turn.messages)))
            elif late == LATE_FAILED:
                context.late.append(Late(turn.id, None))
            elif late == LATE_PENDING:
                if conversations.is_stale(turn, now):
                    context.late.append(Late(turn.id, None))  # its worker died mid-turn
                else:
                    context.waiting = True
        return context


def _finish(
    settings: Settings, turn_id: int, messages: list[dict[str, Any]], delivered: list[int]
) -> None:
    """Store the turn's answer and mark the late answers it delivered."""
    with session_scope(settings.database_url) as session:
        conversations.finish_turn(session, turn_id, messages)
        for late_id in delivered:
            turn = session.get(conversations.ChatTurn, late_id)
            if turn is None:
                continue
            marked = [
                {**m, "late": LATE_DELIVERED} if m.get("type") == STATE else m
                for m in turn.messages
            ]
            conversations.finish_turn(session, late_id, marked, turn.model)


def _store_late(settings: Settings, turn_id: int, messages: list[dict[str, Any]] | None) -> None:
    """The placeholder (messages None) or the answer that arrived after it."""
    if messages is None:
        stored = [_state(texts.WECHAT_WAIT, late=LATE_PENDING)]
    else:
        late = LATE_READY if messages else LATE_FAILED
        stored = [*messages, _state(texts.WECHAT_WAIT, late=late)]
    with session_scope(settings.database_url) as session:
        conversations.finish_turn(session, turn_id, stored)


def _release(settings: Settings, turn_id: int) -> None:
    with session_scope(settings.database_url) as session:
        conversations.release_turn(session, turn_id)


def _hot_questions(settings: Settings) -> list[str]:
    with session_scope(settings.database_url) as session:
        return repositories.hot_questions(session)


# --- answering ----------------------------------------------------------------------------


@dataclass
class Job:
    """One fresh turn being answered, shared by the request and the task that answers it."""

    rasa: RasaClient
    sender: str
    message_id: str
    turn_id: int
    text: str
    state: str = _RUNNING
    placeholder_stored: asyncio.Event = field(default_factory=asyncio.Event)


class WeChatChannel:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.token = settings.wechat_token or ""
        self.secret = settings.resolved_secret_key()
        self.crypto = _crypto(settings)
        self._tasks: set[asyncio.Task[str]] = set()

    async def answer(self, rasa: RasaClient, sender: str, message_id: str, text: str) -> str:
        """The passive reply to this message: its answer when ready in time, else the
        placeholder (the answer then goes first in the next reply)."""
        started = time.monotonic()
        claimed = await run_in_threadpool(_claim, self.settings, sender, message_id, text)
        if not claimed.fresh:  # WeChat's retry: the reply already given, never a second one
            return await self._repeat(sender, message_id, claimed.reply, started)
        job = Job(rasa, sender, message_id, claimed.turn_id, text)
        task = asyncio.create_task(self._work(job))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        remaining = max(0.0, REPLY_SECONDS - (time.monotonic() - started))
        done, _ = await asyncio.wait({task}, timeout=remaining)
        if not done and job.state == _RUNNING:
            job.state = _LATE  # the task stores its answer as a late one
            try:
                await run_in_threadpool(_store_late, self.settings, job.turn_id, None)
            finally:
                job.placeholder_stored.set()
            log.info("wechat %s: answer late, placeholder sent", sender[:11])
            return texts.WECHAT_WAIT
        try:
            return await task  # answered, or storing its answer right now
        except Exception:
            log.exception("wechat %s: turn failed", sender[:11])
            await run_in_threadpool(_release, self.settings, job.turn_id)
            return texts.BUSY

    async def _repeat(self, sender: str, message_id: str, reply: str | None, started: float) -> str:
        while reply is None and time.monotonic() - started < REPLY_SECONDS:
            await asyncio.sleep(RETRY_POLL_SECONDS)
            reply = await run_in_threadpool(_stored_reply, self.settings, sender, message_id)
        log.info("wechat %s: repeated message %s answered again", sender[:11], message_id)
        return reply if reply is not None else texts.WECHAT_WAIT

    async def _work(self, job: Job) -> str:
        try:
            return await self._answer(job)
        except Exception:
            if job.state != _LATE:
                raise
            log.exception("wechat %s: late answer failed", job.sender[:11])
            await job.placeholder_stored.wait()
            await run_in_threadpool(_store_late, self.settings, job.turn_id, [])
            return texts.WECHAT_WAIT

    async def _answer(self, job: Job) -> str:
        context = await run_in_threadpool(_context, self.settings, job.sender)
        previous = context.previous or {}
        if asks_for_more(job.text):
            job.state = _ANSWERED
            return await self._more(job, previous)
        options: list[dict[str, str]] = list(previous.get("options", []))
        text = chosen_option(job.text, options) or job.text
        metadata = {"channel": CHANNEL, "message_id": job.message_id}
        try:
            messages = to_contract_messages(await job.rasa.send(job.sender, text, metadata))
        except RasaUnavailable:
            messages = []
        if job.text == GREETING:
            messages = await self._with_hot_questions(messages)
        if job.state == _LATE:
            await job.placeholder_stored.wait()
            await run_in_threadpool(_store_late, self.settings, job.turn_id, messages)
            log.info("wechat %s: late answer stored", job.sender[:11])
            return texts.WECHAT_WAIT
        job.state = _ANSWERED
        if not messages:  # Rasa is down, or answered nothing: the next try is answered afresh
            await run_in_threadpool(_release, self.settings, job.turn_id)
            return texts.BUSY
        # Late answers that arrived while Rasa answered this one (it answers in order).
        context = await run_in_threadpool(_context, self.settings, job.sender)
        late_text, late_options = self._late_text(context.late, 1)
        now_text, now_options = render(messages, len(late_options) + 1)
        if late_text:
            now_text = f"{late_text}\n\n{texts.WECHAT_NOW_HEADER}\n{now_text}"
        reply, rest = with_hint(paginate(now_text))
        state = _state(reply, late_options + now_options, rest)
        delivered = [late.turn_id for late in context.late]
        await run_in_threadpool(_finish, self.settings, job.turn_id, [*messages, state], delivered)
        return reply

    async def _more(self, job: Job, previous: dict[str, Any]) -> str:
        """ "更多": a late answer that has arrived, then the next part of the last answer."""
        context = await run_in_threadpool(_context, self.settings, job.sender)
        options: list[dict[str, str]] = list(previous.get("options", []))
        rest: list[str] = list(previous.get("rest", []))
        late_text, late_options = self._late_text(context.late, len(options) + 1)
        parts = [*paginate(late_text), *rest] if late_text else rest
        if parts:
            reply, rest = with_hint(parts)
        else:
            reply = texts.WECHAT_STILL_WAITING if context.waiting else texts.WECHAT_NO_MORE
        state = _state(reply, options + late_options, rest)
        delivered = [late.turn_id for late in context.late]
        await run_in_threadpool(_finish, self.settings, job.turn_id, [state], delivered)
        return reply

    def _late_text(self, late: list[Late], first_number: int) -> tuple[str, list[dict[str, str]]]:
        blocks: list[str] = []
        options: list[dict[str, str]] = []
        for answer in late:
            if answer.messages is None:
                blocks.append(texts.WECHAT_LATE_FAILED)
                continue
            text, numbered = render(answer.messages, first_number + len(options))
            options += numbered
            blocks.append(f"{texts.WECHAT_LATE_HEADER}\n{text}")
        return "\n\n".join(blocks), options

    async def _with_hot_questions(self, messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The greeting (Rasa's, or ours when Rasa is down) with the hot questions it lacks."""
        messages = messages or [{"type": "text", "text": texts.WECHAT_WELCOME}]
        shown = {b["title"] for m in messages for b in m.get("buttons", [])}
        hot = await run_in_threadpool(_hot_questions, self.settings)
        missing = [q for q in hot if q not in shown]
        if missing:
            buttons = [{"title": q, "payload": q} for q in missing]
            messages = [
                *messages,
                {"type": "buttons", "text": texts.WECHAT_HOT_QUESTIONS, "buttons": buttons},
            ]
        return messages

    async def reply_to(self, message: Any, rasa: RasaClient) -> str | None:
        """The text to answer a parsed WeChat message with (None: nothing to say)."""
        sender = sender_id(self.secret, str(message.source or ""))
        if isinstance(message, (SubscribeEvent, SubscribeScanEvent)):
            log.info("wechat %s: subscribed", sender[:11])
            return await self.answer(rasa, sender, f"event-{message.time}", GREETING)
        if isinstance(message, BaseEvent):  # unsubscribe, menus, location reports…
            return None
        if isinstance(message, TextMessage):
            raw = str(message.content or "")
        elif isinstance(message, VoiceMessage):
            raw = str(message.recognition or "")
            if not raw.strip():
                return texts.WECHAT_VOICE_UNRECOGNIZED
        else:
            return texts.WECHAT_UNSUPPORTED
        if len(raw.strip()) > self.settings.chat_max_chars:
            return texts.TOO_LONG.format(limit=self.settings.chat_max_chars)
        # A numbered option sends its payload; typed text never forces an intent.
        text = as_typed(clean_text(raw))
        if not text:
            return texts.EMPTY_TEXT
        message_id = str(message.id) if message.id else f"event-{message.time}"
        log.info("wechat %s %s: %s", sender[:11], message.type, mask_personal_data(text))
        return await self.answer(rasa, sender, message_id, text)


def _crypto(settings: Settings) -> WeChatCrypto | None:
    """Safe mode's cipher when the EncodingAESKey is set."""
    if not settings.wechat_aes_key:
        return None
    if not settings.wechat_app_id:
        raise ConfigurationError(texts.WECHAT_BAD_KEY)
    try:
        return WeChatCrypto(settings.wechat_token, settings.wechat_aes_key, settings.wechat_app_id)
    except (AssertionError, ValueError, TypeError) as exc:
        raise ConfigurationError(texts.WECHAT_BAD_KEY) from exc


# --- HTTP ---------------------------------------------------------------------------------


def build_router(settings: Settings) -> APIRouter:
    """The /wechat routes; none (404) while WECHAT_TOKEN is unset."""
    router = APIRouter(tags=["wechat"])
    if not settings.wechat_token:
        return router
    channel = WeChatChannel(settings)
    install_openid_masking("uvicorn.access", "uvicorn.error")

    def verify_signature(request: Request) -> None:
        params = request.query_params
        try:
            check_signature(
                channel.token,
                params.get("signature", ""),
                params.get("timestamp", ""),
                params.get("nonce", ""),
            )
        except InvalidSignatureException:
            log.warning("wechat: request with a bad signature refused")
            raise HTTPException(403, texts.WECHAT_BAD_SIGNATURE) from None

    @router.get("/wechat", response_class=PlainTextResponse)
    def verify(request: Request) -> PlainTextResponse:
        """The URL check of 服务器配置: echo `echostr` when the signature is right."""
        verify_signature(request)
        return PlainTextResponse(request.query_params.get("echostr", ""))

    @router.post("/wechat")
    async def receive(request: Request, rasa: RasaDep) -> Response:
        verify_signature(request)
        params = request.query_params
        body = await request.body()
        if len(body) > MAX_BODY_BYTES:
            raise HTTPException(400, texts.WECHAT_BAD_MESSAGE)
        encrypted = params.get("encrypt_type", "").lower() == "aes" and channel.crypto is not None
        if encrypted:
            assert channel.crypto is not None
            try:
                body = channel.crypto.decrypt_message(
                    body,
                    params.get("msg_signature", ""),
                    params.get("timestamp", ""),
                    params.get("nonce", ""),
                )
            except InvalidSignatureException:
                log.warning("wechat: encrypted message with a bad signature refused")
                raise HTTPException(403, texts.WECHAT_BAD_SIGNATURE) from None
            except (InvalidAppIdException, ValueError, KeyError, TypeError) as exc:
                log.warning("wechat: message not decrypted: %s", type(exc).__name__)
                raise HTTPException(400, texts.WECHAT_BAD_MESSAGE) from None
        try:
            message = parse_message(body)
        except Exception as exc:  # xmltodict's ExpatError, a missing MsgType…
            log.warning("wechat: message not parsed: %s", type(exc).__name__)
            raise HTTPException(400, texts.WECHAT_BAD_MESSAGE) from None
        if message is None:
            raise HTTPException(400, texts.WECHAT_BAD_MESSAGE)
        reply = await channel.reply_to(message, rasa)
        if reply is None:
            return PlainTextResponse("success")  # WeChat's "nothing to reply"
        # The reply goes into a CDATA section, which "]]>" would end.
        xml = create_reply(reply.replace("]]>", "]] >"), message=message, render=True)
        if encrypted:
            assert channel.crypto is not None
            xml = channel.crypto.encrypt_message(
                xml, params.get("nonce", ""), params.get("timestamp", "")
            )
        return Response(xml, media_type="application/xml")

    return router
