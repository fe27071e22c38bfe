"""Every error a user can see, as a clear Chinese message (never a traceback)."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from slowapi.errors import RateLimitExceeded
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.schemas import ErrorOut
from api.texts import (
    BUSY,
    FIELD_MESSAGES,
    INVALID_JSON,
    INVALID_REQUEST,
    NOT_FOUND,
    SERVER_ERROR,
    TOO_MANY,
)

log = logging.getLogger(__name__)
# FastAPI's words for a body it cannot decode at all (bytes that are not UTF-8, say).
STARLETTE_BODY_ERROR = "There was an error parsing the body"


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
        if exc.status_code == 400 and detail == STARLETTE_BODY_ERROR:  # not even text
            return JSONResponse(status_code=422, content={"detail": INVALID_JSON})
        if exc.status_code == 404 and detail in (None, "Not Found"):
            detail = NOT_FOUND
        return JSONResponse(
            status_code=exc.status_code,
            content={"detail": detail},
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(OperationalError)
    async def database_unavailable(request: Request, exc: OperationalError) -> JSONResponse:
        # The database is down, refuses connections or is locked past the lock timeout: the
        # user is asked to try again (nothing was half-written: the transaction rolled back).
        log.error("database unavailable: %s", type(exc.orig).__name__)
        return JSONResponse(status_code=503, content={"detail": BUSY})

    @app.exception_handler(Exception)
    async def unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("Unhandled error: %s", type(exc).__name__)
        return JSONResponse(status_code=500, content={"detail": SERVER_ERROR})


# What each error status means, as the OpenAPI schema documents it.
ERROR_MEANINGS = {
    401: "未登录、令牌错误，或会话不是本服务签发的",
    403: "缺少或错误的 CSRF 令牌",
    404: "没有找到",
    409: "与现有数据冲突",
    413: "请求体超过 MAX_BODY_BYTES",
    422: "请求内容不正确",
    429: "请求太频繁",
    503: "依赖的服务（Rasa、数据库）暂不可用",
}


def errors(*codes: int, model: type[BaseModel] = ErrorOut) -> dict[int | str, dict[str, Any]]:
    """The `responses=` of a route: these error statuses, each with the Chinese error body."""
    return {code: {"model": model, "description": ERROR_MEANINGS[code]} for code in codes}


def declare_error_shape(app: FastAPI) -> None:
    """Make the OpenAPI schema say what the API really answers: FastAPI documents every 422 as
    its own list of validation errors, but `validation_error` above answers one Chinese
    sentence; and every request with a body can meet BodyLimit's 413."""

    generate = app.openapi  # FastAPI's own, which caches its result in app.openapi_schema

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = generate()
            for path in schema.get("paths", {}).values():
                for operation in path.values():
                    _declare_errors(operation)
            components = schema.get("components", {}).get("schemas", {})
            components.setdefault("ErrorOut", ErrorOut.model_json_schema())
            for unused in ("HTTPValidationError", "ValidationError"):
                components.pop(unused, None)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _declare_errors(operation: dict[str, Any]) -> None:
    responses = operation.setdefault("responses", {})
    error_ref = {"$ref": "#/components/schemas/ErrorOut"}
    wanted = ["422"] if operation.get("parameters") or operation.get("requestBody") else []
    if operation.get("requestBody"):
        wanted.append("413")
    for code in wanted:
        declared = responses.get(code)
        if declared is None or _is_fastapi_validation(declared):
            responses[code] = {
                "description": ERROR_MEANINGS[int(code)],
                "content": {"application/json": {"schema": error_ref}},
            }


def _is_fastapi_validation(response: dict[str, Any]) -> bool:
    schema = response.get("content", {}).get("application/json", {}).get("schema", {})
    return bool(schema.get("$ref", "").endswith("/HTTPValidationError"))
