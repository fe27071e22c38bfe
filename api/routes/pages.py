"""The web pages: full-page chat, embeddable widget script, self-check page."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, RedirectResponse

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
router = APIRouter(include_in_schema=False)


@router.get("/")
def index() -> RedirectResponse:
    return RedirectResponse("/chat")


@router.get("/chat")
def chat_page() -> FileResponse:
    return FileResponse(STATIC_DIR / "chat.html", media_type="text/html; charset=utf-8")


@router.get("/selfcheck")
def selfcheck_page() -> FileResponse:
    return FileResponse(STATIC_DIR / "selfcheck.html", media_type="text/html; charset=utf-8")


@router.get("/widget-demo")
def widget_demo_page() -> FileResponse:
    """A plain page with the widget on it, as the bureau's site would have it."""
    return FileResponse(STATIC_DIR / "widget-demo.html", media_type="text/html; charset=utf-8")


@router.get("/widget.js")
def widget_script() -> FileResponse:
    return FileResponse(STATIC_DIR / "widget.js", media_type="application/javascript")
