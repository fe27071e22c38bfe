"""Rate limiting (slowapi), per client address."""

from __future__ import annotations

from slowapi import Limiter
from slowapi.util import get_remote_address

from knowledge.settings import get_settings

limiter = Limiter(key_func=get_remote_address)


def chat_limit() -> str:
    return get_settings().chat_rate_limit
