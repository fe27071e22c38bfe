"""POST /api/chat: the stable JSON shape, and a clear Chinese message for every bad input."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import FakeRasa, make_client, new_session

CARD = {
    "kind": "no_penalty_item",
    "title": "轻微违法行为不予处罚事项",
    "item_id": 7,
    "code": "REF-007",
    "origin": "reference",
    "domain": "市容环境卫生",
    "fields": [{"label": "违法行为", "value": "在树木上晾晒衣物"}],
    "note": "说明：这是参考事项",
    "source": "《浙江省城市市容和环境卫生管理条例》",
}


def test_chat_relays_rasa_messages_in_the_contract_shape(
    sid: str, client: TestClient, fake_rasa: FakeRasa
) -> None:
    fake_rasa.reply = [
        {"recipient_id": "s1", "text": "您好"},
        {
            "recipient_id": "s1",
            "text": "猜你想问：",
            "buttons": [{"title": "狗证", "payload": "狗证怎么办"}],
        },
        {"recipient_id": "s1", "custom": {"card": CARD, "text": "违法行为：在树木上晾晒衣物"}},
        # A card of another shape is shown by its text, never dropped or a 500.
        {"recipient_id": "s1", "custom": {"card": {"title": "事项"}, "text": "事项的文字"}},
    ]
    response = client.post("/api/chat", json={"session_id": sid, "text": "你好"})
    assert response.status_code == 200
    body = response.json()
    assert body.pop("message_id")  # issued by the server when the client sent none
    assert body == {
        "session_id": sid,
        "messages": [
            {"type": "text", "text": "您好", "links": []},
            {
                "type": "buttons",
                "text": "猜你想问：",
                "buttons": [{"title": "狗证", "payload": "狗证怎么办"}],
                "links": [],
            },
            {"type": "card", "card": CARD},
            {"type": "text", "text": "事项的文字", "links": []},
        ],
    }
    assert fake_rasa.sent == [(sid, "你好")]


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_empty_text_gets_a_chinese_422(
    sid: str, client: TestClient, fake_rasa: FakeRasa, text: str
) -> None:
    response = client.post("/api/chat", json={"session_id": sid, "text": text})
    assert response.status_code == 422
    assert response.json()["detail"] == "请输入您的问题"
    assert fake_rasa.sent == []


def test_over_long_text_gets_a_chinese_422(
    sid: str, client: TestClient, fake_rasa: FakeRasa
) -> None:
    response = client.post("/api/chat", json={"session_id": sid, "text": "狗" * 501})
    assert response.status_code == 422
    assert "最多500字" in response.json()["detail"]
    assert fake_rasa.sent == []
    ok = client.post("/api/chat", json={"session_id": sid, "text": "狗" * 500})
    assert ok.status_code == 200


def test_html_is_stripped_and_emoji_kept(sid: str, client: TestClient, fake_rasa: FakeRasa) -> None:
    client.post("/api/chat", json={"session_id": sid, "text": "<script>alert(1)</script>狗证😀"})
    assert fake_rasa.sent == [(sid, "alert(1) 狗证😀")]


def test_markup_only_message_counts_as_empty(sid: str, client: TestClient) -> None:
    response = client.post("/api/chat", json={"session_id": sid, "text": "<b></b>"})
    assert response.status_code == 422


@pytest.mark.parametrize(
    "body",
    ["{not json", '{"session_id": sid}', '["a"]', '{"session_id": "含 空格", "text": "x"}'],
)
def test_malformed_requests_get_chinese_errors(client: TestClient, body: str) -> None:
    response = client.post("/api/chat", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert isinstance(detail, str) and any("\u4e00" <= ch <= "\u9fff" for ch in detail)


def test_rasa_down_gives_a_busy_message_not_a_traceback(
    sid: str, client: TestClient, fake_rasa: FakeRasa
) -> None:
    fake_rasa.down = True
    response = client.post("/api/chat", json={"session_id": sid, "text": "你好"})
    assert response.status_code == 503
    body = response.json()
    assert "12345" in body["detail"]
    assert body["messages"][0]["type"] == "text"
    assert "Traceback" not in response.text


def test_empty_rasa_answer_is_reported_as_busy(
    sid: str, client: TestClient, fake_rasa: FakeRasa
) -> None:
    fake_rasa.reply = []
    response = client.post("/api/chat", json={"session_id": sid, "text": "你好"})
    assert response.status_code == 503


def test_rate_limit_answers_in_chinese(db_url: str, fake_rasa: FakeRasa) -> None:
    client = make_client(fake_rasa, database_url=db_url, chat_rate_limit="3/minute")
    sid = new_session(client)
    codes = [
        client.post("/api/chat", json={"session_id": sid, "text": "hi"}).status_code
        for _ in range(5)
    ]
    assert codes[:3] == [200, 200, 200] and codes[-1] == 429
    last = client.post("/api/chat", json={"session_id": sid, "text": "hi"})
    assert "稍等" in last.json()["detail"]


def test_an_id_the_server_did_not_issue_is_refused(client: TestClient, fake_rasa: FakeRasa) -> None:
    sid = new_session(client)
    for forged in ("web-abc123", sid[:-2] + "xx", sid + "a"):
        response = client.post("/api/chat", json={"session_id": forged, "text": "你好"})
        assert response.status_code == 401, forged
        assert "会话已失效" in response.json()["detail"]
    assert fake_rasa.sent == []
    assert client.get("/api/sessions/web-abc123/history").status_code == 401
    assert client.post("/api/chat", json={"session_id": sid, "text": "你好"}).status_code == 200
    other = new_session(client)
    assert other != sid and len({sid, other}) == 2


BOOKING_SUMMARY = {
    "kind": "booking_summary",
    "title": "请核对预约信息",
    "fields": [
        {"label": "企业名称", "value": "湖州织里测试童装有限公司"},
        {"label": "手机号", "value": "13812345678"},
    ],
    "note": "",
}


def test_a_booking_summary_is_a_card_followed_by_its_buttons(
    sid: str, client: TestClient, fake_rasa: FakeRasa
) -> None:
    buttons = [{"title": "确认提交", "payload": "/affirm"}, {"title": "不约了", "payload": "/stop"}]
    fake_rasa.reply = [
        {"recipient_id": sid, "custom": {"card": BOOKING_SUMMARY, "buttons": buttons}}
    ]
    messages = client.post("/api/chat", json={"session_id": sid, "text": "上午"}).json()["messages"]
    assert messages == [
        {"type": "card", "card": BOOKING_SUMMARY},
        {"type": "buttons", "text": "", "buttons": buttons, "links": []},
    ]
    # The conversation kept for a reload holds the card with the phone masked.
    [turn] = client.get(f"/api/sessions/{sid}/history").json()["turns"]
    assert turn["messages"][0]["card"]["fields"][1] == {"label": "手机号", "value": "138****5678"}


def test_only_addresses_on_allowed_hosts_become_links(
    sid: str, client: TestClient, fake_rasa: FakeRasa
) -> None:
    text = (
        "网上办理：https://www.zjzwfw.gov.cn/zjservice/item.do?id=1，"
        "别处：http://gov.cn.example.com/a 和 https://example.com/x，"
        "还有 javascript:alert(1) 与 https://user@www.huzhou.gov.cn/"
    )
    fake_rasa.reply = [{"recipient_id": sid, "text": text}]
    message = client.post("/api/chat", json={"session_id": sid, "text": "网上能办吗"}).json()[
        "messages"
    ][0]
    assert message["text"] == text  # the text itself is never changed
    assert message["links"] == ["https://www.zjzwfw.gov.cn/zjservice/item.do?id=1"]


def test_typed_text_cannot_force_an_intent(
    sid: str, client: TestClient, fake_rasa: FakeRasa
) -> None:
    client.post("/api/chat", json={"session_id": sid, "text": "/greet"})  # the page's opening
    client.post("/api/chat", json={"session_id": sid, "text": '/affirm{"phone":"13800000000"}'})
    assert fake_rasa.sent[-2:] == [(sid, "/greet"), (sid, 'affirm{"phone":"13800000000"}')]
    # Once the bot offered a button, its payload is what a tap sends, and it passes.
    fake_rasa.reply = [
        {
            "recipient_id": sid,
            "text": "请确认",
            "buttons": [{"title": "确认提交", "payload": "/affirm"}],
        }
    ]
    client.post("/api/chat", json={"session_id": sid, "text": "上午"})
    client.post("/api/chat", json={"session_id": sid, "text": "/affirm"})
    client.post("/api/chat", json={"session_id": sid, "text": "/stop"})
    assert fake_rasa.sent[-2:] == [(sid, "/affirm"), (sid, "stop")]
    # Another conversation's buttons do not count.
    other = new_session(client)
    client.post("/api/chat", json={"session_id": other, "text": "/affirm"})
    assert fake_rasa.sent[-1] == (other, "affirm")


def test_a_body_that_is_not_even_text_is_a_chinese_422(client: TestClient) -> None:
    response = client.post(
        "/api/chat", content=b"\xff\xfe{", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert "请求格式不正确" in response.json()["detail"]


def test_history_times_say_their_zone(sid: str, client: TestClient) -> None:
    """Stored in UTC: without the zone a browser in China would show them eight hours off."""
    client.post("/api/chat", json={"session_id": sid, "text": "你好", "message_id": "m-zone"})
    [turn] = client.get(f"/api/sessions/{sid}/history").json()["turns"]
    assert dt.datetime.fromisoformat(turn["time"]).utcoffset() == dt.timedelta(0)


def test_a_database_that_is_down_gives_a_busy_message(fake_rasa: FakeRasa) -> None:
    # Nothing listens on port 1: every connection is refused, as when PostgreSQL is down.
    with make_client(fake_rasa, database_url="postgresql://wxbot@127.0.0.1:1/wxbot") as client:
        sid = new_session(client)
        reply = client.post("/api/chat", json={"session_id": sid, "text": "狗证怎么办"})
    assert reply.status_code == 503 and "系统繁忙" in reply.json()["detail"]
    assert fake_rasa.sent == []  # nothing was passed on that could not be recorded
