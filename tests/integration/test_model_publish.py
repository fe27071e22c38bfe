"""Train, check and publish against the real Rasa: a broken phrase set is refused and the live
model keeps answering; a published model is pulled by the running Rasa, answers what only it
was taught, while chat requests keep succeeding during the swap; rollback brings the old one
back. One real training at most (cached by the data's fingerprint in ~/.cache/wxbot/models)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from core.config import Settings
from core.db import session_scope
from knowledge import bot_models
from knowledge.models import FaqEntry
from knowledge.snapshot import store
from wxbot import trainer
from wxbot.stack import Stack

pytestmark = pytest.mark.integration

FAQ = "dog-registration-how"
# A pet-owners' phrase none of the training data has: only a model trained on it knows it.
TAUGHT = ["毛孩子入籍怎么弄", "毛孩子入籍要带啥", "毛孩子入籍去哪办", "想给毛孩子办入籍"]
ASKED = "毛孩子入籍需要什么"
BROKEN = "[你好](greeting)"  # Rasa reads it as "你好", which is already a greeting


def add_phrases(url: str, phrases: list[str]) -> list[str]:
    """Add alternative questions to the FAQ, as staff do in the console; returns the old ones."""
    with session_scope(url) as session:
        faq = session.scalar(select(FaqEntry).where(FaqEntry.key == FAQ))
        assert faq is not None
        before = list(faq.alt_questions or [])
        faq.alt_questions = [*before, *phrases]
        faq.updated_by = "staff:alice"
    store.clear()
    return before


def restore_phrases(url: str, phrases: list[str]) -> None:
    with session_scope(url) as session:
        faq = session.scalar(select(FaqEntry).where(FaqEntry.key == FAQ))
        assert faq is not None
        faq.alt_questions = phrases


def settings_of(stack: Stack) -> Settings:
    return Settings(database_url=stack.database_url, models_dir=stack.models_dir)


def run_training(stack: Stack) -> bot_models.TrainingJob:
    settings = settings_of(stack)
    with session_scope(settings.database_url) as session:
        job_id = bot_models.enqueue(session, requested_by="staff:alice").id
    trainer.work(settings)
    with session_scope(settings.database_url) as session:
        job = session.get(bot_models.TrainingJob, job_id)
        assert job is not None
        return job


def live_etag(stack: Stack) -> str:
    with session_scope(stack.database_url) as session:
        model = bot_models.live_model(session)
        assert model is not None
        return model.etag


def rasa_fingerprint(stack: Stack) -> str:
    """The loaded model, as the model server's ETag names it (Rasa's /status gives the file)."""
    try:
        status = httpx.get(
            f"{stack.rasa_url}/status", params={"token": stack.rasa_token}, timeout=10
        )
    except httpx.TimeoutException:  # Rasa's loop is busy loading the new model: not yet
        return "None"
    model_file = status.json().get("model_file") if status.status_code == 200 else None
    return f'"{Path(model_file).name.removesuffix(".tar.gz")}"' if model_file else "None"


def wait_for_model(stack: Stack, etag: str, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if rasa_fingerprint(stack) == etag:
            return
        time.sleep(1)
    raise AssertionError(f"Rasa did not load {etag}:\n{stack.log_tail('rasa')}")


def intent(stack: Stack, text: str) -> str:
    parsed = httpx.post(
        f"{stack.rasa_url}/model/parse",
        params={"token": stack.rasa_token},
        json={"text": text},
        timeout=30,
    )
    return str(parsed.json()["intent"]["name"])


def chat(client: httpx.Client, text: str) -> list[dict[str, object]]:
    session_id = client.post("/api/sessions").json()["session_id"]
    response = client.post("/api/chat", json={"session_id": session_id, "text": text})
    response.raise_for_status()
    return list(response.json()["messages"])


def words(messages: list[dict[str, object]]) -> str:
    return " ".join(str(m.get("text", "")) + str(m.get("card", "")) for m in messages)


@pytest.fixture
def client(stack: Stack) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=stack.api_url, timeout=60) as http:
        yield http


def test_a_broken_phrase_set_is_refused_and_the_old_model_answers(
    stack: Stack, client: httpx.Client
) -> None:
    before_etag = live_etag(stack)
    before = add_phrases(stack.database_url, [BROKEN])
    try:
        job = run_training(stack)
    finally:
        restore_phrases(stack.database_url, before)
    assert job.state == "failed" and "训练数据检查未通过" in job.reason
    assert "你好" in job.reason and job.model is None
    assert live_etag(stack) == before_etag == rasa_fingerprint(stack)
    assert "准养登记" in words(chat(client, "狗证怎么办"))


def test_a_published_model_is_pulled_and_answers_what_only_it_knows(
    stack: Stack, client: httpx.Client
) -> None:
    old_etag = live_etag(stack)
    wait_for_model(stack, old_etag)
    assert intent(stack, ASKED) != "ask_pet_registration"
    before = add_phrases(stack.database_url, TAUGHT)
    failures: list[str] = []
    answered = 0
    stop = threading.Event()

    def keep_chatting() -> None:
        nonlocal answered
        with httpx.Client(base_url=stack.api_url, timeout=60) as http:
            while not stop.is_set():
                try:
                    messages = chat(http, "狗证怎么办")
                    if "准养登记" in words(messages):
                        answered += 1
                    else:
                        failures.append(words(messages))
                except httpx.HTTPError as exc:
                    failures.append(repr(exc))
                time.sleep(0.3)

    try:
        job = run_training(stack)
        assert job.state == "published", job.reason + job.log[-3000:]
        assert job.model is not None and job.model.accuracy is not None
        new_etag = job.model.etag
        assert live_etag(stack) == new_etag != old_etag
        chatter = threading.Thread(target=keep_chatting)
        chatter.start()
        try:
            wait_for_model(stack, new_etag)
            time.sleep(3)
        finally:
            stop.set()
            chatter.join()
        assert failures == [] and answered > 0
        assert intent(stack, ASKED) == "ask_pet_registration"
        assert "准养登记" in words(chat(client, ASKED))

        # one click back: the running Rasa pulls the previous model again
        with session_scope(stack.database_url) as session:
            assert bot_models.rollback(session, by="staff:alice").etag == old_etag
        wait_for_model(stack, old_etag)
        assert intent(stack, ASKED) != "ask_pet_registration"
    finally:
        stop.set()
        restore_phrases(stack.database_url, before)
        with session_scope(stack.database_url) as session:
            live = bot_models.live_model(session)
            if live is not None and live.etag != old_etag:
                bot_models.rollback(session, by="test")
