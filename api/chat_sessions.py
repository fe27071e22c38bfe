"""Conversation ids the server issues (POST /api/sessions): random, and signed with the secret
key, so /api/chat can tell an id it issued from one someone made up or guessed. A conversation's
id is its only key (Rasa's sender id, the history, a booking form in progress)."""

from __future__ import annotations

import secrets

from itsdangerous import BadSignature, Signer

_SALT = "wxbot-chat-session"
PREFIX = "w"  # web; the 公众号 channel derives its own ids and never uses these


def _signer(secret: str) -> Signer:
    return Signer(secret, salt=_SALT)


def issue(secret: str) -> str:
    return _signer(secret).sign(PREFIX + secrets.token_urlsafe(18)).decode("ascii")


def issued(secret: str, session_id: str) -> bool:
    try:
        value = _signer(secret).unsign(session_id.encode("ascii"))
    except (BadSignature, UnicodeEncodeError):
        return False
    return value.startswith(PREFIX.encode())
