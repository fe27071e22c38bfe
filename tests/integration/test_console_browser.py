"""The staff console's whole loop in a real browser (Playwright driving Debian's chromium)
against the real stack: a staff member logs in, adds an FAQ entry that the very next chat
question gets, deactivates it again, finds both changes in 修改记录; turns an unanswered
question into an FAQ entry in two clicks; and clicks 训练并发布: a broken phrase set is refused
with the reason and the old model stays, a good one is trained, checked and published, and
rolled back again.

Everything the tests add to the shared stack is taken out again at the end (the staff account,
its FAQ entries and log entries, the unanswered questions asked here, the FAQ entry the training
changed, the live model). The training teaches the phrases of test_model_publish.py, so the two
share one model (cached by the data's fingerprint in ~/.cache/wxbot/models): one real training
at most in a run, none when the cache has it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from playwright.sync_api import Browser, Page, ViewportSize
from sqlalchemy import delete, func, select

from core.accounts import StaffUser
from core.audit import AuditRecord
from core.db import session_scope
from knowledge import bot_models
from knowledge.models import FaqEntry, UnansweredQuestion
from tests.api.console import PASSWORD, add_staff
from tests.integration.test_model_publish import BROKEN, FAQ, TAUGHT, live_etag, wait_for_model
from wxbot import texts as job_texts
from wxbot.stack import Stack

pytestmark = [pytest.mark.integration, pytest.mark.browser]

STAFF = "browser-editor"
DESKTOP: ViewportSize = {"width": 1366, "height": 900}
WAIT_MS = 120_000  # a page or a chat answer, on two busy cores
JOB_MS = 1_800_000  # a real training and its checks

# Clearly test text: no fact about the bureau is made up here.
NEW_KEY = "browser-test-volunteers"
NEW_QUESTION = "执法局有没有志愿者活动？"
ASKED = "执法局有没有志愿者活动"
NEW_ANSWER = "（测试条目）浏览器测试新建的常见问题答案，不是真实信息。"
NEW_SOURCE = "（测试条目）浏览器测试"
UNANSWERED = "执法大队的食堂对外开放吗"
GROUP_ANSWER = "（测试条目）由未回答问题转成的常见问题答案，不是真实信息。"


def words(messages: list[dict[str, Any]]) -> str:
    return json.dumps(messages, ensure_ascii=False)


def chat(stack: Stack, text: str) -> str:
    """Everything the assistant replies to `text` in a new conversation."""
    created = httpx.post(f"{stack.api_url}/api/sessions", timeout=WAIT_MS / 1000)
    assert created.status_code == 201, created.text
    response = httpx.post(
        f"{stack.api_url}/api/chat",
        json={"session_id": created.json()["session_id"], "text": text},
        timeout=WAIT_MS / 1000,
    )
    assert response.status_code == 200, response.text
    return words(response.json()["messages"])


@pytest.fixture(scope="module")
def console(stack: Stack, browser: Browser) -> Iterator[Page]:
    """A desktop browser logged in to the console as an editor; the module's traces removed
    from the shared database afterwards."""
    url = stack.database_url
    with session_scope(url) as session:
        first_new_question = (session.scalar(select(func.max(UnansweredQuestion.id))) or 0) + 1
        rows = session.execute(
            select(UnansweredQuestion.id, UnansweredQuestion.note).where(
                UnansweredQuestion.status == "new"
            )
        )
        waiting = {row.id: row.note for row in rows}
    add_staff(url, STAFF, "editor")
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    refused: list[str] = []  # what the content security policy blocked: nothing may be
    page.on(
        "console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None
    )
    try:
        page.goto(f"{stack.api_url}/admin/")
        assert "/admin/login" in page.url
        page.fill("input[name=username]", STAFF)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.get_by_text("退出登录").wait_for()
        yield page
        assert refused == [], refused
    finally:
        context.close()
        with session_scope(url) as session:
            session.execute(
                delete(FaqEntry).where(
                    FaqEntry.key == NEW_KEY, FaqEntry.updated_by == f"staff:{STAFF}"
                )
            )
            session.execute(
                delete(FaqEntry).where(
                    FaqEntry.question == UNANSWERED, FaqEntry.updated_by == f"staff:{STAFF}"
                )
            )
            session.execute(
                delete(UnansweredQuestion).where(UnansweredQuestion.id >= first_new_question)
            )
            for row in session.scalars(
                select(UnansweredQuestion).where(UnansweredQuestion.id.in_(list(waiting)))
            ):
                row.status, row.note = "new", waiting[row.id]
            session.execute(delete(AuditRecord).where(AuditRecord.actor == f"staff:{STAFF}"))
            session.execute(delete(StaffUser).where(StaffUser.username == STAFF))


def set_field(page: Page, selector: str, value: str) -> None:
    """Fill in a text field or choose from a list, whichever the form shows."""
    field = page.locator(selector)
    if field.evaluate("e => e.tagName") == "SELECT":
        field.select_option(value)
    else:
        field.fill(value)


def save(page: Page) -> None:
    page.get_by_role("button", name="保存", exact=True).click()
    page.wait_for_url("**/faq-entry/list**")


def test_an_faq_made_in_the_console_answers_the_next_question(stack: Stack, console: Page) -> None:
    page = console
    assert NEW_ANSWER not in chat(stack, ASKED)

    page.goto(f"{stack.api_url}/admin/faq-entry/create")
    set_field(page, "#key", NEW_KEY)
    set_field(page, "#topic", "general")
    set_field(page, "#question", NEW_QUESTION)
    set_field(page, "#answer", NEW_ANSWER)
    set_field(page, "#source", NEW_SOURCE)
    page.locator("#active").check()
    save(page)
    page.goto(f"{stack.api_url}/admin/faq-entry/list?search={quote(NEW_KEY)}")
    row = page.locator("tbody tr", has_text=NEW_KEY)
    assert NEW_QUESTION in row.inner_text() and f"staff:{STAFF}" in row.inner_text()

    assert NEW_ANSWER in chat(stack, ASKED)

    # Deactivated (edit, untick 启用): the next answer no longer uses it.
    row.get_by_label("编辑").click()
    page.locator("#active").uncheck()
    save(page)
    assert NEW_ANSWER not in chat(stack, ASKED)

    # 修改记录 shows both changes, each with the staff member's name.
    page.goto(f"{stack.api_url}/admin/audit-record/list?search={quote(NEW_QUESTION)}")
    rows = page.locator("tbody tr", has_text=NEW_QUESTION)
    rows.first.wait_for()
    shown = [rows.nth(i).inner_text() for i in range(rows.count())]
    assert len(shown) == 2, shown
    updated, created = shown  # newest first
    assert "新建" in created and STAFF in created
    assert "修改" in updated and STAFF in updated and "启用" in updated


def test_an_unanswered_question_becomes_an_faq_in_two_clicks(stack: Stack, console: Page) -> None:
    page = console
    assert GROUP_ANSWER not in chat(stack, UNANSWERED)
    with session_scope(stack.database_url) as session:
        recorded = session.scalar(
            select(func.count())
            .select_from(UnansweredQuestion)
            .where(UnansweredQuestion.text == UNANSWERED, UnansweredQuestion.status == "new")
        )
    assert recorded, "the chat did not record the unanswered question"

    page.goto(f"{stack.api_url}/admin/unanswered-groups")
    groups = page.locator("section[aria-label^='问题组']")
    group = groups.filter(has=page.locator("h4", has_text=UNANSWERED))
    assert UNANSWERED in group.locator("h4").inner_text()
    group.get_by_text("转为新 FAQ").click()  # first click
    group.locator("textarea[name=answer]").fill(GROUP_ANSWER)
    group.locator("input[name=source]").fill(NEW_SOURCE)
    group.get_by_role("button", name="保存并上线").click()  # second click
    page.get_by_role("status").wait_for()
    assert f"已新建 FAQ「{UNANSWERED}」" in page.get_by_role("status").inner_text()
    # (the new entry is now offered in every group's list of FAQ entries to add phrasings to)
    assert groups.locator("h4, li").filter(has_text=UNANSWERED).count() == 0

    assert GROUP_ANSWER in chat(stack, UNANSWERED)
    # Stamped with the staff member (so the module's cleanup takes it out again).
    with session_scope(stack.database_url) as session:
        made = session.scalar(select(FaqEntry).where(FaqEntry.question == UNANSWERED))
        assert made is not None and made.updated_by == f"staff:{STAFF}"


def faq_state(url: str) -> dict[str, Any]:
    with session_scope(url) as session:
        faq = session.scalar(select(FaqEntry).where(FaqEntry.key == FAQ))
        assert faq is not None
        return {c.key: getattr(faq, c.key) for c in FaqEntry.__mapper__.column_attrs}


def restore_faq(url: str, state: dict[str, Any]) -> None:
    with session_scope(url) as session:
        faq = session.get(FaqEntry, state["id"])
        assert faq is not None
        for key, value in state.items():
            setattr(faq, key, value)


def set_phrasings(page: Page, stack: Stack, faq_id: int, phrasings: list[str]) -> None:
    """Edit the FAQ entry's 其他问法 in the console."""
    page.goto(f"{stack.api_url}/admin/faq-entry/edit/{faq_id}")
    page.locator("#alt_questions").fill("\n".join(phrasings))
    save(page)


def live_fingerprint(page: Page, stack: Stack) -> str:
    page.goto(f"{stack.api_url}/admin/models")
    return page.locator("#live-model code").inner_text().strip()


def train(page: Page, stack: Stack) -> None:
    """Click 训练并发布 on the models page: the job's page opens."""
    page.goto(f"{stack.api_url}/admin/models")
    page.get_by_role("button", name="训练并发布").click()
    page.wait_for_url("**/admin/models/jobs/*")
    page.get_by_text("训练任务 #").wait_for()


def wait_for_state(page: Page, label: str, timeout: float = JOB_MS) -> None:
    """Until the job page (which follows the job by itself) shows the job in this state."""
    page.wait_for_function(
        "label => document.getElementById('job-state').textContent.trim() === label",
        arg=label,
        timeout=timeout,
        polling=1000,
    )


def test_training_and_publishing_from_the_console(stack: Stack, console: Page) -> None:
    page = console
    url = stack.database_url
    original = faq_state(url)
    phrasings = list(original["alt_questions"] or [])
    old_fingerprint = live_fingerprint(page, stack)
    old_etag = live_etag(stack)
    try:
        # A phrase Rasa's validation rejects: refused before any training, reason shown.
        set_phrasings(page, stack, original["id"], [*phrasings, BROKEN])
        train(page, stack)
        wait_for_state(page, bot_models.JOB_STATES["failed"])
        reason = page.locator("#job-reason").inner_text()
        assert "训练数据检查未通过" in reason and "你好" in reason
        assert job_texts.STEP_TRAIN not in page.locator("#job-log").inner_text()
        assert live_fingerprint(page, stack) == old_fingerprint
        assert "训练数据检查未通过" in page.locator("#jobs tbody tr").first.inner_text()
        assert "准养登记" in chat(stack, "狗证怎么办")

        # New phrasings: trained, checked and published, the progress shown as it goes.
        set_phrasings(page, stack, original["id"], [*phrasings, *TAUGHT])
        train(page, stack)
        page.wait_for_function(
            """running => document.getElementById('job-state').textContent.trim() === running
                && document.getElementById('job-step').textContent.trim() !== ''
                && document.getElementById('job-log').textContent.includes('== ')""",
            arg=bot_models.JOB_STATES["running"],
            timeout=JOB_MS,
            polling=500,
        )
        wait_for_state(page, bot_models.JOB_STATES["published"])
        log = page.locator("#job-log").inner_text()
        assert job_texts.STEP_VALIDATE in log and job_texts.STEP_PUBLISH in log, log[-3000:]
        assert page.locator("#job-step").inner_text().strip() == job_texts.STEP_DONE
        model = page.locator("#job-model").inner_text().strip()
        assert model.startswith("wx-")
        new_fingerprint = live_fingerprint(page, stack)
        assert new_fingerprint != old_fingerprint and new_fingerprint in model
        assert "线上" in page.locator("#models tbody tr", has_text=model).inner_text()

        # One click back to the model that was live before.
        page.once("dialog", lambda dialog: dialog.accept())
        page.get_by_role("button", name="回滚到上一个模型", exact=False).click()
        page.get_by_text("已回滚到", exact=False).wait_for()
        assert live_fingerprint(page, stack) == old_fingerprint
    finally:
        restore_faq(url, original)
        with session_scope(url) as session:
            live = bot_models.live_model(session)
            if live is not None and live.etag != old_etag:
                bot_models.rollback(session, by="test")
        # the other tests expect Rasa to run the old model again
        wait_for_model(stack, old_etag, timeout=600)
