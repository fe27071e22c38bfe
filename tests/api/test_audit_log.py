"""Every console change is in the log (who, when, which record, before and after); the log
filters by table, record, staff member and day; an FAQ entry or item goes back to an earlier
version in one click; and an FAQ made in the console is answered at the next turn."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.app import create_app
from api.deps import get_rasa
from core.audit import AuditRecord
from core.config import Settings
from core.db import session_scope
from knowledge.answering import AnsweringService, FaqAnswer, Turn
from knowledge.models import FaqEntry, NoPenaltyItem, Topic, Town
from knowledge.snapshot import snapshot
from tests.api.conftest import FakeRasa
from tests.api.console import add_staff, form_token, login, submit
from tests.conftest import add_booking

NEW_FAQ = {
    "key": "dog-metro",
    "topic": "dog",
    "question": "可以带狗坐地铁吗？",
    "alt_questions": "狗能不能上地铁\n带宠物狗乘地铁",
    "answer": "（工作人员测试条目）携带犬只乘坐公共交通工具，请遵守承运单位的规定。",
    "source": "工作人员核实 2026-12-10",
    "source_ref": "",
    "related": "",
    "active": "y",
}


@pytest.fixture
def console(fresh_db_url: str) -> Iterator[TestClient]:
    add_staff(fresh_db_url, "alice", "editor")
    add_staff(fresh_db_url, "root", "admin")
    app = create_app(Settings(database_url=fresh_db_url, secret_key="test-secret"))
    app.dependency_overrides[get_rasa] = FakeRasa
    with TestClient(app) as client:
        login(client)
        yield client


def _log(url: str) -> list[AuditRecord]:
    with session_scope(url) as session:
        return list(session.scalars(select(AuditRecord).order_by(AuditRecord.id)))


def _faq_id(url: str, key: str) -> int:
    with session_scope(url) as session:
        faq = session.scalar(select(FaqEntry).where(FaqEntry.key == key))
        assert faq is not None
        return faq.id


def _create_faq(console: TestClient, url: str) -> int:
    response = submit(console, "/admin/faq-entry/create", NEW_FAQ)
    assert response.status_code == 302, response.text[:500]
    return _faq_id(url, "dog-metro")


def _edit_faq(console: TestClient, faq_id: int, **changes: str) -> None:
    response = submit(console, f"/admin/faq-entry/edit/{faq_id}", NEW_FAQ | changes)
    assert response.status_code == 302, response.text[:500]


def test_create_edit_delete_of_an_faq_are_logged(console: TestClient, fresh_db_url: str) -> None:
    faq_id = _create_faq(console, fresh_db_url)
    _edit_faq(console, faq_id, answer="改过的答案。")
    token = form_token(console, f"/admin/faq-entry/edit/{faq_id}")
    deleted = console.delete(
        f"/admin/faq-entry/delete?pks={faq_id}", headers={"x-csrftoken": token}
    )
    assert deleted.status_code == 200
    created, edited, removed = _log(fresh_db_url)
    assert (created.action, created.actor, created.table_name) == (
        "create",
        "staff:alice",
        "faq_entries",
    )
    assert created.record_id == str(faq_id) and created.before is None
    assert created.after is not None and created.after["question"] == "可以带狗坐地铁吗？"
    assert created.day == dt.date.today()
    assert edited.action == "update" and edited.changed == ["answer"]
    assert edited.before is not None and edited.after is not None
    assert edited.before["answer"] == NEW_FAQ["answer"] and edited.after["answer"] == "改过的答案。"
    assert removed.action == "delete" and removed.after is None
    assert removed.before is not None and removed.before["answer"] == "改过的答案。"
    # Saving without a change adds nothing.
    item = _first_item(fresh_db_url)
    submit(console, f"/admin/no-penalty-item/edit/{item.id}", _item_form(item))
    assert len(_log(fresh_db_url)) == 3


def test_the_log_page_shows_and_filters_the_changes(console: TestClient, fresh_db_url: str) -> None:
    faq_id = _create_faq(console, fresh_db_url)
    _edit_faq(console, faq_id, answer="改过的答案。")
    with session_scope(fresh_db_url) as session:
        town = session.scalar(select(Town).where(Town.name == "织里镇"))
        assert town is not None
        town_id = town.id
    town_form = {
        "name": "织里镇",
        "kind": "镇",
        "short_names": "织里",
        "active": "y",
        "checkup_capacity": "3",
    }
    assert submit(console, f"/admin/town/edit/{town_id}", town_form).status_code == 302

    listing = console.get("/admin/audit-record/list")
    assert listing.status_code == 200
    assert "可以带狗坐地铁吗？" in listing.text and "织里镇" in listing.text
    assert "常见问题" in listing.text and "新建" in listing.text and "修改" in listing.text
    only_towns = console.get("/admin/audit-record/list", params={"table_name": "towns"}).text
    assert "织里镇" in only_towns and "可以带狗坐地铁吗？" not in only_towns
    assert "每半天体检名额" in only_towns  # the changed field, named as the console names it
    by_staff = console.get("/admin/audit-record/list", params={"actor": "staff:root"}).text
    assert "可以带狗坐地铁吗？" not in by_staff
    today = console.get("/admin/audit-record/list", params={"day": dt.date.today().isoformat()})
    assert "可以带狗坐地铁吗？" in today.text
    yesterday = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    assert (
        "可以带狗坐地铁吗？"
        not in console.get("/admin/audit-record/list", params={"day": yesterday}).text
    )
    # The FAQ's own page links to its history, which has its two changes only.
    details = console.get(f"/admin/faq-entry/details/{faq_id}").text
    history = re.search(r'href="([^"]*audit-record/list\?[^"]*record_id=[^"]*)"', details)
    assert history is not None
    own = console.get(history.group(1).replace("&amp;", "&")).text
    assert own.count("可以带狗坐地铁吗？") == 2 and "织里镇" not in own
    # The details of a change show before and after.
    edited = _log(fresh_db_url)[1]
    page = console.get(f"/admin/audit-record/details/{edited.id}").text
    assert NEW_FAQ["answer"] in page and "改过的答案。" in page


def test_the_log_cannot_be_edited_or_deleted(console: TestClient, fresh_db_url: str) -> None:
    _create_faq(console, fresh_db_url)
    entry = _log(fresh_db_url)[0]
    assert console.get(f"/admin/audit-record/edit/{entry.id}").status_code == 403
    token = form_token(console, "/admin/password")
    refused = console.delete(
        f"/admin/audit-record/delete?pks={entry.id}", headers={"x-csrftoken": token}
    )
    assert refused.status_code == 403
    assert len(_log(fresh_db_url)) == 1


def _restore(console: TestClient, entry_id: int, which: str) -> int:
    """Press the restore button of the change's page for its version before or after."""
    page = f"/admin/audit-record/details/{entry_id}"
    assert f'name="version" value="{which}"' in console.get(page).text
    action = f"/admin/audit-record/restore/{entry_id}"
    response = submit(console, page, {"version": which}, action=action)
    assert response.status_code == 302, response.text[:500]
    return int(response.headers["location"].rstrip("/").split("/")[-1])


def test_an_faq_goes_back_to_an_earlier_version(console: TestClient, fresh_db_url: str) -> None:
    faq_id = _create_faq(console, fresh_db_url)
    _edit_faq(console, faq_id, answer="第二版答案。")
    _edit_faq(console, faq_id, answer="第三版答案。", question="狗可以坐地铁吗")
    created = _log(fresh_db_url)[0]
    assert "恢复为新建时的内容" in console.get(f"/admin/audit-record/details/{created.id}").text
    restore_id = _restore(console, created.id, "after")
    with session_scope(fresh_db_url) as session:
        faq = session.get(FaqEntry, faq_id)
        assert faq is not None
        assert faq.answer == NEW_FAQ["answer"] and faq.question == "可以带狗坐地铁吗？"
        assert faq.updated_by == "staff:alice"
    restored = _log(fresh_db_url)[-1]
    assert restored.id == restore_id and restored.action == "restore"
    assert restored.restored_from == created.id and restored.changed == ["answer", "question"]
    assert restored.before is not None and restored.before["answer"] == "第三版答案。"
    page = console.get(f"/admin/audit-record/details/{restore_id}").text
    assert "恢复版本" in page and "第三版答案。" in page


def test_a_deleted_faq_can_be_brought_back(console: TestClient, fresh_db_url: str) -> None:
    faq_id = _create_faq(console, fresh_db_url)
    token = form_token(console, f"/admin/faq-entry/edit/{faq_id}")
    console.delete(f"/admin/faq-entry/delete?pks={faq_id}", headers={"x-csrftoken": token})
    removed = _log(fresh_db_url)[-1]
    assert "恢复删除前的内容" in console.get(f"/admin/audit-record/details/{removed.id}").text
    _restore(console, removed.id, "before")
    assert _faq_id(fresh_db_url, "dog-metro") == faq_id


def _first_item(url: str) -> NoPenaltyItem:
    with session_scope(url) as session:
        item = session.scalar(select(NoPenaltyItem).where(NoPenaltyItem.code == "REF-044"))
        assert item is not None
        return item


def _item_form(item: NoPenaltyItem, **changes: str) -> dict[str, str]:
    form = {
        key: ("\n".join(value) if isinstance(value, list) else "" if value is None else str(value))
        for key, value in (
            ("code", item.code),
            ("origin", item.origin),
            ("seq_no", item.seq_no),
            ("domain", item.domain),
            ("behavior", item.behavior),
            ("legal_basis", item.legal_basis),
            ("penalty_basis", item.penalty_basis),
            ("penalty_range", item.penalty_range),
            ("fine_structure", item.fine_structure),
            ("fine_condition", item.fine_condition),
            ("penalty_quote", item.penalty_quote),
            ("conditions", item.conditions),
            ("correction_note", item.correction_note),
            ("caution", item.caution),
            ("enforcer", item.enforcer),
            ("source", item.source),
            ("aliases", item.aliases),
            ("business_types", item.business_types),
            ("check_hint", item.check_hint),
            ("fix_hint", item.fix_hint),
        )
    }
    form["active"] = "y" if item.active else ""
    return form | changes


def test_an_items_fine_structure_goes_back_too(console: TestClient, fresh_db_url: str) -> None:
    item = _first_item(fresh_db_url)
    page = f"/admin/no-penalty-item/edit/{item.id}"
    assert submit(console, page, _item_form(item, fine_structure="no_fine")).status_code == 302
    assert _first_item(fresh_db_url).fine_structure == "no_fine"
    edited = _log(fresh_db_url)[-1]
    assert edited.changed == ["fine_structure"]
    _restore(console, edited.id, "before")
    assert _first_item(fresh_db_url).fine_structure == item.fine_structure
    _restore(console, edited.id, "after")
    assert _first_item(fresh_db_url).fine_structure == "no_fine"
    assert [e.action for e in _log(fresh_db_url)] == ["update", "restore", "restore"]


def test_topics_and_bookings_are_logged_without_personal_data(
    console: TestClient, fresh_db_url: str
) -> None:
    with session_scope(fresh_db_url) as session:
        topic = session.scalar(select(Topic).where(Topic.topic == "dog"))
        assert topic is not None
        topic_id, topic_form = (
            topic.id,
            {
                "title": topic.title,
                "overview": topic.overview + "（工作人员补充）",
                "source": topic.source,
                "source_ref": topic.source_ref,
                "suggestions": "\n".join(topic.suggestions),
                "unknowns": "\n".join(topic.unknowns),
            },
        )
    assert submit(console, f"/admin/topic/edit/{topic_id}", topic_form).status_code == 302
    booking = add_booking(fresh_db_url)
    form = {"status": "confirmed", "staff_note": "已电话联系"}
    assert submit(console, f"/admin/booking/edit/{booking.id}", form).status_code == 302
    topic_entry, booking_entry = _log(fresh_db_url)
    assert topic_entry.table_name == "topics" and topic_entry.changed == ["overview"]
    assert booking_entry.table_name == "bookings"
    assert booking_entry.changed == ["staff_note", "status"]
    assert booking_entry.after == {
        "reference": booking.reference,
        "status": "confirmed",
        "staff_note": "已电话联系",
    }
    assert "13812345678" not in str(booking_entry.before) + str(booking_entry.after)
    # A topic is logged but not restorable from the console.
    assert 'name="version"' not in console.get(f"/admin/audit-record/details/{topic_entry.id}").text
    token = form_token(console, "/admin/password")
    refused = console.post(
        f"/admin/audit-record/restore/{topic_entry.id}",
        data={"csrftoken": token, "version": "before"},
    )
    assert refused.status_code == 400 and "只有常见问题和不予处罚事项" in refused.text


def _answer(url: str, text: str) -> object:
    with session_scope(url) as session:
        return AnsweringService(snapshot(session)).answer(Turn(text, "ask_pet_registration", 0.9))


def test_an_faq_made_in_the_console_is_answered_at_the_next_turn(
    console: TestClient, fresh_db_url: str
) -> None:
    before = _answer(fresh_db_url, "可以带狗坐地铁吗")
    assert not (isinstance(before, FaqAnswer) and before.faq.key == "dog-metro")
    faq_id = _create_faq(console, fresh_db_url)
    decision = _answer(fresh_db_url, "可以带狗坐地铁吗")
    assert isinstance(decision, FaqAnswer) and decision.faq.key == "dog-metro"
    assert "请遵守承运单位的规定" in decision.faq.answer
    _edit_faq(console, faq_id, active="")
    after = _answer(fresh_db_url, "可以带狗坐地铁吗")
    assert not (isinstance(after, FaqAnswer) and after.faq.key == "dog-metro")
    assert [e.action for e in _log(fresh_db_url)] == ["create", "update"]
    assert _log(fresh_db_url)[1].changed == ["active"]
