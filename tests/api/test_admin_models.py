"""The console's "训练并发布": staff start a training job, follow it, see the live model, publish
a checked model and roll back; all behind the login."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.admin.models_view import ModelsView
from api.app import create_app
from api.deps import get_rasa
from core.config import Settings
from core.db import session_scope
from knowledge import bot_models
from knowledge.bot_models import TrainingJob
from tests.api.conftest import FakeRasa
from tests.api.console import add_staff, login, post


@pytest.fixture
def launched(monkeypatch: pytest.MonkeyPatch) -> list[Settings]:
    started: list[Settings] = []
    monkeypatch.setattr(ModelsView, "launcher", staticmethod(started.append))
    return started


@pytest.fixture
def console(fresh_db_url: str, tmp_path: Path, launched: list[Settings]) -> Iterator[TestClient]:
    add_staff(fresh_db_url, "alice", "editor")
    settings = Settings(
        database_url=fresh_db_url, secret_key="test-secret", models_dir=tmp_path / "models"
    )
    app = create_app(settings)
    app.dependency_overrides[get_rasa] = FakeRasa
    with TestClient(app) as client:
        yield client


def _model(url: str, name: str, *, status: str = "passed", accuracy: float | None = None) -> int:
    with session_scope(url) as session:
        return bot_models.register_model(
            session,
            fingerprint=name,
            filename=f"wx-{name}.tar.gz",
            size=1,
            created_by="staff:alice",
            status=status,
            reason="留出集意图准确率 80.0%，低于线上模型的 91.0%" if status == "rejected" else "",
            training_seconds=200.0,
            accuracy=accuracy,
            heldout_total=250,
        ).id


def _publish(url: str, model_id: int, by: str = "staff:alice") -> None:
    with session_scope(url) as session:
        model = session.get(bot_models.BotModel, model_id)
        assert model is not None
        bot_models.publish(session, model, by=by)


def test_the_page_needs_a_login(console: TestClient, fresh_db_url: str) -> None:
    page = console.get("/admin/models", follow_redirects=False)
    assert page.status_code in (302, 303) and "/admin/login" in page.headers["location"]
    train = console.post("/admin/models/train", follow_redirects=False)
    assert train.status_code in (302, 303, 403)  # no session: refused before the view
    with session_scope(fresh_db_url) as session:
        assert session.scalar(select(TrainingJob.id)) is None


def test_the_live_model_and_its_figures(console: TestClient, fresh_db_url: str) -> None:
    login(console)
    empty = console.get("/admin/models").text
    assert "还没有发布过模型" in empty
    # the menu leads here from every console page
    assert 'href="http://testserver/admin/models"' in console.get("/admin/faq-entry/list").text
    first = _model(fresh_db_url, "1111aaaa2222bbbb", accuracy=0.912)
    _publish(fresh_db_url, first, by="staff:carol")
    page = console.get("/admin/models").text
    assert "训练并发布" in page and "wx-1111aaaa2222bbbb.tar.gz" in page
    assert "1111aaaa2222bbbb" in page and "91.2%" in page and "（250 句）" in page
    assert "3 分 20 秒" in page and "staff:carol" in page
    assert "回滚到上一个模型" not in page  # nothing to go back to yet


def test_train_queues_a_job_and_shows_its_progress(
    console: TestClient, fresh_db_url: str, launched: list[Settings]
) -> None:
    login(console)
    response = post(console, "/admin/models/train", "/admin/models")
    assert response.status_code == 200 and "训练任务 #" in response.text
    assert "排队中" in response.text
    assert len(launched) == 1 and launched[0].database_url == fresh_db_url
    with session_scope(fresh_db_url) as session:
        job = session.scalar(select(TrainingJob))
        assert job is not None and job.requested_by == "staff:alice" and job.publish
        claimed = bot_models.claim_next(session)
        assert claimed is not None
        bot_models.append_log(session, job.id, "Epochs: 12/40\n", step="3/4 训练模型")
        job_id = job.id
    status = console.get(f"/admin/models/jobs/{job_id}.json").json()
    assert (status["state_label"], status["step"]) == ("训练中", "3/4 训练模型")
    assert "Epochs: 12/40" in status["log"] and not status["finished"]
    # a reload of the page shows the same, from the job's row
    page = console.get(f"/admin/models/jobs/{job_id}").text
    assert "训练中" in page and "Epochs: 12/40" in page
    assert "训练中" in console.get("/admin/models").text
    # a second click while it runs queues one job after it, no more
    post(console, "/admin/models/train", "/admin/models")
    post(console, "/admin/models/train", "/admin/models")
    with session_scope(fresh_db_url) as session:
        states = list(session.scalars(select(TrainingJob.state).order_by(TrainingJob.id)))
    assert states == ["running", "queued"]


def test_a_refused_model_shows_why_and_cannot_be_published(
    console: TestClient, fresh_db_url: str
) -> None:
    login(console)
    live = _model(fresh_db_url, "aaaa", accuracy=0.91)
    _publish(fresh_db_url, live)
    refused = _model(fresh_db_url, "bbbb", status="rejected", accuracy=0.80)
    page = console.get("/admin/models").text
    assert "未通过（已搁置）" in page and "低于线上模型的 91.0%" in page
    assert f"/admin/models/{refused}/publish" not in page
    response = post(console, f"/admin/models/{refused}/publish", "/admin/models")
    assert "不能发布" in response.text
    with session_scope(fresh_db_url) as session:
        assert bot_models.live_model(session) is not None
        assert bot_models.live_model(session).id == live  # type: ignore[union-attr]


def test_publish_then_roll_back_in_one_click(console: TestClient, fresh_db_url: str) -> None:
    login(console)
    old, new = _model(fresh_db_url, "aaaa"), _model(fresh_db_url, "bbbb")
    _publish(fresh_db_url, old)
    assert f"/admin/models/{new}/publish" in console.get("/admin/models").text
    published = post(console, f"/admin/models/{new}/publish", "/admin/models")
    assert "已发布 wx-bbbb.tar.gz" in published.text
    assert "回滚到上一个模型（wx-aaaa.tar.gz）" in published.text
    rolled = post(console, "/admin/models/rollback", "/admin/models")
    assert "已回滚到 wx-aaaa.tar.gz" in rolled.text
    with session_scope(fresh_db_url) as session:
        publication = bot_models.live_publication(session)
        assert publication is not None and publication.model_id == old
        assert (publication.published_by, publication.note) == ("staff:alice", "回滚")


def test_the_api_resumes_waiting_jobs_at_start(
    fresh_db_url: str, tmp_path: Path, launched: list[Settings]
) -> None:
    with session_scope(fresh_db_url) as session:
        bot_models.enqueue(session, requested_by="staff:alice")
    app = create_app(Settings(database_url=fresh_db_url, models_dir=tmp_path / "models"))
    app.dependency_overrides[get_rasa] = FakeRasa
    with TestClient(app):
        assert len(launched) == 1
