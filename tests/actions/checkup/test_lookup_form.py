"""Lookup and cancel need the reference and the phone it was made with; guessing stops."""

from __future__ import annotations

import asyncio

from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.checkup.booking_form import ActionSubmitCheckup
from actions.checkup.lookup_form import (
    ActionBookingLookup,
    ActionLookupStart,
    ValidateBookingLookupForm,
)
from booking.models import Booking
from core.db import session_scope
from tests.actions.checkup.conftest import FILLED, form_tracker, run_action, validate
from tests.actions.conftest import texts_of
from tests.domain import domain

LOOKUP = "booking_lookup_form"


def test_lookup_and_cancel(fresh_db_url: str) -> None:
    run_action(ActionSubmitCheckup(), FILLED | {"booking_confirmed": "yes"})
    wrong = form_tracker(
        "13900000000", "lookup_phone", {"lookup_reference": "TJ20261208-0001"}, loop=LOOKUP
    )
    dispatcher, slots, _ = validate(ValidateBookingLookupForm(), wrong)
    assert "没有找到" in texts_of(dispatcher) and slots["lookup_reference"] is None

    right = {
        "lookup_reference": "TJ20261208-0001",
        "lookup_phone": "13812345678",
        "lookup_purpose": "query",
    }
    dispatcher, _ = run_action(ActionBookingLookup(), right)
    text = texts_of(dispatcher)
    assert "待工作人员确认" in text and "138****5678" in text and "13812345678" not in text

    cancel = right | {"lookup_purpose": "cancel", "cancel_confirmed": "yes"}
    dispatcher, _ = run_action(ActionBookingLookup(), cancel)
    assert "已取消" in texts_of(dispatcher)
    with session_scope(fresh_db_url) as session:
        assert session.scalars(select(Booking)).one().status == "cancelled"


def test_reference_and_phone_in_the_first_message() -> None:
    _, events = run_action(
        ActionLookupStart(), {}, "查一下TJ20261208-0001 手机13812345678", "query_booking"
    )
    last = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert last["lookup_reference"] == "TJ20261208-0001"
    assert last["lookup_phone"] == "13812345678"
    assert last["lookup_purpose"] == "query"


def test_repeated_wrong_lookups_stop(fresh_db_url: str) -> None:
    tracker = form_tracker(
        "13900000000",
        "lookup_phone",
        {"lookup_reference": "TJ20261208-0009", "lookup_failures": 2},
        loop=LOOKUP,
    )
    dispatcher, slots, _ = validate(ValidateBookingLookupForm(), tracker)
    assert "多次核对都没有找到" in texts_of(dispatcher)
    assert slots["requested_slot"] is None


def test_query_needs_no_cancel_confirmation() -> None:
    form = ValidateBookingLookupForm()
    tracker = form_tracker("", None, {"lookup_purpose": "query"}, loop=LOOKUP)
    slots = asyncio.run(
        form.required_slots(
            ["lookup_reference", "lookup_phone", "cancel_confirmed"],
            CollectingDispatcher(),
            tracker,
            domain(),
        )
    )
    assert slots == ["lookup_reference", "lookup_phone"]
