"""Shared pieces of the console's views: list fields, the stamp of who changed a record."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqladmin import ModelView
from starlette.requests import Request
from wtforms import TextAreaField


class LinesField(TextAreaField):
    """A list of strings edited one per line (aliases, alternative questions, …)."""

    def _value(self) -> str:
        if isinstance(self.data, list):
            return "\n".join(str(x) for x in self.data)
        return self.data or ""

    def process_formdata(self, valuelist: list[Any]) -> None:
        text = valuelist[0] if valuelist else ""
        self.data = [line.strip() for line in str(text).splitlines() if line.strip()]


def actor(request: Request) -> str:
    return f"staff:{request.session.get('staff', 'unknown')}"


class StampedView(ModelView):
    """Marks every edit with the staff member who made it."""

    async def on_model_change(
        self, data: dict[str, Any], model: Any, is_created: bool, request: Request
    ) -> None:
        data["updated_by"] = actor(request)


def query_date(value: str | None) -> dt.date | None:
    """A date from a filter's query parameter (YYYY-MM-DD); None when absent or malformed."""
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None
