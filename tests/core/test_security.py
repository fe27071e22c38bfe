"""Personal data never reaches a log line unmasked; passwords are hashed with argon2."""

from __future__ import annotations

import logging

from core.security import MaskingFilter, hash_password, mask_personal_data, verify_password


def test_passwords_are_hashed_and_verified() -> None:
    hashed = hash_password("secret-pass-1")
    assert hashed.startswith("$argon2") and "secret-pass-1" not in hashed
    assert verify_password(hashed, "secret-pass-1")
    assert not verify_password(hashed, "secret-pass-2")
    assert not verify_password("not-a-hash", "secret-pass-1")


def test_personal_data_is_masked() -> None:
    masked = mask_personal_data("电话13812345678 信用代码91330502MA2B3C4D5E")
    assert "13812345678" not in masked and "138****5678" in masked
    assert "MA2B3C" not in masked


def test_access_log_lines_are_masked() -> None:
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s"',
        ("127.0.0.1", "GET", "/api/bookings/TJ20261208-0001?phone=13912345678"),
        None,
    )
    MaskingFilter().filter(record)
    line = record.getMessage()
    assert "13912345678" not in line and "139****5678" in line


def test_log_arguments_given_by_name_are_masked() -> None:
    record = logging.LogRecord(
        "wxbot",
        logging.INFO,
        __file__,
        1,
        "预约人电话 %(phone)s",
        ({"phone": "13912345678"},),
        None,
    )
    MaskingFilter().filter(record)
    assert record.getMessage() == "预约人电话 139****5678"
