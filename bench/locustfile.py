"""Load profile: citizens chatting (topic questions, a follow-up) and the self-check search."""

from __future__ import annotations

import random

from locust import HttpUser, between, task

QUESTIONS = [
    "首违不罚是什么意思",
    "我在店门口摆了两张桌子被城管说了",
    "狗证怎么办",
    "遛狗没牵绳罚多少",
    "被罚款以后信用怎么修复",
    "在电线杆上晾衣服会被罚吗",
    "你好",
    "外摆需要审批吗",
]


class Citizen(HttpUser):
    wait_time = between(1, 3)

    def on_start(self) -> None:
        created = self.client.post("/api/sessions", name="/api/sessions")
        self.session_id = created.json()["session_id"]

    @task(5)
    def ask(self) -> None:
        text = random.choice(QUESTIONS)
        self.client.post(
            "/api/chat", json={"session_id": self.session_id, "text": text}, name="/api/chat"
        )

    @task(1)
    def follow_up(self) -> None:
        self.client.post(
            "/api/chat", json={"session_id": self.session_id, "text": "罚多少钱"}, name="/api/chat"
        )

    @task(2)
    def search(self) -> None:
        self.client.get("/api/items", params={"q": random.choice(QUESTIONS)}, name="/api/items?q=")
