"""/wechat, the 公众号 message server, against the requests WeChat's server would send (plain
and encrypted, built with wechatpy) and a stand-in Rasa."""

from __future__ import annotations

import asyncio
import base64
import itertools
import logging
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import xmltodict
from fastapi.testclient import TestClient
from wechatpy.crypto import WeChatCrypto
from wechatpy.utils import WeChatSigner

from api.channels import wechat
from core.db import session_scope
from knowledge import conversations
from tests.api.conftest import FakeRasa, make_client

TOKEN = "wechat-test-token"
APP_ID = "wx0123456789abcdef"
AES_KEY = base64.b64encode(bytes(range(32))).decode().rstrip("=")  # 43 characters
ACCOUNT = "gh_0123456789ab"
_ids = itertools.count(10_000_000_000_000_000)
_openids = itertools.count(1)


def sign(*parts: str) -> str:
    signer = WeChatSigner()
    signer.add_data(*parts)
    return str(signer.signature)


def new_openid() -> str:
    return f"oWx-Test{next(_openids):04d}OpenIdAbcdEfgh"


def message_xml(openid: str, msg_type: str, fields: str, msg_id: int | None = None) -> str:
    msg_id_xml = f"<MsgId>{msg_id}</MsgId>" if msg_id is not None else ""
    return (
        f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName>"
        f"<FromUserName><![CDATA[{openid}]]></FromUserName>"
        f"<CreateTime>{int(time.time())}</CreateTime>"
        f"<MsgType><![CDATA[{msg_type}]]></MsgType>{fields}{msg_id_xml}</xml>"
    )


def text_xml(openid: str, content: str, msg_id: int | None = None) -> str:
    msg_id = next(_ids) if msg_id is None else msg_id
    return message_xml(openid, "text", f"<Content><![CDATA[{content}]]></Content>", msg_id)


class WeChatServer:
    """Sends what WeChat's server sends for one user, and reads the passive reply."""

    def __init__(self, client: TestClient, openid: str | None = None, *, safe: bool = False):
        self.client = client
        self.openid = openid or new_openid()
        self.crypto = WeChatCrypto(TOKEN, AES_KEY, APP_ID) if safe else None

    def params(self) -> dict[str, str]:
        timestamp, nonce = str(int(time.time())), f"n{next(_ids)}"
        return {
            "signature": sign(TOKEN, timestamp, nonce),
            "timestamp": timestamp,
            "nonce": nonce,
            "openid": self.openid,
        }

    def post(self, xml: str) -> Any:
        params = self.params()
        body = xml
        if self.crypto is not None:
            sealed = xmltodict.parse(
                self.crypto.encrypt_message(xml, params["nonce"], params["timestamp"])
            )["xml"]
            params |= {"encrypt_type": "aes", "msg_signature": sealed["MsgSignature"]}
            body = (
                f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName>"
                f"<Encrypt><![CDATA[{sealed['Encrypt']}]]></Encrypt></xml>"
            )
        return self.client.post("/wechat", params=params, content=body.encode())

    def reply(self, xml: str) -> dict[str, str]:
        """The reply's fields (decrypted in safe mode)."""
        response = self.post(xml)
        assert response.status_code == 200, response.text
        text = response.text
        if self.crypto is not None:
            sealed = xmltodict.parse(text)["xml"]
            assert "Content" not in sealed  # nothing readable on the wire
            text = self.crypto.decrypt_message(
                text, sealed["MsgSignature"], sealed["TimeStamp"], sealed["Nonce"]
            )
        return dict(xmltodict.parse(text)["xml"])

    def say(self, content: str, msg_id: int | None = None) -> str:
        fields = self.reply(text_xml(self.openid, content, msg_id))
        assert fields["ToUserName"] == self.openid and fields["FromUserName"] == ACCOUNT
        assert fields["MsgType"] == "text"
        return str(fields["Content"])


def rasa_text(text: str) -> list[dict[str, Any]]:
    return [{"recipient_id": "x", "text": text}]


@pytest.fixture
def client(fresh_db_url: str, fake_rasa: FakeRasa) -> Iterator[TestClient]:
    with make_client(fake_rasa, database_url=fresh_db_url, wechat_token=TOKEN) as test_client:
        yield test_client


@pytest.fixture
def user(client: TestClient) -> WeChatServer:
    return WeChatServer(client)


def test_the_url_check_echoes_echostr_only_when_signed_with_the_token(
    client: TestClient,
) -> None:
    timestamp, nonce = "1700000000", "abc123"
    good = {"signature": sign(TOKEN, timestamp, nonce), "timestamp": timestamp, "nonce": nonce}
    response = client.get("/wechat", params={**good, "echostr": "echo-4711"})
    assert response.status_code == 200 and response.text == "echo-4711"
    forged = {**good, "signature": sign("another-token", timestamp, nonce), "echostr": "e"}
    assert client.get("/wechat", params=forged).status_code == 403


def test_a_message_with_a_bad_signature_is_refused(user: WeChatServer, fake_rasa: FakeRasa) -> None:
    params = {**user.params(), "signature": "0" * 40}
    response = user.client.post(
        "/wechat", params=params, content=text_xml(user.openid, "狗证怎么办").encode()
    )
    assert response.status_code == 403
    assert fake_rasa.sent == []


def test_the_endpoint_is_off_without_a_token(db_url: str, fake_rasa: FakeRasa) -> None:
    with make_client(fake_rasa, database_url=db_url) as client:
        timestamp, nonce = "1700000000", "abc"
        params = {"signature": sign("", timestamp, nonce), "timestamp": timestamp, "nonce": nonce}
        assert client.get("/wechat", params={**params, "echostr": "e"}).status_code == 404
        assert client.post("/wechat", params=params, content=b"<xml/>").status_code == 404


def test_a_text_message_is_answered_by_rasa_under_a_derived_sender_id(
    user: WeChatServer, fake_rasa: FakeRasa
) -> None:
    fake_rasa.reply = rasa_text("养犬需要先办理准养登记。")
    assert user.say("狗证怎么办") == "养犬需要先办理准养登记。"
    [(sender, text)] = fake_rasa.sent
    assert text == "狗证怎么办"
    assert sender.startswith("wx-") and user.openid not in sender
    # the same user keeps one conversation; another user has another
    user.say("去哪里办")
    WeChatServer(user.client).say("去哪里办")
    senders = [s for s, _ in fake_rasa.sent]
    assert senders[1] == sender and senders[2] != sender


def test_subscribing_gets_the_greeting_and_the_hot_questions_numbered(
    user: WeChatServer, fake_rasa: FakeRasa
) -> None:
    fake_rasa.reply = rasa_text("您好！我是吴兴区综合行政执法局的智能助手。")
    event = message_xml(
        user.openid,
        "event",
        "<Event><![CDATA[subscribe]]></Event><EventKey><![CDATA[]]></EventKey>",
    )
    reply = user.reply(event)["Content"]
    assert reply.startswith("您好！我是吴兴区综合行政执法局的智能助手。")
    assert "大家都在问：" in reply
    assert "回复 1：什么是“首违不罚”？" in reply
    assert "回复 2：饭店能不能把桌椅摆到店门外？" in reply
    assert fake_rasa.sent[-1][1] == "/greet"
    # WeChat retries the event (it has no MsgId): greeted once
    assert user.reply(event)["Content"] == reply
    assert len(fake_rasa.sent) == 1
    fake_rasa.reply = rasa_text("外摆经营要先经过同意。")
    assert user.say("2") == "外摆经营要先经过同意。"
    assert fake_rasa.sent[-1][1] == "饭店能不能把桌椅摆到店门外？"


def test_a_voice_message_is_answered_from_its_recognised_text(
    user: WeChatServer, fake_rasa: FakeRasa
) -> None:
    fake_rasa.reply = rasa_text("信用修复的条件如下。")
    voice = "<MediaId><![CDATA[m1]]></MediaId><Format><![CDATA[amr]]></Format>"
    recognised = voice + "<Recognition><![CDATA[信用怎么修复]]></Recognition>"
    answer = user.reply(message_xml(user.openid, "voice", recognised, next(_ids)))
    assert answer["Content"] == "信用修复的条件如下。"
    assert fake_rasa.sent[-1][1] == "信用怎么修复"
    unheard = user.reply(message_xml(user.openid, "voice", voice, next(_ids)))["Content"]
    assert "打字" in unheard
    assert len(fake_rasa.sent) == 1


def test_a_picture_is_answered_with_what_the_channel_understands(
    user: WeChatServer, fake_rasa: FakeRasa
) -> None:
    picture = "<PicUrl><![CDATA[http://x/p.jpg]]></PicUrl><MediaId><![CDATA[m]]></MediaId>"
    reply = user.reply(message_xml(user.openid, "image", picture, next(_ids)))["Content"]
    assert "文字和语音" in reply and fake_rasa.sent == []


def test_a_retried_message_is_answered_once_with_the_same_reply(
    user: WeChatServer, fake_rasa: FakeRasa
) -> None:
    msg_id = next(_ids)
    fake_rasa.reply = rasa_text("第一次的回答")
    first = user.say("首违不罚是什么", msg_id)
    fake_rasa.reply = rasa_text("第二次的回答")
    retries = [user.say("首违不罚是什么", msg_id) for _ in range(2)]
    assert first == "第一次的回答" and retries == [first, first]
    assert len(fake_rasa.sent) == 1
    assert user.say("首违不罚是什么") == "第二次的回答"  # another MsgId: a new question


def test_buttons_become_numbered_options_and_a_number_sends_the_payload(
    user: WeChatServer, fake_rasa: FakeRasa
) -> None:
    fake_rasa.reply = [
        {
            "recipient_id": "x",
            "text": "请选择您要咨询的事项：",
            "buttons": [
                {"title": "首违不罚", "payload": "/ask_no_penalty"},
                {"title": "外摆经营", "payload": "/ask_outdoor_dining"},
                {"title": "养犬登记", "payload": "/ask_pet_registration"},
            ],
        }
    ]
    menu = user.say("你好")
    assert menu.splitlines() == [
        "请选择您要咨询的事项：",
        "回复 1：首违不罚",
        "回复 2：外摆经营",
        "回复 3：养犬登记",
    ]
    user.say("2")
    assert fake_rasa.sent[-1][1] == "/ask_outdoor_dining"
    for typed in ("３", "3.", "第3个"):  # the menu again each time, so its numbers hold
        user.say(typed)
        assert fake_rasa.sent[-1][1] == "/ask_pet_registration"
    fake_rasa.reply = rasa_text("请问您有几家门店？")
    user.say("1")
    user.say("2")  # the last answer had no options: the number is the user's answer
    assert fake_rasa.sent[-1][1] == "2"


def test_a_card_becomes_text_with_its_source(user: WeChatServer, fake_rasa: FakeRasa) -> None:
    card = {
        "kind": "no_penalty_item",
        "title": "轻微违法行为不予处罚事项",
        "item_id": 1,
        "code": "SR-001",
        "origin": "official_list",
        "domain": "市容环境",
        "fields": [
            {"label": "违法行为", "value": "在阳台外吊挂影响市容的物品"},
            {"label": "罚则原文", "value": "处五十元以上五百元以下罚款。"},
        ],
        "note": "该事项列入吴兴区轻微违法行为不予行政处罚事项清单。",
        "source": "《浙江省城市市容和环境卫生管理条例》",
    }
    fake_rasa.reply = [{"recipient_id": "x", "custom": {"card": card}}]
    reply = user.say("阳台晒被子会被罚吗")
    assert "【轻微违法行为不予处罚事项】" in reply
    assert "违法行为：在阳台外吊挂影响市容的物品" in reply
    assert "来源：《浙江省城市市容和环境卫生管理条例》" in reply


def test_a_booking_summary_is_text_with_numbered_choices(
    user: WeChatServer, fake_rasa: FakeRasa
) -> None:
    card = {
        "kind": "booking_summary",
        "title": "请核对预约信息",
        "fields": [{"label": "企业名称", "value": "湖州织里测试童装有限公司"}],
        "note": "",
    }
    buttons = [{"title": "确认提交", "payload": "/affirm"}, {"title": "不约了", "payload": "/stop"}]
    fake_rasa.reply = [{"recipient_id": "x", "custom": {"card": card, "buttons": buttons}}]
    assert user.say("上午").splitlines() == [
        "【请核对预约信息】",
        "企业名称：湖州织里测试童装有限公司",
        "",
        "回复 1：确认提交",
        "回复 2：不约了",
    ]
    user.say("1")
    assert fake_rasa.sent[-1][1] == "/affirm"
    user.say("/stop")  # typed, not chosen: it cannot force the intent
    assert fake_rasa.sent[-1][1] == "stop"


def test_a_long_answer_comes_in_parts_behind_more(user: WeChatServer, fake_rasa: FakeRasa) -> None:
    sentences = [f"第{i}条说明：办理时请携带身份证件和相关材料原件。" for i in range(1, 61)]
    fake_rasa.reply = rasa_text("".join(sentences))
    parts = [user.say("信用修复要什么材料")]
    while "回复“更多”" in parts[-1]:
        assert len(parts[-1]) <= wechat.MAX_REPLY_CHARS
        parts.append(user.say("更多"))
    assert len(parts) >= 3 and len(parts[-1]) <= wechat.MAX_REPLY_CHARS
    shown = "".join(p.replace(wechat.texts.WECHAT_MORE_HINT, "") for p in parts)
    assert all(s in shown for s in sentences)
    assert len(fake_rasa.sent) == 1  # "更多" is not a question for Rasa
    assert "没有更多内容了" in user.say("更多")


class SlowRasa(FakeRasa):
    """Answers its first message only when the test opens the gate."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()
        self.answers = iter([rasa_text("外摆需要先向执法中队报备。"), rasa_text("不客气！")])

    async def send(
        self, sender: str, text: str, metadata: dict[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        self.sent.append((sender, text))
        first = len(self.sent) == 1
        while first and not self.gate.is_set():
            await asyncio.sleep(0.01)
        return next(self.answers)


def _late_answer_stored(database_url: str) -> bool:
    with session_scope(database_url) as session:
        turns = session.query(conversations.ChatTurn).all()
        return any(
            m.get("type") == "wechat" and m.get("late") == "ready"
            for t in turns
            for m in t.messages
        )


@pytest.mark.parametrize("then", ["谢谢", "更多"])
def test_an_answer_slower_than_five_seconds_comes_with_the_next_message(
    fresh_db_url: str, monkeypatch: pytest.MonkeyPatch, then: str
) -> None:
    monkeypatch.setattr(wechat, "REPLY_SECONDS", 0.2)
    slow = SlowRasa()
    with make_client(slow, database_url=fresh_db_url, wechat_token=TOKEN) as client:
        user = WeChatServer(client)
        msg_id = next(_ids)
        assert user.say("店门口能摆桌子吗", msg_id).startswith("正在查询，请稍候")
        assert user.say("店门口能摆桌子吗", msg_id).startswith("正在查询，请稍候")  # retry
        slow.gate.set()
        deadline = time.monotonic() + 30
        while not _late_answer_stored(fresh_db_url) and time.monotonic() < deadline:
            time.sleep(0.05)
        reply = user.say(then)
        assert "您刚才的问题，回答如下：\n外摆需要先向执法中队报备。" in reply
        if then == "谢谢":
            assert reply.index("外摆需要") < reply.index("不客气！")
            assert [t for _, t in slow.sent] == ["店门口能摆桌子吗", "谢谢"]
        else:
            assert [t for _, t in slow.sent] == ["店门口能摆桌子吗"]
        # delivered once
        assert "外摆需要" not in user.say("更多")


def test_safe_mode_reads_and_answers_encrypted_messages(
    fresh_db_url: str, fake_rasa: FakeRasa
) -> None:
    settings = {"wechat_token": TOKEN, "wechat_aes_key": AES_KEY, "wechat_app_id": APP_ID}
    with make_client(fake_rasa, database_url=fresh_db_url, **settings) as client:
        user = WeChatServer(client, safe=True)
        fake_rasa.reply = rasa_text("企业体检可以在线预约。")
        assert user.say("企业体检怎么预约") == "企业体检可以在线预约。"
        assert fake_rasa.sent[-1][1] == "企业体检怎么预约"
        # an encrypted message signed with another token is refused
        params = user.params()
        other = WeChatCrypto("another-token", AES_KEY, APP_ID)
        sealed = xmltodict.parse(
            other.encrypt_message(text_xml(user.openid, "你好"), params["nonce"])
        )["xml"]
        params |= {"encrypt_type": "aes", "msg_signature": sealed["MsgSignature"]}
        body = f"<xml><Encrypt><![CDATA[{sealed['Encrypt']}]]></Encrypt></xml>"
        assert client.post("/wechat", params=params, content=body.encode()).status_code == 403
        # the plain mode still works (明文 chosen again in the console, key left set)
        assert WeChatServer(client).say("你好") == "企业体检可以在线预约。"


def test_the_openid_is_never_logged(
    user: WeChatServer, fake_rasa: FakeRasa, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    user.say("狗证怎么办")
    user.reply(message_xml(user.openid, "event", "<Event><![CDATA[subscribe]]></Event>"))
    # uvicorn's access log line carries WeChat's query string, `openid=` included
    logging.getLogger("uvicorn.access").info(
        '%s - "%s %s HTTP/%s" %d',
        "203.0.113.9:443",
        "POST",
        f"/wechat?signature=x&timestamp=1&nonce=2&openid={user.openid}",
        "1.1",
        200,
    )
    assert "wechat wx-" in caplog.text and "openid=***" in caplog.text
    assert user.openid not in caplog.text
