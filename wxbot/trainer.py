"""The training worker (`wxbot bot worker`): runs the queued training jobs one at a time.

A job exports the Rasa data from the knowledge base into a copy of the Rasa project (the
repository's `bot/` stays as it is), validates it, trains (or takes the model of the same
fingerprint from the cache, `wxbot.training`), checks the model (`wxbot.checks`) and, when it
passes, stores it in `MODELS_DIR` and publishes it. A model that fails a check is stored with
the reason and not published: the live model stays. Progress and the commands' output go to
the job's row as they happen, so the console can show them and a page reload loses nothing.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import threading
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from core.config import Settings
from core.db import session_scope
from knowledge import bot_models
from knowledge.nlu_export import export_nlu
from wxbot import checks, texts, training
from wxbot.rasa import BOT_DIR, rasa_env

# What a training run reads from the Rasa project (the fingerprint's inputs and the tests).
PROJECT_FILES = (*training.FINGERPRINT_INPUTS, "tests")
FLUSH_SECONDS = 2.0


ANSI_CODES = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


class JobLog:
    """Collects a job's output and writes it to the job's row every few seconds (the row's
    heartbeat too, so a job whose worker died is recognised)."""

    def __init__(self, database_url: str, job_id: int) -> None:
        self.database_url, self.job_id = database_url, job_id
        self._buffer: list[str] = []
        self._step: str | None = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._flush_loop, daemon=True)

    def __enter__(self) -> JobLog:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.flush()

    def write(self, text: str) -> None:
        text = ANSI_CODES.sub("", text)  # Rasa colours its warnings; the console shows text
        with self._lock:
            self._buffer.append(text if text.endswith("\n") else text + "\n")

    def step(self, label: str) -> None:
        with self._lock:
            self._step = label
            self._buffer.append(f"\n== {label}\n")
        self.flush()

    def flush(self) -> None:
        with self._lock:
            text, step = "".join(self._buffer), self._step
            self._buffer, self._step = [], None
        with session_scope(self.database_url) as session:
            bot_models.append_log(session, self.job_id, text, step=step)

    def _flush_loop(self) -> None:
        while not self._stop.wait(FLUSH_SECONDS):
            self.flush()

    def run(self, cmd: list[str], cwd: Path) -> tuple[int, str]:
        """Run a command, its output going to the log as it comes; (exit code, output)."""
        self.write(f"$ {' '.join(Path(cmd[0]).name if i == 0 else c for i, c in enumerate(cmd))}")
        process = subprocess.Popen(
            cmd, cwd=cwd, env=rasa_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        assert process.stdout is not None
        lines = []
        for raw in process.stdout:
            # a progress bar redraws itself with \r: keep its last state
            line = raw.decode("utf-8", errors="replace").rstrip("\n").rsplit("\r", 1)[-1]
            lines.append(line)
            self.write(line)
        return process.wait(), "\n".join(lines)


@dataclass(frozen=True)
class Trained:
    model: Path
    origin: str  # "present", "cache" or "trained" (wxbot.training.ensure_model)
    seconds: float | None


@dataclass(frozen=True)
class Checked:
    accuracy: checks.Accuracy
    failed_stories: str
    live_accuracy: checks.Accuracy | None = None


class Pipeline:
    """The steps of a training job, with the real Rasa (tests swap in a fake one)."""

    def export(self, settings: Settings, bot_dir: Path) -> None:
        with session_scope(settings.database_url) as session:
            export_nlu(session, bot_dir)

    def validate(self, bot_dir: Path, log: JobLog) -> list[str]:
        return checks.validate(bot_dir, log.run)

    def train(self, bot_dir: Path, log: JobLog) -> Trained:
        start = time.monotonic()
        model, origin = training.ensure_model(bot_dir, run=log.run)
        seconds = time.monotonic() - start if origin == "trained" else None
        return Trained(model, origin, seconds)

    def check(self, model: Path, bot_dir: Path, live: Path | None, log: JobLog) -> Checked:
        """The held-out accuracy (of the live model too when given) and the test stories,
        side by side: each spends most of its time loading a model on one core."""
        out = bot_dir.parent / "checks"
        with ThreadPoolExecutor(max_workers=3) as pool:
            accuracy = pool.submit(checks.heldout_accuracy, model, bot_dir, out / "nlu", log.run)
            stories = pool.submit(checks.story_failures, model, bot_dir, out / "core", log.run)
            live_accuracy = (
                pool.submit(checks.heldout_accuracy, live, bot_dir, out / "live", log.run)
                if live is not None
                else None
            )
            return Checked(
                accuracy.result(),
                stories.result(),
                live_accuracy.result() if live_accuracy else None,
            )


def work(settings: Settings, pipeline: Pipeline | None = None) -> int:
    """Run queued jobs until none is left (or another worker runs one); how many ran."""
    done = 0
    while True:
        with session_scope(settings.database_url) as session:
            job = bot_models.claim_next(session)
            job_id = job.id if job else None
        if job_id is None:
            return done
        run_job(settings, job_id, pipeline)
        done += 1


def run_job(settings: Settings, job_id: int, pipeline: Pipeline | None = None) -> None:
    """Run one claimed (running) job to its end: failed, passed or published."""
    pipeline = pipeline or Pipeline()
    workdir = settings.resolved_models_dir().parent / "training" / f"job-{job_id}"
    with JobLog(settings.database_url, job_id) as log:
        try:
            _run(settings, job_id, pipeline, workdir, log)
        except Exception as exc:
            log.write(traceback.format_exc())
            log.flush()
            _finish(settings, job_id, "failed", reason=texts.CRASHED.format(error=exc))
        finally:
            shutil.rmtree(workdir, ignore_errors=True)


def _run(settings: Settings, job_id: int, pipeline: Pipeline, workdir: Path, log: JobLog) -> None:
    url = settings.database_url
    log.step(texts.STEP_EXPORT)
    bot_dir = copy_project(workdir / "bot")
    pipeline.export(settings, bot_dir)

    log.step(texts.STEP_VALIDATE)
    problems = pipeline.validate(bot_dir, log)
    if problems:
        reason = texts.INVALID_DATA.format(problems="\n".join(f"· {p}" for p in problems))
        log.write(reason)
        _finish(settings, job_id, "failed", reason=reason)
        return

    fingerprint = training.fingerprint(bot_dir)
    models_dir = settings.resolved_models_dir()
    with session_scope(url) as session:
        known = bot_models.model_for(session, fingerprint)
        if known is not None and known.status == "rejected":
            reason = texts.ALREADY_REJECTED.format(reason=known.reason)
            log.write(reason)
            _finish(settings, job_id, "failed", reason=reason, model_id=known.id)
            return
        if known is not None and bot_models.model_path(models_dir, known).exists():
            log.write(texts.ALREADY_CHECKED.format(model=known.filename))
            _finish(settings, job_id, "passed", model_id=known.id)
            _publish_if_asked(settings, job_id, log)
            return
        live = bot_models.live_model(session)
        live_file = bot_models.model_path(models_dir, live) if live else None
        live_accuracy = live.accuracy if live else None
        live_name = live.filename if live else ""

    log.step(texts.STEP_TRAIN)
    trained = pipeline.train(bot_dir, log)
    if trained.origin == "trained" and trained.seconds is not None:
        log.write(texts.TRAINED.format(seconds=trained.seconds))
    else:
        log.write(texts.FROM_CACHE.format(fingerprint=fingerprint))

    log.step(texts.STEP_CHECK)
    measure_live = live_file if live_file is not None and live_accuracy is None else None
    checked = pipeline.check(trained.model, bot_dir, measure_live, log)
    log.write(
        texts.ACCURACY.format(accuracy=checked.accuracy.accuracy, total=checked.accuracy.total)
    )
    if checked.live_accuracy is not None:
        live_accuracy = checked.live_accuracy.accuracy
        with session_scope(url) as session:
            if (live := bot_models.live_model(session)) is not None:
                live.accuracy, live.heldout_total = live_accuracy, checked.live_accuracy.total
    if live_accuracy is not None:
        log.write(texts.LIVE_ACCURACY.format(model=live_name, accuracy=live_accuracy))
    reasons = []
    tolerance = settings.model_accuracy_tolerance
    if live_accuracy is not None and checked.accuracy.accuracy < live_accuracy - tolerance:
        reasons.append(
            texts.LOWER_ACCURACY.format(
                new=checked.accuracy.accuracy, live=live_accuracy, tolerance=tolerance
            )
        )
    if checked.failed_stories:
        reasons.append(texts.STORIES_FAILED.format(stories=checked.failed_stories[:3000]))

    stored = store_model_file(settings, trained.model)
    with session_scope(url) as session:
        job = session.get(bot_models.TrainingJob, job_id)
        model = bot_models.register_model(
            session,
            fingerprint=fingerprint,
            filename=stored.name,
            size=stored.stat().st_size,
            created_by=job.requested_by if job else "system",
            status="rejected" if reasons else "passed",
            reason="\n".join(reasons),
            training_seconds=trained.seconds,
            accuracy=checked.accuracy.accuracy,
            heldout_total=checked.accuracy.total,
        )
        model_id = model.id
    if reasons:
        reason = texts.REJECTED.format(reasons="\n".join(reasons))
        log.write(reason)
        _finish(settings, job_id, "failed", reason=reason, model_id=model_id)
        return
    log.write(texts.PASSED.format(model=stored.name))
    _finish(settings, job_id, "passed", model_id=model_id)
    _publish_if_asked(settings, job_id, log)


def _publish_if_asked(settings: Settings, job_id: int, log: JobLog) -> None:
    with session_scope(settings.database_url) as session:
        job = session.get(bot_models.TrainingJob, job_id)
        if job is None or not job.publish or job.model is None:
            log.step(texts.STEP_DONE)
            return
        log.step(texts.STEP_PUBLISH)
        if bot_models.publish(session, job.model, by=job.requested_by) is None:
            log.write(texts.ALREADY_LIVE.format(model=job.model.filename))
        else:
            log.write(
                texts.PUBLISHED.format(
                    model=job.model.filename, seconds=settings.model_pull_seconds
                )
            )
        bot_models.move(job, "published")
        job.step = texts.STEP_DONE


def _finish(
    settings: Settings,
    job_id: int,
    state: str,
    *,
    reason: str = "",
    model_id: int | None = None,
) -> None:
    with session_scope(settings.database_url) as session:
        job = session.get(bot_models.TrainingJob, job_id)
        if job is None or job.state in bot_models.FINISHED:
            return  # (after a crash in publishing: the job keeps the state it reached)
        bot_models.move(job, state)
        job.reason = reason
        job.step = texts.STEP_DONE if state == "failed" else job.step
        if model_id is not None:
            job.model_id = model_id


def copy_project(target: Path, source: Path = BOT_DIR) -> Path:
    """A copy of the Rasa project's training inputs, to export into and train in."""
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    for name in PROJECT_FILES:
        path = source / name
        if path.is_dir():
            shutil.copytree(path, target / name)
        elif path.exists():
            shutil.copy2(path, target / name)
    return target


def store_model_file(settings: Settings, model: Path) -> Path:
    """Copy a model into MODELS_DIR (by fingerprint, so an existing file is the same model)."""
    models_dir = settings.resolved_models_dir()
    models_dir.mkdir(parents=True, exist_ok=True)
    target = models_dir / model.name
    if not target.exists():
        partial = target.with_suffix(".partial")
        shutil.copy2(model, partial)
        partial.replace(target)  # atomic: the model server never sees half a file
    return target


def publish_initial(settings: Settings, model: Path) -> bool:
    """Publish `model` (the repository's, from `make train`) when no model was ever published,
    so a fresh machine starts answering. True when it did."""
    with session_scope(settings.database_url) as session:
        if bot_models.live_model(session) is not None:
            return False
    stored = store_model_file(settings, model)
    with session_scope(settings.database_url) as session:
        if bot_models.live_model(session) is not None:
            return False
        row = bot_models.register_model(
            session,
            fingerprint=stored.name.removeprefix("wx-").removesuffix(".tar.gz"),
            filename=stored.name,
            size=stored.stat().st_size,
            created_by="system",
        )
        bot_models.publish(session, row, by="system", note=texts.INITIAL_NOTE)
    return True
