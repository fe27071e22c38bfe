"""GET /healthz: is every part of the assistant up?"""

from __future__ import annotations

import httpx
from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from api.deps import RasaDep, SessionDep, SettingsDep
from api.rasa_client import RasaUnavailable

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz(session: SessionDep, rasa: RasaDep, settings: SettingsDep) -> JSONResponse:
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
    try:
        async with httpx.AsyncClient(timeout=3) as client:
            response = await client.get(health_url)
        actions = "ok" if response.status_code == 200 else "down"
    except httpx.HTTPError:
        actions = "down"
    ok = db == rasa_state == actions == "ok"
    body = {"status": "ok" if ok else "degraded", "rasa": rasa_state, "actions": actions, "db": db}
    return JSONResponse(status_code=200 if ok else 503, content=body)
