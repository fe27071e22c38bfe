"""The staff console: login, Chinese interface, booking handling, knowledge edits, import."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook
from sqlalchemy import select

from api.app import create_app
from api.deps import get_rasa
from booking import capacity
from booking.models import Booking
from booking.rules import BookingRules
from core.config import Settings
from core.db import session_scope
from knowledge.models import FaqEntry, NoPenaltyItem, Town
from tests.api.conftest import FakeRasa
from tests.api.console import add_staff, form_token, login, submit, try_login
from tests.conftest import add_booking


@pytest.fixture
def console(fresh_db_url: str) -> Iterator[TestClient]:
    add_staff(fresh_db_url, "alice", "editor")
    add_staff(fresh_db_url, "root", "admin")
    app = create_app(Settings(database_url=fresh_db_url, secret_key="test-secret"))
    app.dependency_overrides[get_rasa] = FakeRasa
    with TestClient(app) as client:
        yield client


def test_console_requires_login(console: TestClient) -> None:
    response = console.get("/admin/booking/list", follow_redirects=False)
    assert response.status_code in (302, 303) and "/admin/login" in response.headers["location"]
    page = console.get("/admin/login")
    assert "用户名" in page.text and "密码" in page.text
    wrong = try_login(console, "alice", "wrong")
    assert wrong.status_code == 400 and "用户名或密码不正确" in wrong.text
    assert console.get("/admin/booking/list", follow_redirects=False).status_code in (302, 303)


def _booking(url: str) -> int:
    return add_booking(url).id


def test_staff_move_a_booking_through_its_statuses(console: TestClient, fresh_db_url: str) -> None:
    booking_id = _booking(fresh_db_url)
    login(console)
    listing = console.get("/admin/booking/list")
    assert (
        "体检预约" in listing.text
        and "TJ20261208-0001" in listing.text
        and "退出登录" in listing.text
    )
    response = submit(
        console,
        f"/admin/booking/edit/{booking_id}",
        {"status": "confirmed", "staff_note": "已电话联系，12月8日上午9点到"},
    )
    assert response.status_code == 302
    with session_scope(fresh_db_url) as session:
        stored = session.get(Booking, booking_id)
        assert stored is not None
        assert stored.status == "confirmed" and stored.staff_note.startswith("已电话联系")
        assert [(e.status, e.actor) for e in stored.events] == [
            ("submitted", "citizen"),
            ("confirmed", "staff:alice"),
        ]
    bad = submit(
        console, f"/admin/booking/edit/{booking_id}", {"status": "submitted", "staff_note": ""}
    )
    assert bad.status_code == 400 and "不能从" in bad.text


def test_staff_see_bookings_of_one_town(console: TestClient, fresh_db_url: str) -> None:
    add_booking(fresh_db_url, town="织里镇", company="织里童装有限公司")
    add_booking(fresh_db_url, town="八里店镇", company="八里店机械有限公司", phone="13900001111")
    with session_scope(fresh_db_url) as session:
        zhili = session.scalar(select(Town).where(Town.name == "织里镇"))
        assert zhili is not None
        zhili_id = zhili.id
    login(console)
    everything = console.get("/admin/booking/list").text
    assert "织里童装有限公司" in everything and "八里店机械有限公司" in everything
    listing = console.get("/admin/booking/list", params={"town_id": zhili_id})
    assert "镇街" in listing.text
    assert "织里童装有限公司" in listing.text and "八里店机械有限公司" not in listing.text


def test_cancel_by_staff_frees_the_place(console: TestClient, fresh_db_url: str) -> None:
    """The half-day is full (two bookings, the default capacity); a cancel frees a place."""
    booking_id = _booking(fresh_db_url)
    add_booking(fresh_db_url, company="湖州另一家有限公司", phone="13900001111")
    with session_scope(fresh_db_url) as session:
        town = session.scalar(select(Town).where(Town.name == "织里镇"))
        assert town is not None
        assert not capacity.has_room(session, town, dt.date(2026, 12, 8), "上午", BookingRules())
    login(console)
    submit(
        console,
        f"/admin/booking/edit/{booking_id}",
        {"status": "cancelled", "staff_note": "企业改期"},
    )
    with session_scope(fresh_db_url) as session:
        town = session.scalar(select(Town).where(Town.name == "织里镇"))
        assert town is not None
        assert capacity.has_room(session, town, dt.date(2026, 12, 8), "上午", BookingRules())
        stored = session.get(Booking, booking_id)
        assert stored is not None and stored.status == "cancelled"


def test_faq_edit_is_stamped_and_live(console: TestClient, fresh_db_url: str) -> None:
    with session_scope(fresh_db_url) as session:
        faq = session.scalar(select(FaqEntry).where(FaqEntry.key == "dog-leash"))
        assert faq is not None
        faq_id = faq.id
    login(console)
    form = console.get(f"/admin/faq-entry/edit/{faq_id}")
    assert form.status_code == 200 and "其他问法（每行一个）" in form.text
    # the topic is picked from the registry's topics, not typed
    assert re.search(r'<select[^>]*name="topic"', form.text)
    assert '<option selected value="dog">' in form.text or 'value="dog" selected' in form.text
    identity = "faq-entry"
    data = {
        "key": "dog-leash",
        "topic": "dog",
        "question": "遛狗要牵绳吗？",
        "alt_questions": "狗绳多长\n遛狗不牵绳行不行",
        "answer": "要牵绳（工作人员测试修改）。",
        "source": "《湖州市养犬管理规定》第十二条",
        "source_ref": "",
        "related": "",
        "active": "y",
    }
    submit(console, f"/admin/{identity}/edit/{faq_id}", data)
    with session_scope(fresh_db_url) as session:
        faq = session.get(FaqEntry, faq_id)
        assert faq is not None
        assert faq.answer == "要牵绳（工作人员测试修改）。" and faq.updated_by == "staff:alice"
        assert faq.alt_questions == ["狗绳多长", "遛狗不牵绳行不行"]
    no_source = submit(console, f"/admin/{identity}/edit/{faq_id}", data | {"source": ""})
    assert no_source.status_code == 400 and "依据" in no_source.text


def test_staff_see_how_each_fine_is_structured(console: TestClient, fresh_db_url: str) -> None:
    login(console)
    listing = console.get("/admin/no-penalty-item/list?search=REF-044")
    assert listing.status_code == 200
    assert "责令改正并处罚款（罚款不以逾期不改正为前提）" in listing.text
    with session_scope(fresh_db_url) as session:
        item = session.scalar(select(NoPenaltyItem).where(NoPenaltyItem.code == "REF-044"))
        assert item is not None
        item_id, quote = item.id, item.penalty_quote
    form = console.get(f"/admin/no-penalty-item/edit/{item_id}")
    assert "罚则原文（逐字摘录）" in form.text and quote[:12] in form.text
    assert "逾期不改正才罚款" in form.text  # the choices staff pick from


def test_import_page_reports_rows(console: TestClient, fresh_db_url: str) -> None:
    login(console)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["序号", "领域", "违法行为", "法律依据", "处罚依据", "适用条件"])
    sheet.append(
        [
            1,
            "犬类管理",
            "携犬出户未佩戴犬牌",
            "《湖州市养犬管理规定》第十二条",
            "同条第三款",
            "当场改正",
        ]
    )
    sheet.append(["x", "犬类管理", "", "", "", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    token = form_token(console, "/admin/import-list")
    upload = {"csrftoken": token}
    bad = console.post(
        "/admin/import-list", data=upload, files={"file": ("清单.xlsx", buffer.getvalue())}
    )
    assert "第3行" in bad.text and "整份文件未导入" in bad.text
    sheet.delete_rows(3)
    buffer = io.BytesIO()
    workbook.save(buffer)
    good = console.post(
        "/admin/import-list", data=upload, files={"file": ("清单.xlsx", buffer.getvalue())}
    )
    assert "新增 1 项" in good.text
    with session_scope(fresh_db_url) as session:
        item = session.scalar(select(NoPenaltyItem).where(NoPenaltyItem.origin == "official_list"))
        assert item is not None and item.updated_by.startswith("staff:alice")


def test_only_admins_see_staff_accounts(console: TestClient) -> None:
    login(console)
    assert console.get("/admin/staff-user/list").status_code == 403
    assert "工作人员" not in console.get("/admin/").text
    console.get("/admin/logout")
    login(console, "root")
    assert console.get("/admin/staff-user/list").status_code == 200
    assert "工作人员" in console.get("/admin/").text
