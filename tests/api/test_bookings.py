"""GET /api/bookings/{reference}?phone=: only the owner sees a booking; no enumeration."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from booking import workflow
from core.db import session_scope
from tests.api.conftest import FakeRasa, make_client
from tests.conftest import add_booking


@pytest.fixture
def owner_booking(fresh_db_url: str) -> str:
    made = add_booking(fresh_db_url, town="月河街道", phone="13912345678", half_day="下午")
    return made.reference


@pytest.fixture
def api(fresh_db_url: str) -> TestClient:
    return make_client(FakeRasa(), database_url=fresh_db_url)


def test_owner_sees_status_with_masked_phone(api: TestClient, owner_booking: str) -> None:
    response = api.get(f"/api/bookings/{owner_booking.lower()}", params={"phone": "139 1234 5678"})
    assert response.status_code == 200
    body = response.json()
    assert body["reference"] == owner_booking
    assert body["status"] == "submitted" and body["status_label"] == "已提交，待工作人员确认"
    assert body["phone"] == "139****5678" and "13912345678" not in response.text
    assert body["when"] == "12月8日（周二）下午"
    assert "91110000600037341L" not in response.text


def test_wrong_phone_and_unknown_reference_look_the_same(
    api: TestClient, owner_booking: str
) -> None:
    wrong_phone = api.get(f"/api/bookings/{owner_booking}", params={"phone": "13800000000"})
    unknown = api.get("/api/bookings/TJ20261208-0999", params={"phone": "13912345678"})
    garbage = api.get("/api/bookings/abc", params={"phone": "13912345678"})
    assert wrong_phone.status_code == unknown.status_code == garbage.status_code == 404
    assert wrong_phone.json() == unknown.json() == garbage.json()
    assert "没有找到" in wrong_phone.json()["detail"]


def test_missing_phone_is_a_chinese_422(api: TestClient, owner_booking: str) -> None:
    response = api.get(f"/api/bookings/{owner_booking}")
    assert response.status_code == 422 and "手机号" in response.json()["detail"]


def test_staff_status_change_is_visible(
    api: TestClient, owner_booking: str, fresh_db_url: str
) -> None:
    with session_scope(fresh_db_url) as session:
        found = workflow.find_booking(session, owner_booking, "13912345678")
        assert found is not None
        workflow.change_status(
            session, found, "confirmed", actor="staff:alice", note="12月8日下午2点到"
        )
    body = api.get(f"/api/bookings/{owner_booking}", params={"phone": "13912345678"}).json()
    assert body["status_label"] == "已确认" and body["staff_note"] == "12月8日下午2点到"
    assert [h["status"] for h in body["history"]] == ["submitted", "confirmed"]


def test_guessing_is_rate_limited(owner_booking: str, fresh_db_url: str) -> None:
    api = make_client(FakeRasa(), database_url=fresh_db_url, lookup_rate_limit="3/minute")
    codes = [
        api.get(f"/api/bookings/TJ20261208-{n:04d}", params={"phone": "13912345678"}).status_code
        for n in range(2, 7)
    ]
    assert codes[:3] == [404, 404, 404] and codes[-1] == 429
