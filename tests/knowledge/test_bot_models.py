"""Training jobs move through their states one at a time; publishing and rolling back decide
which model is live."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from core.db import utcnow
from knowledge import bot_models
from knowledge.bot_models import PublishError, TrainingJob


def _model(session: Session, name: str, status: str = "passed") -> bot_models.BotModel:
    return bot_models.register_model(
        session,
        fingerprint=name,
        filename=f"wx-{name}.tar.gz",
        size=1,
        created_by="staff:alice",
        status=status,
        reason="对话测试未通过" if status == "rejected" else "",
    )


def test_a_job_goes_queued_running_passed_published(fresh_session: Session) -> None:
    job = bot_models.enqueue(fresh_session, requested_by="staff:alice")
    assert (job.state, job.state_label) == ("queued", "排队中")
    # a second click while it waits does not queue the same work twice
    assert bot_models.enqueue(fresh_session, requested_by="staff:bob").id == job.id

    claimed = bot_models.claim_next(fresh_session)
    assert claimed is not None and claimed.id == job.id
    assert claimed.state == "running" and claimed.started_at is not None
    bot_models.move(claimed, "passed")
    bot_models.move(claimed, "published")
    assert claimed.state_label == "已发布" and claimed.finished_at is not None


def test_a_failed_or_published_job_does_not_move_again(fresh_session: Session) -> None:
    job = bot_models.enqueue(fresh_session, requested_by="staff:alice")
    with pytest.raises(ValueError):
        bot_models.move(job, "published")  # a queued job is not published unchecked
    bot_models.claim_next(fresh_session)
    bot_models.move(job, "failed")
    for state in ("running", "passed", "published"):
        with pytest.raises(ValueError):
            bot_models.move(job, state)


def test_one_job_runs_at_a_time(fresh_session: Session) -> None:
    first = bot_models.enqueue(fresh_session, requested_by="staff:alice")
    assert bot_models.claim_next(fresh_session) is not None
    second = bot_models.enqueue(fresh_session, requested_by="staff:bob")
    assert second.id != first.id and second.state == "queued"
    assert bot_models.claim_next(fresh_session) is None  # the first still runs
    bot_models.move(first, "failed")
    claimed = bot_models.claim_next(fresh_session)
    assert claimed is not None and claimed.id == second.id


def test_a_job_whose_worker_died_is_failed_and_the_queue_goes_on(fresh_session: Session) -> None:
    stuck = bot_models.enqueue(fresh_session, requested_by="staff:alice")
    bot_models.claim_next(fresh_session, now=utcnow() - dt.timedelta(hours=1))
    waiting = bot_models.enqueue(fresh_session, requested_by="staff:bob")
    claimed = bot_models.claim_next(fresh_session)
    assert claimed is not None and claimed.id == waiting.id
    fresh_session.refresh(stuck)
    assert stuck.state == "failed" and "中断" in stuck.reason


def test_a_live_worker_keeps_its_job(fresh_session: Session) -> None:
    job = bot_models.enqueue(fresh_session, requested_by="staff:alice")
    bot_models.claim_next(fresh_session)
    bot_models.append_log(fresh_session, job.id, "Epochs: 10/40\n", step="3/4 训练模型")
    assert bot_models.recover_stale(fresh_session) == []
    stored = fresh_session.get(TrainingJob, job.id)
    assert stored is not None and stored.state == "running"
    assert stored.step == "3/4 训练模型" and "Epochs: 10/40" in stored.log


def test_publish_and_roll_back(fresh_session: Session) -> None:
    first, second = _model(fresh_session, "aaa"), _model(fresh_session, "bbb")
    assert bot_models.live_model(fresh_session) is None
    with pytest.raises(PublishError):
        bot_models.rollback(fresh_session, by="staff:alice")

    bot_models.publish(fresh_session, first, by="system")
    bot_models.publish(fresh_session, second, by="staff:alice")
    assert bot_models.live_model(fresh_session) == second
    assert bot_models.publish(fresh_session, second, by="staff:alice") is None  # already live

    assert bot_models.rollback(fresh_session, by="staff:bob") == first
    live = bot_models.live_publication(fresh_session)
    assert live is not None and live.model == first
    assert (live.published_by, live.note) == ("staff:bob", "回滚")
    # rolling back again returns to the model that was live before the rollback
    assert bot_models.rollback(fresh_session, by="staff:bob") == second


def test_a_rejected_model_cannot_be_published(fresh_session: Session) -> None:
    rejected = _model(fresh_session, "ccc", status="rejected")
    with pytest.raises(PublishError, match="对话测试未通过"):
        bot_models.publish(fresh_session, rejected, by="staff:alice")
    assert bot_models.live_model(fresh_session) is None


def test_the_etag_names_the_model(fresh_session: Session) -> None:
    assert _model(fresh_session, "ddd").etag == '"wx-ddd"'
