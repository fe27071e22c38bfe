"""A checkup message: a request starts the form, a question is answered, a message about an
existing booking is clarified (the categorical slot checkup_mode tells the rules)."""

from __future__ import annotations

from typing import Any

from actions.checkup.intro import ActionCheckupIntro
from tests.actions.checkup.conftest import run_action
from tests.actions.conftest import buttons_of, texts_of


def mode(events: list[dict[str, Any]]) -> Any:
    return [e["value"] for e in events if e.get("name") == "checkup_mode"][-1]


def test_question_about_the_service_is_answered_not_booked() -> None:
    dispatcher, events = run_action(
        ActionCheckupIntro(), {}, "企业吹哨部门报到是啥意思", "ask_checkup"
    )
    assert "378家企业" in texts_of(dispatcher)
    assert "我要预约体检" in [b["title"] for b in buttons_of(dispatcher)]
    assert mode(events) == "info"


def test_a_request_starts_the_form() -> None:
    dispatcher, events = run_action(ActionCheckupIntro(), {}, "我想预约上门体检", "book_checkup")
    text = texts_of(dispatcher)
    assert "帮您预约" in text
    # what the service is comes first, from the topic the staff keep
    assert "企业吹哨，部门报到" in text and text.index("企业吹哨") < text.index("帮您预约")
    assert mode(events) == "book"
    cleared = {e["name"] for e in events if e.get("event") == "slot" and e["value"] is None}
    assert {"company_name", "booking_confirmed"} <= cleared  # from the domain's form


def test_a_lookup_read_as_a_new_booking_is_clarified() -> None:
    dispatcher, events = run_action(
        ActionCheckupIntro(), {}, "帮我查一下体检预约的进度", "book_checkup"
    )
    assert "查询已有预约" in [b["title"] for b in buttons_of(dispatcher)]
    assert mode(events) == "info"


def test_asking_for_the_factory_to_be_checked_is_not_a_lookup() -> None:
    """ "派人来厂里查查" asks for a checkup, not for an existing booking."""
    dispatcher, _ = run_action(
        ActionCheckupIntro(), {}, "想让你们派人来厂里查查有啥问题 企业体检咋搞的", "ask_checkup"
    )
    assert "查询已有预约" not in [b["title"] for b in buttons_of(dispatcher)]
    assert "帮您预约" in texts_of(dispatcher)
