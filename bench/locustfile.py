"""Load profile: citizens in mixed conversations — a topic question, follow-ups, and now and
then a checkup booked through the form — sent either through the API (`Gateway`, POST
/api/chat with a server-issued session) or straight to Rasa's REST webhook (`RasaDirect`),
the same model and actions behind both. No think time: each user sends its next message as
soon as the answer arrives, so the rate a level reaches is the system's own.

`bench.load` picks the class (locust's positional user-class argument) and the host.
"""

from __future__ import annotations

import random
import uuid
from typing import Any

import gevent
from locust import HttpUser, constant, task

# Conversations as people start them, each with its follow-ups (the same lists for both).
CONVERSATIONS = [
    ["首违不罚是什么意思", "第二次还能不罚吗"],
    ["我在店门口摆了两张桌子被城管说了", "罚多少钱", "依据是哪条"],
    ["狗证怎么办", "要带什么材料"],
    ["遛狗没牵绳罚多少"],
    ["被罚款以后信用怎么修复", "要多久"],
    ["在电线杆上晾衣服会被罚吗", "那第二次呢"],
    ["你好"],
    ["外摆需要审批吗", "去哪办"],
]
TOWNS = ["织里", "八里店", "月河街道", "妙西", "埭溪", "东林"]
BUSY_WORD = "系统繁忙"  # api.texts.BUSY, as a user reads it
BUSY_PAUSE_SECONDS = 1.0
BOOKING_SHARE = 0.15  # about one conversation in seven is a booking


class Conversing(HttpUser):
    abstract = True
    wait_time = constant(0)

    def say(self, text: str) -> list[dict[str, Any]]:
        raise NotImplementedError

    def new_conversation(self) -> None:
        raise NotImplementedError

    @task
    def converse(self) -> None:
        self.new_conversation()
        if random.random() < BOOKING_SHARE:
            self.book()
        else:
            for text in random.choice(CONVERSATIONS):
                self.say(text)

    def book(self) -> None:
        for text in [
            "我要预约企业体检",
            "湖州压测童装有限公司",
            "91110000600037341L",
            "王测试",
            f"138{random.randrange(10**8):08d}",
            random.choice(TOWNS),
            "童装加工",
            "没有",
        ]:
            reply = self.say(text)
        days = [b["payload"] for m in reply for b in m.get("buttons") or []]
        if days:
            self.say(days[0])
            self.say(random.choice(["上午", "下午"]))
            self.say("确认")


class Gateway(Conversing):
    def new_conversation(self) -> None:
        created = self.client.post("/api/sessions", name="/api/sessions")
        self.session_id = created.json()["session_id"] if created.ok else ""

    def say(self, text: str) -> list[dict[str, Any]]:
        payload = {"session_id": self.session_id, "text": text, "message_id": uuid.uuid4().hex}
        with self.client.post(
            "/api/chat", json=payload, name="turn", catch_response=True
        ) as response:
            if response.status_code == 503 and BUSY_WORD in response.text:
                # Shed past capacity (CHAT_MAX_IN_FLIGHT): an answer, counted on its own; the
                # person reads it and taps 重发 a moment later.
                response.request_meta["name"] = "busy"
                response.success()
                gevent.sleep(BUSY_PAUSE_SECONDS)
                return []
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
                return []
            return list(response.json()["messages"])


class RasaDirect(Conversing):
    def new_conversation(self) -> None:
        self.sender = uuid.uuid4().hex

    def say(self, text: str) -> list[dict[str, Any]]:
        payload = {"sender": self.sender, "message": text}
        with self.client.post(
            "/webhooks/rest/webhook", json=payload, name="turn", catch_response=True
        ) as response:
            if response.status_code != 200 or not response.json():
                response.failure(f"HTTP {response.status_code} or no answer")
                return []
            return list(response.json())
