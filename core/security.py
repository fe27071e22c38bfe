"""Password hashing and masking of personal data in logs."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """The hash was made with weaker parameters than the hasher's current ones."""
    return _hasher.check_needs_rehash(password_hash)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _hasher.hash("no account has this password")


def verify_dummy(password: str) -> bool:
    """Spend the time a real verification takes (for a username that has no account), so
    the response time does not tell whether an account exists. Always False."""
    verify_password(_dummy_hash(), password)
    return False


_PHONE_RE = re.compile(r"(?<!\d)(1[3-9]\d)[\s-]?(\d{4})[\s-]?(\d{4})(?!\d)")
_USCC_RE = re.compile(
    r"(?<![0-9A-Za-z])([0-9A-Za-z]{4})[0-9A-Za-z]{10}([0-9A-Za-z]{4})(?![0-9A-Za-z])"
)


def mask_phone(phone: str) -> str:
    """138****5678"""
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) >= 7 else "****"


def mask_personal_data(text: str) -> str:
    """Mask mobile numbers and 18-character credit codes: 138****5678, 9133**********12AB."""
    text = _PHONE_RE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)
    return _USCC_RE.sub(lambda m: f"{m.group(1)}{'*' * 10}{m.group(2)}", text)


def mask_everywhere(value: Any) -> Any:
    """`value` with every string in it masked (lists and mappings walked)."""
    if isinstance(value, str):
        return mask_personal_data(value)
    if isinstance(value, list):
        return [mask_everywhere(v) for v in value]
    if isinstance(value, dict):
        return {k: mask_everywhere(v) for k, v in value.items()}
    return value


class MaskingFilter(logging.Filter):
    """Masks phone numbers and credit codes in any log record (e.g. uvicorn's access log,
    whose request line holds `?phone=` of a booking lookup)."""

    def filter(self, record: logging.LogRecord) -> bool:
        # The arguments are masked in place, not formatted: uvicorn's access formatter
        # unpacks them itself. They may be a tuple or a mapping ("%(phone)s").
        if isinstance(record.args, Mapping):
            record.args = {k: _mask(v) for k, v in record.args.items()}
        elif record.args:
            record.args = tuple(_mask(a) for a in record.args)
        if isinstance(record.msg, str):
            record.msg = mask_personal_data(record.msg)
        return True


def _mask(value: Any) -> Any:
    return mask_personal_data(value) if isinstance(value, str) else value


def install_log_masking(*logger_names: str) -> None:
    for name in logger_names:
        logger = logging.getLogger(name)
        if not any(isinstance(f, MaskingFilter) for f in logger.filters):
            logger.addFilter(MaskingFilter())
