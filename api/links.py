"""Which addresses in an answer the chat may show as links: http(s) URLs whose host is one of
the configured hosts or under one of them (settings.link_hosts). Everything else stays text."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# A URL runs until whitespace, a quote or bracket, or Chinese punctuation.
_URL_RE = re.compile(r"https?://[^\s<>\"'()（）【】《》，。；！？、]+", re.IGNORECASE)


def parse_hosts(setting: str) -> tuple[str, ...]:
    return tuple(h.strip().lower().strip(".") for h in setting.split(",") if h.strip())


def allowed(url: str, hosts: tuple[str, ...]) -> bool:
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:
        return False
    if parts.scheme.lower() not in ("http", "https") or parts.username or parts.password:
        return False
    return any(host == h or host.endswith("." + h) for h in hosts)


def links_in(text: str, hosts: tuple[str, ...]) -> list[str]:
    """The allowed URLs of `text`, each once, in order (the exact substrings the page links)."""
    found: list[str] = []
    for match in _URL_RE.finditer(text):
        url = match.group(0).rstrip(".,;:!?")
        if url not in found and allowed(url, hosts):
            found.append(url)
    return found
