"""The chat page in a real browser at a phone's size, against the real stack: the hot questions
on open, a lost reply retried and answered once, the history after a reload, 👍 stored, 转人工,
and a new conversation."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, Route
from sqlalchemy import select

from core.db import session_scope
from knowledge.conversations import ChatTurn, Feedback
from wxbot.stack import Stack

pytestmark = [pytest.mark.integration, pytest.mark.browser]

PHONE = {"viewport": {"width": 390, "height": 800}, "is_mobile": True, "has_touch": True}
WAIT = 60000


def _open(browser: Browser, stack: Stack) -> Page:
    page = browser.new_page(**PHONE)
    page.on("console", lambda m: _refused(m.text))
    page.goto(f"{stack.api_url}/chat")
    page.get_by_role("button", name="养犬登记与管理").wait_for(timeout=WAIT)
    return page


# What the content security policy blocked on the pages of a test: the chat needs nothing
# it blocks.
REFUSED: list[str] = []


@pytest.fixture(autouse=True)
def _nothing_refused() -> Iterator[None]:
    REFUSED.clear()
    yield
    assert REFUSED == []


def _refused(text: str) -> None:
    if "Content Security Policy" in text:
        REFUSED.append(text)


def _send(page: Page, text: str) -> None:
    page.fill("#input", text)
    page.keyboard.press("Enter")


def test_hot_questions_on_open_and_a_tap_gets_the_answer(stack: Stack, browser: Browser) -> None:
    page = _open(browser, stack)
    assert "大家都在问" in page.locator("#log").inner_text()
    page.get_by_role("button", name="什么是“首违不罚”？").click()
    page.locator(".row.user .bubble", has_text="什么是“首违不罚”？").wait_for(timeout=WAIT)
    page.get_by_text("初次违法", exact=False).last.wait_for(timeout=WAIT)
    page.get_by_role("button", name="转人工服务").click()
    page.get_by_text("人工坐席", exact=False).last.wait_for(timeout=WAIT)
    assert "12345政务服务热线" in page.locator("#log").inner_text()
    page.close()


def test_a_reply_lost_on_the_way_is_retried_and_answered_once(
    stack: Stack, browser: Browser
) -> None:
    page = _open(browser, stack)
    lost = {"count": 0}

    def lose_the_first_reply(route: Route) -> None:
        # The request reaches the server and is answered; the answer is lost on its way back
        # (a mobile network dropping), so the page sees a 503.
        if lost["count"] == 0 and "狗证" in (route.request.post_data or ""):
            lost["count"] += 1
            route.fetch()
            route.fulfill(status=503, body="{}", content_type="application/json")
        else:
            route.continue_()

    page.route("**/api/chat", lose_the_first_reply)
    _send(page, "狗证怎么办理")
    page.get_by_role("button", name="重发").wait_for(timeout=WAIT)
    assert "发送失败" in page.locator("#log").inner_text()
    page.get_by_role("button", name="重发").click()
    page.get_by_text("准养登记", exact=False).first.wait_for(timeout=WAIT)
    session_id = page.evaluate("localStorage.getItem('wxbot_session')")
    with session_scope(stack.database_url) as session:
        turns = list(
            session.scalars(
                select(ChatTurn).where(
                    ChatTurn.session_id == session_id, ChatTurn.text == "狗证怎么办理"
                )
            )
        )
    assert len(turns) == 1  # sent twice, answered once
    # the user's message is on the page once, and so is its answer
    assert page.locator(".row.user .bubble", has_text="狗证怎么办理").count() == 1

    # a reload shows the conversation so far
    page.reload()
    page.get_by_text("以上是之前的对话").wait_for(timeout=WAIT)
    assert page.locator(".row.user .bubble", has_text="狗证怎么办理").count() == 1
    assert "准养登记" in page.locator("#log").inner_text()

    # 👍 on an answer is stored with the question
    _send(page, "信用修复去哪里申请")
    page.locator(".feedback").last.wait_for(timeout=WAIT)
    page.get_by_role("button", name="有帮助").last.click()
    page.get_by_text("感谢您的反馈").wait_for(timeout=WAIT)
    with session_scope(stack.database_url) as session:
        rated = session.scalar(
            select(Feedback).join(ChatTurn).where(ChatTurn.session_id == session_id)
        )
        assert rated is not None and rated.rating == "up"
        assert rated.question == "信用修复去哪里申请" and "信用" in rated.answer

    # 新对话: a new server-issued id, the greeting again, the old messages gone
    page.get_by_role("button", name="开始新对话").click()
    page.get_by_role("button", name="养犬登记与管理").wait_for(timeout=WAIT)
    assert page.evaluate("localStorage.getItem('wxbot_session')") != session_id
    assert page.locator(".row.user").count() == 0
    page.close()


def test_a_message_shows_as_text_and_the_page_needs_no_outside_host(
    stack: Stack, browser: Browser
) -> None:
    page = browser.new_page(**PHONE)
    outside: list[str] = []
    page.on(
        "request",
        lambda r: outside.append(r.url) if not r.url.startswith(stack.api_url) else None,
    )
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{stack.api_url}/chat")
    page.get_by_role("button", name="养犬登记与管理").wait_for(timeout=WAIT)
    _send(page, "<img src=x onerror=alert(1)><script>alert(2)</script>")
    page.locator(".row.user .bubble", has_text="<img src=x").wait_for(timeout=WAIT)
    page.locator(".row.typing").wait_for(state="detached", timeout=WAIT)
    assert page.locator("#log img, #log script").count() == 0 and dialogs == []
    assert outside == [], outside
    sent = json.dumps(page.evaluate("localStorage.getItem('wxbot_session')"))
    assert "." in sent  # the id the server signed, not one the page made up
    page.close()


def test_the_widget_opens_the_chat_on_a_plain_page(stack: Stack, browser: Browser) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(f"{stack.api_url}/widget-demo")
    launcher = page.get_by_role("button", name="打开吴兴综合执法智能助手")
    launcher.click()
    assert launcher.get_attribute("aria-expanded") == "true"
    chat = page.frame_locator("iframe[title='吴兴综合执法智能助手']")
    chat.get_by_role("button", name="养犬登记与管理").wait_for(timeout=WAIT)
    chat.locator("#input").fill("遛狗要牵绳吗")
    chat.locator("#send").click()
    chat.get_by_text("牵", exact=False).last.wait_for(timeout=WAIT)
    launcher.click()  # the same button closes the panel
    assert launcher.get_attribute("aria-expanded") == "false"
    assert not page.locator("iframe[title='吴兴综合执法智能助手']").is_visible()
    page.close()


def test_a_message_sent_while_the_api_is_down_is_sent_again_once(
    stack: Stack, browser: Browser
) -> None:
    page = _open(browser, stack)
    session_id = page.evaluate("localStorage.getItem('wxbot_session')")
    stack.stop("api")
    try:
        _send(page, "信用修复要准备什么材料")
        page.get_by_role("button", name="重发").wait_for(timeout=WAIT)
        assert "网络不太好" in page.locator("#log").inner_text()
    finally:
        stack.start("api")
    page.get_by_role("button", name="重发").click()
    page.locator(".feedback").last.wait_for(timeout=WAIT)
    assert page.get_by_role("button", name="重发").count() == 0
    assert page.locator(".row.user .bubble", has_text="信用修复要准备什么材料").count() == 1
    with session_scope(stack.database_url) as session:
        turns = session.scalars(
            select(ChatTurn).where(
                ChatTurn.session_id == session_id, ChatTurn.text == "信用修复要准备什么材料"
            )
        ).all()
    assert len(turns) == 1 and turns[0].status == "done"
    page.close()


def _bot_says(page: Page, text: str) -> None:
    page.locator(".row.bot", has_text=text).last.wait_for(timeout=WAIT)


def test_a_booking_is_checked_on_a_card_and_confirmed_on_another(
    stack: Stack, browser: Browser
) -> None:
    page = _open(browser, stack)
    for answer, next_question in [
        ("我要预约企业体检", "名称"),
        ("湖州织里测试童装有限公司", "统一社会信用代码"),
        ("91110000600037341L", "联系人"),
        ("王建国", "手机号"),
        ("13812345678", "镇（街道）"),
        ("织里", "行业"),
        ("童装加工", "重点检查"),
        ("没有", "哪天"),
    ]:
        _send(page, answer)
        _bot_says(page, next_question)
    page.locator(".row.bot").last.locator("button.quick").first.click()  # the first day offered
    _bot_says(page, "上午还是下午")
    page.get_by_role("button", name="上午").last.click()
    summary = page.locator(".card.booking_summary").last
    summary.wait_for(timeout=WAIT)
    assert "湖州织里测试童装有限公司" in summary.inner_text()
    assert "13812345678" in summary.inner_text()  # the user's own page shows what was typed
    page.get_by_role("button", name="确认提交").last.click()
    done = page.locator(".card.booking_submitted").last
    done.wait_for(timeout=WAIT)
    assert "预约号" in done.inner_text() and "待工作人员确认" in done.inner_text()
    # After a reload the history draws both cards again, with the phone masked.
    page.reload()
    page.locator(".card.booking_submitted").last.wait_for(timeout=WAIT)
    assert "138****5678" in page.locator(".card.booking_summary").last.inner_text()
    assert "13812345678" not in page.locator("#log").inner_text()
    page.close()
