"""GET /healthz: is every part of the assistant up?"""

from __future__ import annotations

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

from api.deps import RasaDep, SessionDep, SettingsDep
from api.rasa_client import RasaUnavailable
from api.schemas import HealthResponse

router = APIRouter(tags=["health"])


@router.get(
    "/healthz",
    response_model=HealthResponse,
    responses={503: {"model": HealthResponse, "description": "某个部分不可用"}},
)
async def healthz(
    request: Request, session: SessionDep, rasa: RasaDep, settings: SettingsDep
) -> JSONResponse:
    try:
        session.execute(text("SELECT 1"))
        db = "ok"
    except Exception:
        db = "down"
    try:
        status = await rasa.status()
        rasa_state = "ok" if status.get("model_file") or status.get("model_id") else "no_model"
    except RasaUnavailable:
        rasa_state = "down"
    health_url = settings.action_server_url.rsplit("/webhook", 1)[0] + "/health"
    client: httpx.AsyncClient = request.app.state.http
    try:
        response = await client.get(health_url, timeout=3)
        actions = "ok" if response.status_code == 200 else "down"
    except httpx.HTTPError:
        actions = "down"
    ok = db == rasa_state == actions == "ok"
    body = HealthResponse(
        status="ok" if ok else "degraded", rasa=rasa_state, actions=actions, db=db
    )
    return JSONResponse(status_code=200 if ok else 503, content=body.model_dump())
