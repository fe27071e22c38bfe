"""The training worker with a stand-in for Rasa: what staff see of a job (its states, steps,
reasons) and which model ends up live. The real Rasa path is in
tests/integration/test_model_publish.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from core.config import Settings
from core.db import session_scope
from knowledge import bot_models
from knowledge.bot_models import TrainingJob
from wxbot import checks, trainer, training
from wxbot.trainer import Checked, JobLog, Pipeline, Trained


class FakePipeline(Pipeline):
    def __init__(
        self,
        *,
        marker: str = "一句新问法",
        problems: list[str] | None = None,
        accuracy: float = 0.90,
        failed_stories: str = "",
        crash: bool = False,
    ) -> None:
        self.marker, self.problems, self.accuracy = marker, problems or [], accuracy
        self.failed_stories, self.crash = failed_stories, crash
        self.trained = 0
        self.live_measured: Path | None = None

    def export(self, settings: Settings, bot_dir: Path) -> None:
        (bot_dir / "data" / "nlu" / "generated.yml").write_text(
            f'version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n    - {self.marker}\n',
            encoding="utf-8",
        )

    def validate(self, bot_dir: Path, log: JobLog) -> list[str]:
        return self.problems

    def train(self, bot_dir: Path, log: JobLog) -> Trained:
        if self.crash:
            raise RuntimeError("磁盘已满")
        self.trained += 1
        log.write("Epochs: 40/40")
        model = bot_dir / "models" / f"{training.model_name(training.fingerprint(bot_dir))}.tar.gz"
        model.parent.mkdir(exist_ok=True)
        model.write_bytes(b"model " + self.marker.encode())
        return Trained(model, "trained", 95.0)

    def check(self, model: Path, bot_dir: Path, live: Path | None, log: JobLog) -> Checked:
        self.live_measured = live
        return Checked(
            checks.Accuracy(self.accuracy, 250),
            self.failed_stories,
            checks.Accuracy(0.91, 250) if live else None,
        )


@pytest.fixture
def settings(fresh_db_url: str, tmp_path: Path) -> Settings:
    return Settings(database_url=fresh_db_url, models_dir=tmp_path / "models")


@pytest.fixture
def live(settings: Settings, tmp_path: Path) -> str:
    """A live model, published at the first start (accuracy not measured yet)."""
    first = tmp_path / "wx-0000000000000000.tar.gz"
    first.write_bytes(b"first model")
    assert trainer.publish_initial(settings, first)
    assert not trainer.publish_initial(settings, first)  # only when none is live
    return first.name


def _queue(settings: Settings, who: str = "staff:alice") -> int:
    with session_scope(settings.database_url) as session:
        return bot_models.enqueue(session, requested_by=who).id


def _job(settings: Settings, job_id: int) -> TrainingJob:
    with session_scope(settings.database_url) as session:
        job = session.get(TrainingJob, job_id)
        assert job is not None
        return job


def _live(settings: Settings) -> str:
    with session_scope(settings.database_url) as session:
        model = bot_models.live_model(session)
        return model.filename if model else ""


def test_a_passing_job_is_published(settings: Settings, live: str) -> None:
    job_id = _queue(settings)
    pipeline = FakePipeline()
    assert trainer.work(settings, pipeline) == 1
    job = _job(settings, job_id)
    assert job.state == "published" and job.model is not None
    assert _live(settings) == job.model.filename != live
    assert (settings.models_dir / job.model.filename).read_bytes() == "model 一句新问法".encode()
    assert job.model.accuracy == 0.90 and job.model.training_seconds == 95.0
    for step in ("导出训练数据", "rasa data validate", "训练模型", "评估新模型", "发布新模型"):
        assert step in job.log
    assert "Epochs: 40/40" in job.log and "留出集意图准确率 90.0%" in job.log
    # the live model's accuracy was unknown: measured alongside, and kept on its row
    assert pipeline.live_measured == settings.models_dir / live
    with session_scope(settings.database_url) as session:
        first = session.scalar(
            select(bot_models.BotModel).where(bot_models.BotModel.filename == live)
        )
        assert first is not None and first.accuracy == 0.91
    assert not (settings.models_dir.parent / "training" / f"job-{job_id}").exists()


def test_unchanged_data_reuses_the_checked_model(settings: Settings, live: str) -> None:
    _queue(settings)
    trainer.work(settings, FakePipeline())
    again = _queue(settings)
    pipeline = FakePipeline()
    trainer.work(settings, pipeline)
    job = _job(settings, again)
    assert pipeline.trained == 0 and job.state == "published"
    assert "无需重新训练" in job.log and "已是线上模型" in job.log


def test_invalid_training_data_is_refused_before_training(settings: Settings, live: str) -> None:
    job_id = _queue(settings)
    problem = "The example '你好' was found labeled with multiple different intents"
    pipeline = FakePipeline(problems=[problem])
    trainer.work(settings, pipeline)
    job = _job(settings, job_id)
    assert job.state == "failed" and job.state_label == "未通过"
    assert "训练数据检查未通过" in job.reason and "'你好'" in job.reason
    assert pipeline.trained == 0 and job.model is None
    assert _live(settings) == live


def test_a_less_accurate_model_is_kept_aside(settings: Settings, live: str) -> None:
    job_id = _queue(settings)
    trainer.work(settings, FakePipeline(accuracy=0.80))  # live measured at 0.91, tolerance 0.02
    job = _job(settings, job_id)
    assert job.state == "failed" and "80.0%" in job.reason and "91.0%" in job.reason
    assert job.model is not None and job.model.status == "rejected"
    assert (settings.models_dir / job.model.filename).exists()  # kept aside, with its reason
    assert _live(settings) == live
    # the same data again is refused at once, without training
    again = _queue(settings)
    pipeline = FakePipeline(accuracy=0.80)
    trainer.work(settings, pipeline)
    assert _job(settings, again).state == "failed" and pipeline.trained == 0


def test_within_the_tolerance_is_published(settings: Settings, live: str) -> None:
    job_id = _queue(settings)
    trainer.work(settings, FakePipeline(accuracy=0.895))
    assert _job(settings, job_id).state == "published"


def test_failed_test_stories_keep_the_model_aside(settings: Settings, live: str) -> None:
    job_id = _queue(settings)
    trainer.work(settings, FakePipeline(failed_stories="- story: one question per topic\n"))
    job = _job(settings, job_id)
    assert (
        job.state == "failed"
        and "对话测试" in job.reason
        and "one question per topic" in job.reason
    )
    assert _live(settings) == live


def test_a_crash_fails_the_job_and_the_next_one_runs(settings: Settings, live: str) -> None:
    first = _queue(settings)
    with session_scope(settings.database_url) as session:
        claimed = bot_models.claim_next(session)
        assert claimed is not None
    second = _queue(settings, "staff:bob")
    trainer.run_job(settings, first, FakePipeline(crash=True))
    job = _job(settings, first)
    assert job.state == "failed" and "磁盘已满" in job.reason and "Traceback" in job.log
    trainer.work(settings, FakePipeline(marker="另一句"))
    assert _job(settings, second).state == "published"
    assert _live(settings) != live


def test_train_only_stops_at_passed(settings: Settings, live: str) -> None:
    with session_scope(settings.database_url) as session:
        job_id = bot_models.enqueue(session, requested_by="staff:alice", publish=False).id
    trainer.work(settings, FakePipeline())
    assert _job(settings, job_id).state == "passed"
    assert _live(settings) == live


def test_the_job_log_is_plain_text(settings: Settings) -> None:
    with session_scope(settings.database_url) as session:
        job_id = bot_models.enqueue(session, requested_by="staff:alice").id
    with JobLog(settings.database_url, job_id) as log:
        log.write("\x1b[93m/site-packages/rasa/io.py:100: UserWarning: 未训练\x1b[0m")
    with session_scope(settings.database_url) as session:
        job = session.get(bot_models.TrainingJob, job_id)
        assert job is not None
        assert "UserWarning: 未训练" in job.log and "\x1b" not in job.log
