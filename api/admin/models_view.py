"""The console's "训练并发布": start a training job, follow its progress and log live, publish
a checked model, roll back to the previous one, see which model is live.

sqladmin has no such screen, so this is a BaseView over `knowledge.bot_models`. The jobs run
in a separate worker process (`wxbot bot worker`), started here when a job is queued and at
the API's start when a job is waiting; the job rows carry everything, so a page reload or a
restart of the API loses nothing.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from sqladmin import BaseView, expose
from sqladmin.flash import flash
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from api import texts
from api.admin.common import actor
from core.config import PROJECT_ROOT, Settings
from core.db import session_scope
from knowledge import bot_models

LOCAL_TIME = ZoneInfo("Asia/Shanghai")


def start_worker(settings: Settings) -> None:
    """Start `wxbot bot worker` in the background (it exits when the queue is empty; a second
    one started while a job runs leaves at once)."""
    log_dir = settings.resolved_models_dir().parent / "training"
    log_dir.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "MODELS_DIR": str(settings.resolved_models_dir()),
        "MODEL_ACCURACY_TOLERANCE": str(settings.model_accuracy_tolerance),
        "MODEL_PULL_SECONDS": str(settings.model_pull_seconds),
    }
    with (log_dir / "worker.log").open("ab") as log:
        subprocess.Popen(
            [sys.executable, "-m", "wxbot.cli", "bot", "worker"],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # not stopped with the request, nor by a reload of the API
        )


def resume_training(settings: Settings) -> None:
    """At the API's start: run the jobs left waiting (or marked running by a worker that is
    gone) by a restart."""
    with session_scope(settings.database_url) as session:
        waiting = bot_models.pending(session)
    if waiting:
        ModelsView.launcher(settings)


def local(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    aware = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return f"{aware.astimezone(LOCAL_TIME):%Y-%m-%d %H:%M}"


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} 分 {rest} 秒" if minutes else f"{rest} 秒"


def percent(value: float | None) -> str:
    return "未测" if value is None else f"{value:.1%}"


def job_json(job: bot_models.TrainingJob) -> dict[str, Any]:
    return {
        "id": job.id,
        "state": job.state,
        "state_label": job.state_label,
        "step": job.step,
        "requested_by": job.requested_by,
        "created_at": local(job.created_at),
        "started_at": local(job.started_at),
        "finished_at": local(job.finished_at),
        "duration": duration(job.seconds),
        "reason": job.reason,
        "model": job.model.filename if job.model else None,
        "finished": job.state in bot_models.FINISHED,
        "log": job.log,
    }


class ModelsView(BaseView):
    name, icon, category = "训练并发布", "fa-solid fa-robot", "模型"
    settings: ClassVar[Settings]  # set by mount_admin
    launcher: ClassVar[Any] = staticmethod(start_worker)

    def _redirect(self, request: Request, notice: str = "", error: str = "") -> Response:
        if notice:
            flash(request, notice, "success")
        if error:
            flash(request, error, "danger")
        return RedirectResponse(request.url_for("admin:view-models_page"), status_code=303)

    @expose("/models/train", methods=["POST"])
    async def train(self, request: Request) -> Response:
        with session_scope(self.settings.database_url) as session:
            job_id = bot_models.enqueue(session, requested_by=actor(request)).id
        ModelsView.launcher(self.settings)
        return RedirectResponse(request.url_for("admin:view-job", job_id=job_id), 303)

    @expose("/models/rollback", methods=["POST"])
    async def rollback(self, request: Request) -> Response:
        with session_scope(self.settings.database_url) as session:
            try:
                model = bot_models.rollback(session, by=actor(request))
            except bot_models.PublishError as exc:
                return self._redirect(request, error=str(exc))
            return self._redirect(request, notice=texts.ROLLED_BACK.format(model=model.filename))

    @expose("/models/{model_id:int}/publish", methods=["POST"])
    async def publish(self, request: Request) -> Response:
        model_id = request.path_params["model_id"]
        with session_scope(self.settings.database_url) as session:
            model = session.get(bot_models.BotModel, model_id)
            if model is None:
                return self._redirect(request, error=texts.NO_SUCH_MODEL)
            try:
                bot_models.publish(session, model, by=actor(request))
            except bot_models.PublishError as exc:
                return self._redirect(request, error=str(exc))
            return self._redirect(request, notice=texts.PUBLISHED.format(model=model.filename))

    @expose("/models/jobs/{job_id:int}.json", methods=["GET"])
    async def job_status(self, request: Request) -> Response:
        with session_scope(self.settings.database_url) as session:
            job = session.get(bot_models.TrainingJob, request.path_params["job_id"])
            if job is None:
                return JSONResponse({"detail": texts.NO_SUCH_JOB}, status_code=404)
            return JSONResponse(job_json(job))

    @expose("/models/jobs/{job_id:int}", methods=["GET"])
    async def job(self, request: Request) -> Response:
        with session_scope(self.settings.database_url) as session:
            job = session.get(bot_models.TrainingJob, request.path_params["job_id"])
            if job is None:
                return self._redirect(request, error=texts.NO_SUCH_JOB)
            context = {"job": job_json(job)}
        return await self.templates.TemplateResponse(request, "admin_training_job.html", context)

    @expose("/models", methods=["GET"])
    async def models_page(self, request: Request) -> Response:
        with session_scope(self.settings.database_url) as session:
            publication = bot_models.live_publication(session)
            live = publication.model if publication else None
            last = bot_models.last_finished_job(session)
            previous = bot_models.previous_model(session)
            context = {
                "live": live
                and {
                    "filename": live.filename,
                    "fingerprint": live.fingerprint,
                    "trained_at": local(live.trained_at),
                    "accuracy": percent(live.accuracy),
                    "heldout_total": live.heldout_total,
                    "training": duration(live.training_seconds),
                    "published_by": publication.published_by if publication else "",
                    "published_at": local(publication.published_at) if publication else "",
                    "note": publication.note if publication else "",
                },
                "previous": previous.filename if previous else None,
                "last_job": last and job_json(last),
                "busy": bot_models.pending(session),
                "jobs": [job_json(j) for j in bot_models.recent_jobs(session)],
                "models": [
                    {
                        "id": m.id,
                        "filename": m.filename,
                        "status": bot_models.MODEL_STATES[m.status],
                        "publishable": m.status == "passed" and (live is None or m.id != live.id),
                        "live": live is not None and m.id == live.id,
                        "accuracy": percent(m.accuracy),
                        "trained_at": local(m.trained_at),
                        "training": duration(m.training_seconds),
                        "reason": m.reason,
                    }
                    for m in bot_models.recent_models(session)
                ],
                "publications": [
                    {
                        "model": p.model.filename,
                        "by": p.published_by,
                        "at": local(p.published_at),
                        "note": p.note,
                    }
                    for p in bot_models.publications(session, limit=10)
                ],
                "pull_seconds": self.settings.model_pull_seconds,
            }
        return await self.templates.TemplateResponse(request, "admin_models.html", context)
