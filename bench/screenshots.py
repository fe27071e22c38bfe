"""Screenshots of the chat (for the README) and the staff console's main screens (for
docs/operations.md, 界面截图).

Starts a stack of its own (the real Rasa, action server and API, as the integration tests do) on
a fresh seeded database in a temporary folder, holds a few conversations through /api/chat so
the review, the unanswered groups and the dashboard have something to show, then drives Debian's
chromium with Playwright through the console: the login page, the FAQ list, the conversations,
the unanswered groups, the dashboard, one 训练并发布 job (the data unchanged, so it reuses the
live model: no real training) and its page, the models page and, after one edit of an FAQ
entry, the audit log. Nothing outside the temporary folder and the output folder is changed.

Run: .venv/bin/python -m bench.screenshots [--out docs/screenshots]   (needs a trained model,
`make train`, and a Chinese font for chromium, e.g. `apt-get install fonts-wqy-microhei`; takes
a few minutes on two cores)
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
from pathlib import Path

import httpx
from playwright.sync_api import Page, sync_playwright
from sqlalchemy import select

from core.accounts import StaffUser
from core.config import PROJECT_ROOT
from core.db import session_scope
from core.security import hash_password
from knowledge.models import FaqEntry
from wxbot.migrate import create_seeded_database
from wxbot.stack import model_ready, running_stack

OUT_DIR = PROJECT_ROOT / "docs" / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
STAFF, PASSWORD = "editor1", "screenshot-pass-1"
WAIT_MS = 120_000
JOB_MS = 900_000

# What people ask, one conversation per list: answered questions, follow-ups, and a few the
# assistant has no answer for (they fill the unanswered groups).
CONVERSATIONS = [
    ["你好", "首违不罚是什么意思", "第二次还能不罚吗"],
    ["我在店门口摆了两张桌子被说了", "会罚多少钱"],
    ["刚养了只小狗 狗证要去哪里办", "要带什么材料"],
    ["我在小区门口电线杆上拉了根绳晒被子 会被罚款吗", "依据是哪条"],
    ["信用修复怎么申请"],
    ["遛狗要牵绳吗"],
    ["执法大队的食堂对外开放吗"],
    ["城管执法车上能不能贴广告"],
    ["执法局有没有志愿者活动"],
    ["执法局有志愿者活动吗"],
]
# A checkup booked in the chat, up to the summary card (a made-up company, a test credit code).
BOOKING = [
    "我要预约企业体检",
    "湖州织里测试童装有限公司",
    "91110000600037341L",
    "王建国",
    "13812345678",
    "织里",
    "童装加工",
    "没有",
]
# The one edit made in the console, for the audit log: one more way of asking an FAQ entry.
EDITED_FAQ, NEW_PHRASING = "dog-registration-how", "狗证在哪里办理"


def converse(api_url: str) -> None:
    with httpx.Client(base_url=api_url, timeout=WAIT_MS / 1000) as client:
        for turns in CONVERSATIONS:
            created = client.post("/api/sessions")
            created.raise_for_status()
            session_id = created.json()["session_id"]
            for text in turns:
                reply = client.post("/api/chat", json={"session_id": session_id, "text": text})
                reply.raise_for_status()
            # the last answer of each conversation rated as people do: 👎 for "not answered"
            body = reply.json()
            answered = "暂时还不会回答" not in str(body["messages"])
            rating = {"rating": "up"} if answered else {"rating": "down", "comment": "没有回答"}
            client.post(
                "/api/feedback",
                json={"session_id": session_id, "message_id": body["message_id"], **rating},
            ).raise_for_status()


def chat_tour(page: Page, api: str, out: Path) -> None:
    """The chat at a phone's size: on open, an item card, a rated answer."""
    page.goto(f"{api}/chat")
    page.get_by_role("button", name="养犬登记与管理").wait_for()
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(out / "chat-open.png"))
    page.fill("#input", "我在小区门口电线杆上拉了根绳晒被子 会被罚款吗")
    page.keyboard.press("Enter")
    page.locator(".card").first.wait_for()
    page.locator(".card").first.scroll_into_view_if_needed()
    page.screenshot(path=str(out / "chat-card.png"))
    page.get_by_role("button", name="有帮助").last.click()
    page.get_by_text("感谢您的反馈").wait_for()
    page.get_by_role("button", name="罚多少钱？").last.click()
    page.locator(".row.bot .bubble", has_text="罚").last.wait_for()
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(out / "chat-follow-up.png"))
    for answer in BOOKING:
        answered = page.locator(".row.bot:not(.typing)")
        count = answered.count()
        page.fill("#input", answer)
        page.keyboard.press("Enter")
        answered.nth(count).wait_for()
    page.locator(".row.bot", has_text="哪天").last.locator("button.quick").first.click()
    page.get_by_role("button", name="上午").last.wait_for()
    page.get_by_role("button", name="上午").last.click()
    page.locator(".card.booking_summary").last.wait_for()
    page.locator(".card.booking_summary").last.scroll_into_view_if_needed()
    page.screenshot(path=str(out / "chat-booking.png"))
    print(out / "chat-*.png")


def has_chinese_font() -> bool:
    try:
        listed = subprocess.run(
            ["fc-list", ":lang=zh"], capture_output=True, text=True, check=False
        ).stdout
    except OSError:
        return False
    return bool(listed.strip())


def shoot(page: Page, out: Path, name: str, *, full_page: bool = False) -> None:
    page.wait_for_load_state("networkidle")
    path = out / f"console-{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    print(path)


def console_tour(page: Page, api: str, out: Path, database_url: str) -> None:
    page.goto(f"{api}/admin/login")
    page.fill("input[name=username]", STAFF)
    shoot(page, out, "login")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.get_by_text("退出登录").wait_for()

    page.goto(f"{api}/admin/faq-entry/list")
    shoot(page, out, "faq-list")
    page.goto(f"{api}/admin/conversations")
    shoot(page, out, "conversations")
    page.goto(f"{api}/admin/unanswered-groups")
    shoot(page, out, "unanswered")
    page.goto(f"{api}/admin/dashboard")
    shoot(page, out, "dashboard", full_page=True)

    page.goto(f"{api}/admin/models")
    page.get_by_role("button", name="训练并发布").click()
    page.wait_for_url("**/admin/models/jobs/*")
    page.wait_for_function(
        "() => !['排队中', '训练中'].includes("
        "document.getElementById('job-state').textContent.trim())",
        timeout=JOB_MS,
        polling=1000,
    )
    shoot(page, out, "training-job")
    page.goto(f"{api}/admin/models")
    shoot(page, out, "models", full_page=True)

    with session_scope(database_url) as session:
        faq = session.scalar(select(FaqEntry).where(FaqEntry.key == EDITED_FAQ))
        assert faq is not None
        faq_id, phrasings = faq.id, list(faq.alt_questions or [])
    page.goto(f"{api}/admin/faq-entry/edit/{faq_id}")
    page.locator("#alt_questions").fill("\n".join([*phrasings, NEW_PHRASING]))
    page.get_by_role("button", name="保存", exact=True).click()
    page.wait_for_url("**/faq-entry/list**")
    page.goto(f"{api}/admin/audit-record/list")
    shoot(page, out, "audit-log")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT_DIR)
    args = parser.parse_args()
    if not model_ready():
        raise SystemExit("没有当前数据的模型：请先运行 make train")
    if not has_chinese_font():
        raise SystemExit(
            "没有中文字体，截图里的中文会显示成方框：apt-get install fonts-wqy-microhei"
        )
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="wxbot-shots-") as tmp:
        workdir = Path(tmp)
        url = f"sqlite:///{workdir / 'app.db'}"
        create_seeded_database(url)
        with session_scope(url) as session:
            session.add(
                StaffUser(username=STAFF, password_hash=hash_password(PASSWORD), role="editor")
            )
        with running_stack(workdir, url) as stack, sync_playwright() as p:
            converse(stack.api_url)
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
            context.set_default_timeout(WAIT_MS)
            phone = browser.new_context(
                viewport={"width": 390, "height": 780}, is_mobile=True, locale="zh-CN"
            )
            phone.set_default_timeout(WAIT_MS)
            try:
                chat_tour(phone.new_page(), stack.api_url, out)
                console_tour(context.new_page(), stack.api_url, out, url)
            finally:
                browser.close()


if __name__ == "__main__":
    main()
