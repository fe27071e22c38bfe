"""Password hashing and masking of personal data in logs."""

from __future__ import annotations

import logging
import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()

MIN_PASSWORD_LENGTH = 8


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


_PHONE_RE = re.compile(r"(?<!\d)(1[3-9]\d)[\s-]?(\d{4})[\s-]?(\d{4})(?!\d)")
_USCC_RE = re.compile(
    r"(?<![0-9A-Za-z])([0-9A-Za-z]{4})[0-9A-Za-z]{10}([0-9A-Za-z]{4})(?![0-9A-Za-z])"
)


def mask_personal_data(text: str) -> str:
    """Mask mobile numbers and 18-character credit codes: 138****5678, 9133**********12AB."""
    text = _PHONE_RE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)
    return _USCC_RE.sub(lambda m: f"{m.group(1)}{'*' * 10}{m.group(2)}", text)


class MaskingFilter(logging.Filter):
    """Masks phone numbers and credit codes in any log record (e.g. uvicorn's access log,
    whose request line holds `?phone=` of a booking lookup)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            args = record.args if isinstance(record.args, tuple) else (record.args,)
            record.args = tuple(mask_personal_data(a) if isinstance(a, str) else a for a in args)
        if isinstance(record.msg, str):
            record.msg = mask_personal_data(record.msg)
        return True


def install_log_masking(*logger_names: str) -> None:
    for name in logger_names:
        logging.getLogger(name).addFilter(MaskingFilter())
