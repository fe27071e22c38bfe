"""Shared pieces of the console's views: list fields, the stamp of who changed a record."""

from __future__ import annotations

import datetime as dt
from typing import Any

from starlette.requests import Request
from wtforms import TextAreaField

from api.admin.audit_log import ConsoleView, actor


class LinesField(TextAreaField):
    """A list of strings edited one per line (aliases, alternative questions, …)."""

    def _value(self) -> str:
        if isinstance(self.data, list):
            return "\n".join(str(x) for x in self.data)
        return self.data or ""

    def process_formdata(self, valuelist: list[Any]) -> None:
        text = valuelist[0] if valuelist else ""
        self.data = [line.strip() for line in str(text).splitlines() if line.strip()]


class StampedView(ConsoleView):
    """Marks every edit with the staff member who made it (and logs it, as every console
    view does)."""

    async def on_model_change(
        self, data: dict[str, Any], model: Any, is_created: bool, request: Request
    ) -> None:
        await super().on_model_change(data, model, is_created, request)
        data["updated_by"] = actor(request)


def query_date(value: str | None) -> dt.date | None:
    """A date from a filter's query parameter (YYYY-MM-DD); None when absent or malformed."""
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


__all__ = ["LinesField", "StampedView", "actor", "query_date"]
