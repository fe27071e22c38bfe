"""GET /api/models/live: the published Rasa model, the way Rasa's model server protocol expects.

Every Rasa process asks every `MODEL_PULL_SECONDS` with `If-None-Match: <the ETag it has>`:
304 while the live model is the same, 200 with the model file and its `ETag` (the model's
name) after a publication or a rollback, 404 before any model was published. Rasa sends the
token (RASA_TOKEN) in an `Authorization: Bearer` header (endpoints.yml `models: headers`).
"""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Header, HTTPException, Response
from fastapi.responses import FileResponse

from api.deps import SessionDep, SettingsDep
from api.errors import errors
from api.texts import MODEL_NOT_PUBLISHED, MODEL_SERVER_UNAUTHORIZED
from knowledge import bot_models

router = APIRouter(tags=["models"])


def _tags(header: str | None) -> set[str]:
    """The entity tags of an If-None-Match header (weak or strong, quoted or not)."""
    if not header:
        return set()
    return {t.strip().removeprefix("W/").strip('"') for t in header.split(",") if t.strip()}


@router.get(
    "/api/models/live",
    responses={304: {"description": "线上模型未变"}, **errors(401, 404)},
)
def live_model(
    session: SessionDep,
    settings: SettingsDep,
    authorization: Annotated[str | None, Header()] = None,
    if_none_match: Annotated[str | None, Header()] = None,
) -> Response:
    expected = f"Bearer {settings.resolved_rasa_token()}"
    if not authorization or not secrets.compare_digest(authorization, expected):
        raise HTTPException(status_code=401, detail=MODEL_SERVER_UNAUTHORIZED)
    model = bot_models.live_model(session)
    path = bot_models.model_path(settings.resolved_models_dir(), model) if model else None
    if model is None or path is None or not path.exists():
        raise HTTPException(status_code=404, detail=MODEL_NOT_PUBLISHED)
    if model.etag.strip('"') in _tags(if_none_match) or if_none_match == "*":
        return Response(status_code=304, headers={"ETag": model.etag})
    return FileResponse(
        path,
        media_type="application/gzip",
        headers={"ETag": model.etag, "filename": model.filename, "Cache-Control": "no-cache"},
    )
