"""Every error a user can see, as a clear Chinese message (never a traceback)."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from slowapi.errors import RateLimitExceeded
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.texts import (
    FIELD_MESSAGES,
    INVALID_JSON,
    INVALID_REQUEST,
    NOT_FOUND,
    SERVER_ERROR,
    TOO_MANY,
)

log = logging.getLogger(__name__)


def _validation_message(exc: RequestValidationError) -> str:
    for error in exc.errors():
        if error.get("type") in ("json_invalid", "model_attributes_type", "dict_type"):
            return INVALID_JSON
        loc = [str(p) for p in error.get("loc", ())]
        for field, message in FIELD_MESSAGES.items():
            if field in loc:
                return message
    return INVALID_REQUEST


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse(status_code=422, content={"detail": _validation_message(exc)})

    @app.exception_handler(RateLimitExceeded)
    async def rate_limited(_: Request, __: RateLimitExceeded) -> JSONResponse:
        return JSONResponse(status_code=429, content={"detail": TOO_MANY})

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail
        if exc.status_code == 404 and detail in (None, "Not Found"):
            detail = NOT_FOUND
        return JSONResponse(
            status_code=exc.status_code,
            content={"detail": detail},
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(Exception)
    async def unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("Unhandled error: %s", type(exc).__name__)
        return JSONResponse(status_code=500, content={"detail": SERVER_ERROR})
