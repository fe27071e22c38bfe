"""Rate limiting (slowapi), per client address; one limiter per app, made by create_app."""

from __future__ import annotations

from slowapi import Limiter
from slowapi.util import get_remote_address


def make_limiter() -> Limiter:
    # Keyed by endpoint (not URL): a booking lookup counts the same whatever reference it
    # tries.
    return Limiter(key_func=get_remote_address, key_style="endpoint")
