"""The trained Rasa models and their training jobs: the tables, the job states, publishing
and rollback.

A training job (started from the console or `wxbot bot publish`) moves
queued → running → failed | passed → published; the worker (`wxbot bot worker`) runs one at
a time. A model that passed its checks can be published; the live model is the one of the
latest publication, and Rasa pulls it from the API's model server (`GET /api/models/live`,
its `ETag` is the model's name). Model files live in `MODELS_DIR` (default `var/models`),
one `wx-<fingerprint>.tar.gz` per training-data fingerprint.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

from sqlalchemy import (
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    func,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from core.db import Base, utcnow

# The job states, in the order a job passes them, with the label staff read.
JOB_STATES = {
    "queued": "排队中",
    "running": "训练中",
    "failed": "未通过",
    "passed": "已通过检查",
    "published": "已发布",
}
_MOVES = {
    "queued": {"running"},
    "running": {"failed", "passed"},
    "passed": {"published"},
    "failed": set(),
    "published": set(),
}
FINISHED = ("failed", "passed", "published")
# A model either passed every check (it can be published) or was kept aside with a reason.
MODEL_STATES = {"passed": "已通过检查", "rejected": "未通过（已搁置）"}
# A running job whose worker has not written for this long is taken as interrupted.
STALE_AFTER = dt.timedelta(minutes=3)
# The longest job log kept (the start and the end of a longer one).
MAX_LOG_CHARS = 200_000


class BotModel(Base):
    __tablename__ = "bot_models"

    id: Mapped[int] = mapped_column(primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(40), unique=True)
    filename: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(20), default="passed")
    reason: Mapped[str] = mapped_column(Text, default="")
    trained_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Seconds `rasa train` took for this model (None when it is unknown).
    training_seconds: Mapped[float | None] = mapped_column(Float, nullable=True)
    # Intent accuracy on the held-out set (bench/data/nlu_fresh.yml), and on how many
    # utterances (those not in the model's own training data).
    accuracy: Mapped[float | None] = mapped_column(Float, nullable=True)
    heldout_total: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_by: Mapped[str] = mapped_column(String(80), default="system")

    @property
    def etag(self) -> str:
        return f'"{self.filename.removesuffix(".tar.gz")}"'

    def __str__(self) -> str:
        return self.filename


class TrainingJob(Base):
    __tablename__ = "training_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    state: Mapped[str] = mapped_column(String(20), default="queued", index=True)
    requested_by: Mapped[str] = mapped_column(String(80))
    # Publish the model once it passes its checks ("训练并发布").
    publish: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, server_default=func.now()
    )
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    heartbeat_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    step: Mapped[str] = mapped_column(String(200), default="")
    log: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    model_id: Mapped[int | None] = mapped_column(ForeignKey("bot_models.id"))
    model: Mapped[BotModel | None] = relationship(lazy="joined")

    @property
    def state_label(self) -> str:
        return JOB_STATES[self.state]

    @property
    def seconds(self) -> float | None:
        """How long the job ran (until now while it runs)."""
        if self.started_at is None:
            return None
        end = self.finished_at or utcnow()
        return (_aware(end) - _aware(self.started_at)).total_seconds()


class ModelPublication(Base):
    __tablename__ = "model_publications"

    id: Mapped[int] = mapped_column(primary_key=True)
    model_id: Mapped[int] = mapped_column(ForeignKey("bot_models.id"))
    model: Mapped[BotModel] = relationship(lazy="joined")
    published_by: Mapped[str] = mapped_column(String(80))
    published_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    note: Mapped[str] = mapped_column(String(200), default="")


class PublishError(ValueError):
    """The model cannot be published (the message says why, in Chinese)."""


def _aware(value: dt.datetime) -> dt.datetime:
    # SQLite gives naive datetimes back; they were stored as UTC.
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def model_path(models_dir: Path, model: BotModel) -> Path:
    return models_dir / model.filename


# --- jobs ------------------------------------------------------------------------------


def move(job: TrainingJob, state: str, *, now: dt.datetime | None = None) -> None:
    """Change the job's state, refusing a move the life cycle does not have."""
    if state not in _MOVES[job.state]:
        raise ValueError(f"training job {job.id}: {job.state} → {state} is not a valid move")
    now = now or utcnow()
    job.state = state
    if state == "running":
        job.started_at = job.heartbeat_at = now
    elif state in FINISHED and job.finished_at is None:
        job.finished_at = now


def enqueue(session: Session, *, requested_by: str, publish: bool = True) -> TrainingJob:
    """Queue a training job; a job still waiting to start is returned instead of a second one
    (it exports the knowledge base when it starts, so it will include the latest edits)."""
    waiting = session.scalar(
        select(TrainingJob).where(TrainingJob.state == "queued").order_by(TrainingJob.id)
    )
    if waiting is not None:
        waiting.publish = waiting.publish or publish
        return waiting
    job = TrainingJob(requested_by=requested_by, publish=publish, state="queued")
    session.add(job)
    session.flush()
    return job


def recover_stale(session: Session, *, now: dt.datetime | None = None) -> list[TrainingJob]:
    """Mark running jobs whose worker stopped writing (a restart, a crash) as failed."""
    now = now or utcnow()
    stale = [
        job
        for job in session.scalars(select(TrainingJob).where(TrainingJob.state == "running"))
        if job.heartbeat_at is None or now - _aware(job.heartbeat_at) > STALE_AFTER
    ]
    for job in stale:
        move(job, "failed", now=now)
        job.reason = "训练进程中断（服务重启或进程退出），请重新训练。"
    session.flush()
    return stale


def claim_next(session: Session, *, now: dt.datetime | None = None) -> TrainingJob | None:
    """Start the oldest queued job, unless one is running: one job at a time."""
    now = now or utcnow()
    recover_stale(session, now=now)
    if session.scalar(select(TrainingJob.id).where(TrainingJob.state == "running")):
        return None
    job = session.scalar(
        select(TrainingJob).where(TrainingJob.state == "queued").order_by(TrainingJob.id)
    )
    if job is None:
        return None
    # Conditional on the state, so two workers starting together cannot both take it.
    claimed = session.execute(
        update(TrainingJob)
        .where(TrainingJob.id == job.id, TrainingJob.state == "queued")
        .values(state="running", started_at=now, heartbeat_at=now)
    )
    session.flush()
    if getattr(claimed, "rowcount", 1) != 1:
        return None
    session.refresh(job)
    return job


def pending(session: Session) -> bool:
    """Is there a job waiting or running?"""
    return bool(
        session.scalar(
            select(TrainingJob.id).where(TrainingJob.state.in_(("queued", "running"))).limit(1)
        )
    )


def append_log(session: Session, job_id: int, text: str, *, step: str | None = None) -> None:
    """Add worker output to the job's log (also its heartbeat)."""
    job = session.get(TrainingJob, job_id)
    if job is None:
        return
    log = job.log + text
    if len(log) > MAX_LOG_CHARS:
        head = MAX_LOG_CHARS // 10
        log = log[:head] + "\n…（中间日志过长已省略）…\n" + log[-(MAX_LOG_CHARS - head) :]
    job.log = log
    job.heartbeat_at = utcnow()
    if step is not None:
        job.step = step


def recent_jobs(session: Session, limit: int = 20) -> list[TrainingJob]:
    return list(session.scalars(select(TrainingJob).order_by(TrainingJob.id.desc()).limit(limit)))


def last_finished_job(session: Session) -> TrainingJob | None:
    return session.scalar(
        select(TrainingJob)
        .where(TrainingJob.state.in_(FINISHED))
        .order_by(TrainingJob.finished_at.desc(), TrainingJob.id.desc())
    )


# --- models ----------------------------------------------------------------------------


def model_for(session: Session, fingerprint: str) -> BotModel | None:
    return session.scalar(select(BotModel).where(BotModel.fingerprint == fingerprint))


def register_model(
    session: Session,
    *,
    fingerprint: str,
    filename: str,
    size: int,
    created_by: str,
    status: str = "passed",
    reason: str = "",
    training_seconds: float | None = None,
    accuracy: float | None = None,
    heldout_total: int | None = None,
) -> BotModel:
    """Record a model file (one row per fingerprint; a retrained fingerprint updates it)."""
    if status not in MODEL_STATES:
        raise ValueError(f"unknown model status {status!r}")
    model = model_for(session, fingerprint)
    if model is None:
        model = BotModel(fingerprint=fingerprint, filename=filename, trained_at=utcnow())
        session.add(model)
    model.filename, model.size, model.status, model.reason = filename, size, status, reason
    model.created_by = created_by
    if training_seconds is not None:
        model.training_seconds = training_seconds
    if accuracy is not None:
        model.accuracy, model.heldout_total = accuracy, heldout_total
    session.flush()
    return model


def recent_models(session: Session, limit: int = 20) -> list[BotModel]:
    return list(session.scalars(select(BotModel).order_by(BotModel.id.desc()).limit(limit)))


def publications(session: Session, limit: int = 20) -> list[ModelPublication]:
    return list(
        session.scalars(select(ModelPublication).order_by(ModelPublication.id.desc()).limit(limit))
    )


def live_publication(session: Session) -> ModelPublication | None:
    return session.scalar(select(ModelPublication).order_by(ModelPublication.id.desc()))


def live_model(session: Session) -> BotModel | None:
    publication = live_publication(session)
    return publication.model if publication else None


# The live model's file name as a chat turn stamps it, read at most every few seconds per
# database (each turn asked the database before); Rasa itself only changes models when it
# next pulls (every MODEL_PULL_SECONDS), so a few seconds' lag says nothing false.
LIVE_NAME_SECONDS = 5.0
_live_names: dict[str, tuple[float, str]] = {}


def live_filename(session: Session) -> str:
    bind = session.get_bind()
    key = str(bind.engine.url)
    now = time.monotonic()
    cached = _live_names.get(key)
    if cached and now - cached[0] < LIVE_NAME_SECONDS:
        return cached[1]
    live = live_model(session)
    name = live.filename if live else ""
    _live_names[key] = (now, name)
    return name


def publish(
    session: Session, model: BotModel, *, by: str, note: str = "发布"
) -> ModelPublication | None:
    """Make `model` the live one; None when it already is."""
    _live_names.clear()
    if model.status != "passed":
        raise PublishError(f"模型 {model.filename} 未通过检查，不能发布：{model.reason}")
    live = live_model(session)
    if live is not None and live.id == model.id:
        return None
    publication = ModelPublication(model=model, published_by=by, note=note)
    session.add(publication)
    session.flush()
    return publication


def previous_model(session: Session) -> BotModel | None:
    """The model that was live before the current one."""
    history = list(session.scalars(select(ModelPublication).order_by(ModelPublication.id.desc())))
    if not history:
        return None
    current = history[0].model_id
    return next((p.model for p in history[1:] if p.model_id != current), None)


def rollback(session: Session, *, by: str) -> BotModel:
    """Publish again the model that was live before the current one."""
    previous = previous_model(session)
    if previous is None:
        raise PublishError("没有可以回滚到的上一个模型。")
    publish(session, previous, by=by, note="回滚")
    return previous
