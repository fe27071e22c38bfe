"""The API's only way to talk to Rasa: its REST channel and its status endpoint, over HTTP."""

from __future__ import annotations

import logging
from typing import Any

import httpx
from pydantic import TypeAdapter, ValidationError

from knowledge.cards import ItemCard

log = logging.getLogger(__name__)
_CARD = TypeAdapter(ItemCard)


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


def to_contract_messages(raw: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rasa REST messages -> the stable shapes of POST /api/chat."""
    messages: list[dict[str, Any]] = []
    for message in raw:
        custom = message.get("custom")
        text = message.get("text")
        if isinstance(custom, dict) and isinstance(custom.get("card"), dict):
            try:
                card = _CARD.validate_python(custom["card"])
                messages.append({"type": "card", "card": card})
            except ValidationError:
                log.warning("card of an unknown shape shown as text")
                if custom.get("text"):
                    messages.append({"type": "text", "text": str(custom["text"])})
        elif message.get("buttons"):
            buttons = [
                {"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))}
                for b in message["buttons"]
                if b.get("title")
            ]
            messages.append({"type": "buttons", "text": text or "", "buttons": buttons})
        elif text:
            messages.append({"type": "text", "text": text})
    return messages
