"""Rate limiting (slowapi), per client address."""

from __future__ import annotations

from slowapi import Limiter
from slowapi.util import get_remote_address

from knowledge.settings import get_settings

# Keyed by endpoint (not URL): a booking lookup counts the same whatever reference it tries.
limiter = Limiter(key_func=get_remote_address, key_style="endpoint")


def chat_limit() -> str:
    return get_settings().chat_rate_limit


def lookup_limit() -> str:
    return get_settings().lookup_rate_limit
