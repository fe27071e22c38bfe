"""Faults on the production configuration (PostgreSQL app DB and tracker store, a Redis of the
test's own, 2 Rasa workers, 2 API workers): Rasa slow past the timeout, a Rasa worker killed
mid-turn, the action server down, the app database down or locked, Redis down, a booking
double-tapped and retried. Whatever fails, the user gets a Chinese message (HTTP 200 or 503,
never a 500 or a hang), the conversation goes on once the part is back, and nothing is
written twice."""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import os
import signal
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from booking.models import Booking
from core.db import session_scope
from knowledge.conversations import ChatTurn
from tests.integration.test_booking_chat import fill_until_date, typed, working_day
from tests.integration.test_conversation import Chat, flat
from tests.services import POSTGRES_URL, temporary_postgres_database
from wxbot.migrate import create_seeded_database
from wxbot.stack import Stack, free_port, model_ready, running_stack

pytestmark = [pytest.mark.integration, pytest.mark.postgres, pytest.mark.redis]

RASA_TIMEOUT = 5  # seconds the API waits for Rasa (production default: 20)
# Longest a faulty turn may take to answer: the timeout, plus a loaded 2-core machine.
ANSWER_WITHIN = RASA_TIMEOUT + 15


class Redis:
    """A Redis server of this test's own, so it can be stopped without harming others."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.workdir = workdir
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                *("redis-server", "--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--dir", str(self.workdir)),
            ],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                import redis

                redis.Redis.from_url(self.url, socket_connect_timeout=1).ping()
                return
            except Exception:
                time.sleep(0.2)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Redis]:
    if subprocess.run(["which", "redis-server"], capture_output=True).returncode != 0:
        if os.environ.get("WXBOT_REQUIRE_SERVICES"):
            pytest.fail("redis-server is required here")
        pytest.skip("redis-server not installed")
    server = Redis(tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, redis_server: Redis) -> Iterator[Stack]:
    if not model_ready():
        pytest.skip("no trained model for the current data: run `make test`")
    with temporary_postgres_database() as app_url, temporary_postgres_database() as tracker_url:
        create_seeded_database(app_url)
        with running_stack(
            tmp_path_factory.mktemp("faults"),
            app_url,
            tracker_store_url=tracker_url,
            redis_url=redis_server.url,
            rasa_workers=2,
            api_workers=2,
            extra_env={"RASA_TIMEOUT": str(RASA_TIMEOUT)},
        ) as running:
            warm_up(running)
            yield running


def warm_up(stack: Stack) -> None:
    """A worker's first turns build TensorFlow's graphs (seconds, past this test's short
    timeout): a few conversations first, so each fault below meets a warm stack."""
    for _ in range(4):
        Conversation(stack).say_when_back("我家狗出门没拴绳 会被罚吗", within=120)


class Conversation(Chat):
    """A citizen's conversation, each answer checked for what any answer must be."""

    def __init__(self, stack: Stack) -> None:
        super().__init__(stack)
        self.stack = stack

    def send(self, text: str, message_id: str | None = None) -> httpx.Response:
        started = time.monotonic()
        response = httpx.post(
            f"{self.stack.api_url}/api/chat",
            json={
                "session_id": self.session_id,
                "text": text,
                "message_id": message_id or uuid.uuid4().hex,
            },
            timeout=ANSWER_WITHIN + 30,
        )
        took = time.monotonic() - started
        assert response.status_code in (200, 503), response.text
        assert took < ANSWER_WITHIN, f"answered after {took:.1f} s"
        body = response.json()
        text_shown = body.get("detail") or flat(body["messages"])
        assert any("\u4e00" <= ch <= "\u9fff" for ch in text_shown), body
        return response

    def say(self, text: str) -> list[dict[str, Any]]:
        response = self.send(text)
        assert response.status_code == 200, response.text
        return list(response.json()["messages"])

    def say_when_back(self, text: str, within: float = 60) -> list[dict[str, Any]]:
        """The answer once the part that failed is back (a few busy answers meanwhile)."""
        deadline = time.monotonic() + within
        while True:
            response = self.send(text)
            if response.status_code == 200 or time.monotonic() > deadline:
                assert response.status_code == 200, response.text
                return list(response.json()["messages"])
            time.sleep(1)


def busy(response: httpx.Response) -> bool:
    return response.status_code == 503 and "系统繁忙" in response.json()["detail"]


def dog_context_holds(conversation: Conversation) -> None:
    """A follow-up answered from the conversation's context (tracker and lock both work)."""
    assert "50—200元" in flat(conversation.say_when_back("罚多少钱"))


def _admin_conninfo() -> str:
    return make_url(POSTGRES_URL).set(drivername="postgresql").render_as_string(False)


def _database_name(stack: Stack) -> str:
    name = make_url(stack.database_url).database
    assert name
    return name


@contextmanager
def database_refusing_connections(stack: Stack) -> Iterator[None]:
    """The app database down for this stack: new connections refused, open ones cut."""
    name = _database_name(stack)
    with psycopg.connect(_admin_conninfo(), autocommit=True) as admin:
        admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        )
        try:
            yield
        finally:
            admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')


@contextmanager
def paused(stack: Stack, name: str) -> Iterator[None]:
    """The named process and its workers frozen (SIGSTOP), as a Rasa that stopped answering."""
    os.killpg(stack.processes[name].pid, signal.SIGSTOP)
    try:
        yield
    finally:
        os.killpg(stack.processes[name].pid, signal.SIGCONT)


def bookings_of(stack: Stack, session_id: str) -> int:
    with session_scope(stack.database_url) as session:
        count = session.scalar(
            select(func.count()).select_from(Booking).where(Booking.session_id == session_id)
        )
    return int(count or 0)


def test_a_double_tap_and_a_retry_make_one_booking(stack: Stack) -> None:
    chat = Conversation(stack)
    fill_until_date(chat, "织里")
    day: dt.date = working_day(3)
    assert "上午还是下午" in flat(chat.say(typed(day)))
    assert "请核对预约信息" in flat(chat.say("下午"))
    # Two taps on 确认提交 before the first answer (two message ids), then the page's retry
    # of the first (its id again).
    first_id = uuid.uuid4().hex
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        taps = [
            pool.submit(chat.send, "/affirm", first_id),
            pool.submit(chat.send, "/affirm", uuid.uuid4().hex),
        ]
        answers = [tap.result() for tap in taps]
    retried = chat.send("/affirm", first_id)
    assert all(a.status_code == 200 for a in [*answers, retried])
    shown = [flat(a.json()["messages"]) for a in answers]
    assert sum("预约已提交" in text for text in shown) == 1
    assert retried.json()["messages"] == answers[0].json()["messages"]
    assert bookings_of(stack, chat.session_id) == 1
    with session_scope(stack.database_url) as session:
        turns = session.scalar(
            select(func.count())
            .select_from(ChatTurn)
            .where(ChatTurn.session_id == chat.session_id, ChatTurn.message_id == first_id)
        )
    assert turns == 1


def test_rasa_slow_past_the_timeout(stack: Stack) -> None:
    chat = Conversation(stack)
    chat.say("我家狗出门没拴绳 会被罚吗")
    waiting_id = uuid.uuid4().hex
    with paused(stack, "rasa"):
        assert busy(chat.send("罚多少钱", waiting_id))
    # Back: the page's retry of the message that timed out is answered, in context.
    retried = chat.send("罚多少钱", waiting_id)
    if retried.status_code != 200:  # Rasa still working through what queued while frozen
        time.sleep(RASA_TIMEOUT)
        retried = chat.send("罚多少钱", waiting_id)
    assert retried.status_code == 200 and "50—200元" in flat(retried.json()["messages"])
    dog_context_holds(chat)


def test_a_rasa_worker_killed_mid_turn(stack: Stack) -> None:
    chat = Conversation(stack)
    chat.say("我家狗出门没拴绳 会被罚吗")
    main_pid = stack.processes["rasa"].pid
    workers = [pid for pid in stack.group_pids("rasa") if pid != main_pid]
    assert len(workers) >= 2
    message_id = uuid.uuid4().hex
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        with paused(stack, "rasa"):
            in_flight = pool.submit(chat.send, "罚多少钱", message_id)
            time.sleep(1)  # the turn has reached Rasa, which is frozen
            os.kill(workers[0], signal.SIGKILL)
        first = in_flight.result()  # answered by the other worker, or a busy message
    again = chat.send("罚多少钱", message_id)
    if first.status_code == 200:
        assert again.json()["messages"] == first.json()["messages"]  # answered once
    dog_context_holds(chat)


def test_the_action_server_down_then_back(stack: Stack) -> None:
    chat = Conversation(stack)
    stack.stop("actions")
    try:
        assert busy(chat.send("狗证怎么办"))
    finally:
        stack.start("actions")
    assert "登记" in flat(chat.say_when_back("狗证怎么办"))


def test_the_app_database_down_then_back(stack: Stack) -> None:
    chat = Conversation(stack)
    chat.say("我家狗出门没拴绳 会被罚吗")
    with database_refusing_connections(stack):
        assert busy(chat.send("罚多少钱"))
        health = httpx.get(f"{stack.api_url}/healthz", timeout=30)
        assert health.status_code == 503 and health.json()["db"] == "down"
    dog_context_holds(chat)


def test_the_app_database_locked(stack: Stack) -> None:
    chat = Conversation(stack)
    chat.say("我家狗出门没拴绳 会被罚吗")
    conninfo = make_url(stack.database_url).set(drivername="postgresql")
    with psycopg.connect(conninfo.render_as_string(False)) as locker:
        locker.execute("LOCK TABLE chat_turns IN ACCESS EXCLUSIVE MODE")
        assert busy(chat.send("罚多少钱"))  # after the 5 s lock timeout, not a hang
        locker.rollback()
    dog_context_holds(chat)


def test_redis_down_then_back(stack: Stack, redis_server: Redis) -> None:
    chat = Conversation(stack)
    chat.say("我家狗出门没拴绳 会被罚吗")
    redis_server.stop()
    try:
        chat.send("罚多少钱")  # Rasa's lock store is gone: an answer or a busy message
    finally:
        redis_server.start()
    dog_context_holds(chat)
