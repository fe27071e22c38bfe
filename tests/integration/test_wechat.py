"""End to end through /wechat: the requests WeChat's server sends (plain mode), answered by the
real Rasa server, action server and API, a short conversation per topic."""

from __future__ import annotations

import itertools
import re
import time
import uuid

import httpx
import pytest
import xmltodict
from wechatpy.utils import WeChatSigner

from api import texts
from wxbot.stack import WECHAT_TOKEN, Stack

pytestmark = pytest.mark.integration
_ids = itertools.count(int(time.time()) * 1000)
# Rasa on a busy 2-core machine may miss WeChat's 5 seconds: "更多" fetches the answer then.
LATE_ANSWER_SECONDS = 120


class WeChatUser:
    def __init__(self, stack: Stack) -> None:
        self.url = f"{stack.api_url}/wechat"
        self.openid = f"oIntegration{uuid.uuid4().hex[:16]}"

    def post(self, fields: str, msg_type: str, msg_id: int | None) -> str:
        timestamp, nonce = str(int(time.time())), uuid.uuid4().hex[:10]
        signer = WeChatSigner()
        signer.add_data(WECHAT_TOKEN, timestamp, nonce)
        params = {
            "signature": signer.signature,
            "timestamp": timestamp,
            "nonce": nonce,
            "openid": self.openid,
        }
        msg_id_xml = f"<MsgId>{msg_id}</MsgId>" if msg_id else ""
        xml = (
            f"<xml><ToUserName><![CDATA[gh_integration]]></ToUserName>"
            f"<FromUserName><![CDATA[{self.openid}]]></FromUserName>"
            f"<CreateTime>{timestamp}</CreateTime><MsgType><![CDATA[{msg_type}]]></MsgType>"
            f"{fields}{msg_id_xml}</xml>"
        )
        response = httpx.post(self.url, params=params, content=xml.encode(), timeout=60)
        assert response.status_code == 200, response.text
        reply = xmltodict.parse(response.text)["xml"]
        assert reply["ToUserName"] == self.openid
        return str(reply["Content"])

    def send(self, text: str) -> str:
        return self.post(f"<Content><![CDATA[{text}]]></Content>", "text", next(_ids))

    def say(self, text: str) -> str:
        """The whole answer: fetched with "更多" when it came late or in parts."""
        reply = self.send(text)
        deadline = time.monotonic() + LATE_ANSWER_SECONDS
        while reply.startswith((texts.WECHAT_WAIT, texts.WECHAT_STILL_WAITING)):
            assert time.monotonic() < deadline, "no answer"
            time.sleep(1)
            reply = self.send("更多")
        parts = [reply]
        while texts.WECHAT_MORE_HINT in parts[-1]:
            parts.append(self.send("更多"))
        return "\n".join(parts)

    def subscribe(self) -> str:
        reply = self.post("<Event><![CDATA[subscribe]]></Event>", "event", None)
        if reply.startswith(texts.WECHAT_WAIT):
            return self.say("更多")
        return reply


def option_number(reply: str, title: str) -> str:
    match = re.search(rf"回复 (\d+)：{re.escape(title)}", reply)
    assert match, reply
    return match.group(1)


def test_subscribing_greets_and_a_hot_question_is_picked_by_number(stack: Stack) -> None:
    user = WeChatUser(stack)
    greeting = user.subscribe()
    assert "您好！我是" in greeting and "大家都在问：" in greeting
    answer = user.say(option_number(greeting, "什么是“首违不罚”？"))
    assert "初次违法" in answer


def test_no_penalty(stack: Stack) -> None:
    user = WeChatUser(stack)
    assert "初次违法" in user.say("首违不罚是什么意思")


def test_outdoor_dining(stack: Stack) -> None:
    user = WeChatUser(stack)
    assert "第十七条" in user.say("我在店门口摆了两张桌子被说了")


def test_dog_registration_and_a_follow_up(stack: Stack) -> None:
    user = WeChatUser(stack)
    assert "准养登记" in user.say("刚养了只小狗 狗证要去哪里办")
    assert "收费" in user.say("多少钱")


def test_credit_repair(stack: Stack) -> None:
    user = WeChatUser(stack)
    answer = user.say("被罚款以后信用记录能修复吗")
    assert "信用" in answer and "依据：" in answer


def test_enterprise_checkup_question_and_booking_start(stack: Stack) -> None:
    user = WeChatUser(stack)
    assert "企业吹哨" in user.say("企业体检是什么服务")
    assert "名称" in user.say("我们公司想预约一次上门企业体检")
