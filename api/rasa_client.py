"""The API's only way to talk to Rasa: its REST channel and its status endpoint, over HTTP."""

from __future__ import annotations

import logging
from collections.abc import Collection
from typing import Any

import httpx
from pydantic import TypeAdapter, ValidationError

from api.links import links_in
from api.schemas import Card

log = logging.getLogger(__name__)
_CARD: TypeAdapter[Card] = TypeAdapter(Card)


# Rasa reads a message that starts with "/" as an intent (with entities) and skips the NLU.
INTENT_PREFIX = "/"
GREETING = "/greet"  # what a channel sends when a conversation opens


def as_typed(text: str, offered: Collection[str] = ()) -> str:
    """`text` as Rasa should read it: a button's payload the bot offered (or the opening
    greeting) passes as it is; anything else typed with a leading "/" loses it, so typed text
    cannot force an intent or entities past the NLU."""
    if not text.startswith(INTENT_PREFIX) or text == GREETING or text in offered:
        return text
    return text.lstrip(INTENT_PREFIX).strip()


class RasaUnavailable(Exception):
    """Rasa did not answer in time or answered with an error."""


class RasaClient:
    def __init__(self, base_url: str, token: str | None, timeout: float) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self._client = httpx.AsyncClient(timeout=timeout)

    async def close(self) -> None:
        await self._client.aclose()

    async def send(
        self, sender: str, text: str, metadata: dict[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        """One user message in, Rasa's raw bot messages out."""
        payload = {"sender": sender, "message": text, "metadata": metadata or {}}
        try:
            response = await self._client.post(
                f"{self.base_url}/webhooks/rest/webhook", json=payload
            )
            response.raise_for_status()
            data = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            log.warning("Rasa unavailable: %s", type(exc).__name__)
            raise RasaUnavailable from exc
        if not isinstance(data, list):
            raise RasaUnavailable
        return data

    async def status(self) -> dict[str, Any]:
        """Rasa's /status (needs the API token); raises RasaUnavailable if not reachable."""
        params = {"token": self.token} if self.token else None
        try:
            response = await self._client.get(f"{self.base_url}/status", params=params, timeout=3)
            response.raise_for_status()
            return response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise RasaUnavailable from exc


def _buttons(raw: Any) -> list[dict[str, str]]:
    return [
        {"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))}
        for b in raw or []
        if isinstance(b, dict) and b.get("title")
    ]


def to_contract_messages(
    raw: list[dict[str, Any]], link_hosts: tuple[str, ...] = ()
) -> list[dict[str, Any]]:
    """Rasa REST messages -> the stable shapes of POST /api/chat. A card's buttons (in its
    custom payload) follow it as a buttons message without text; `links` lists the addresses
    of a text on `link_hosts`."""
    messages: list[dict[str, Any]] = []
    for message in raw:
        custom = message.get("custom")
        text = message.get("text")
        if isinstance(custom, dict) and isinstance(custom.get("card"), dict):
            try:
                messages.append({"type": "card", "card": _CARD.validate_python(custom["card"])})
            except ValidationError:
                log.warning("card of an unknown shape shown as text")
                if custom.get("text"):
                    messages.append({"type": "text", "text": str(custom["text"])})
                continue
            if buttons := _buttons(custom.get("buttons")):
                messages.append({"type": "buttons", "text": "", "buttons": buttons, "links": []})
        elif message.get("buttons"):
            text = text or ""
            messages.append(
                {
                    "type": "buttons",
                    "text": text,
                    "buttons": _buttons(message["buttons"]),
                    "links": links_in(text, link_hosts),
                }
            )
        elif text:
            messages.append({"type": "text", "text": text, "links": links_in(text, link_hosts)})
    return messages
