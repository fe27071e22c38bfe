"""The FastAPI application, built by `create_app(settings)`: the API's composition root.

uvicorn runs it as a factory (`uvicorn --factory api.app:create_app`), so importing this
module builds nothing.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from api.admin import mount_admin
from api.admin.models_view import resume_training
from api.channels import wechat
from api.errors import declare_error_shape, install_error_handlers
from api.headers import SecurityHeaders
from api.limits import BodyLimit, make_limiter
from api.rasa_client import RasaClient
from api.routes import admin_api, bookings, chat, health, items, models, pages
from api.routes.pages import STATIC_DIR
from core.config import Settings, get_settings
from core.db import session_scope
from core.security import install_log_masking
from knowledge.snapshot import warm_up

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    _configure_logging()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.rasa = RasaClient(
            settings.rasa_url, settings.resolved_rasa_token(), settings.rasa_timeout
        )
        app.state.http = httpx.AsyncClient()
        _warm_up(settings.database_url)
        _resume_training(settings)
        yield
        await app.state.rasa.close()
        await app.state.http.aclose()

    docs = settings.docs_public  # the API pages: development only, unless API_DOCS says
    app = FastAPI(
        title="吴兴综合执法智能助手 API",
        version="0.1.0",
        lifespan=lifespan,
        docs_url="/docs" if docs else None,
        redoc_url="/redoc" if docs else None,
        openapi_url="/openapi.json" if docs else None,
    )
    app.state.settings = settings
    limiter = app.state.limiter = make_limiter(settings)
    install_error_handlers(app)
    declare_error_shape(app)
    for router in (
        health.router,
        chat.build_router(limiter, settings),
        items.router,
        bookings.build_router(limiter, settings),
        pages.router,
        models.router,
        admin_api.router,
        wechat.build_router(settings),
    ):
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    mount_admin(app, settings)
    app.add_middleware(SecurityHeaders, widget_hosts=settings.widget_hosts)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    # Outermost: the client address and scheme every layer below sees (uvicorn runs with
    # --no-proxy-headers, so this setting is the only place that decides whom to believe).
    app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxies)
    return app


def _warm_up(database_url: str) -> None:
    """Build the search indexes at start-up, so the first self-check search does not wait.
    (The action server builds its own on its first question: warming it before Sanic forks
    its worker would break Sanic's process start.)"""
    try:
        with session_scope(database_url) as session:
            warm_up(session)
    except Exception:  # a missing database is reported by /healthz, not by a crash here
        log.warning("search warm-up skipped", exc_info=True)


def _resume_training(settings: Settings) -> None:
    try:
        resume_training(settings)
    except Exception:  # a missing database is reported by /healthz, not by a crash here
        log.warning("resuming training jobs skipped", exc_info=True)


def _configure_logging() -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    install_log_masking("uvicorn.access", "uvicorn.error", "api")
    # httpx would log every health probe, and the Rasa status URL carries the API token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
