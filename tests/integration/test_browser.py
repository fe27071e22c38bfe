"""The pages in a real browser (Playwright driving Debian's chromium) against the real stack."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser

from wxbot.stack import Stack

pytestmark = [pytest.mark.integration, pytest.mark.browser]


def test_chat_page_on_a_phone(stack: Stack, browser: Browser) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 800}, is_mobile=True)
    page.goto(f"{stack.api_url}/chat")
    # The welcome message offers the topics as buttons.
    page.get_by_role("button", name="养犬登记与管理").wait_for(timeout=30000)
    page.fill("#input", "我在电线杆上拉绳子晒被子会被罚吗")
    page.click("#send")
    card = page.locator(".card").first
    card.wait_for(timeout=60000)
    assert "晾" in card.inner_text()
    assert "不是吴兴区公布的不予处罚清单原文" in card.inner_text()
    # A follow-up button in the reply works.
    page.get_by_role("button", name="依据是哪条？").first.click()
    page.get_by_text("第十四条", exact=False).last.wait_for(timeout=60000)
    # Markup typed by a user is shown as text, never run.
    page.fill("#input", "<img src=x onerror=alert(1)>你好")
    page.click("#send")
    page.locator(".row.user .bubble", has_text="<img src=x").wait_for(timeout=30000)
    assert page.locator(".row.user img").count() == 0
    page.close()


def test_selfcheck_page(stack: Stack, browser: Browser) -> None:
    page = browser.new_page()
    page.goto(f"{stack.api_url}/selfcheck")
    page.locator("#types button").first.wait_for(timeout=30000)
    page.get_by_role("button", name="养犬户", exact=False).click()
    page.locator("#summary", has_text="养犬户：共").wait_for(timeout=30000)
    assert page.locator(".item").count() >= 10
    assert "湖州市养犬管理规定" in page.locator("#list").inner_text()
    page.fill("#q", "门口摆桌子")
    page.click("#search button")
    page.get_by_text("搜索结果", exact=False).wait_for(timeout=30000)
    assert "超出" in page.locator(".item").first.inner_text()
    page.close()
