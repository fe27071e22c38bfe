"""The tracker store's retention (`wxbot tracker prune`): old events lose their phone numbers
and credit codes, silent conversations go, and the rest is untouched."""

from __future__ import annotations

import json
import time
from pathlib import Path

from sqlalchemy import select
from typer.testing import CliRunner

from core.db import get_engine
from core.tracker_store import DAY, EVENTS, prune
from wxbot.cli import app

NOW = time.time()  # the command prunes as of the real time


def _event(sender: str, kind: str, age_days: float, data: dict[str, object]) -> dict[str, object]:
    return {
        "sender_id": sender,
        "type_name": kind,
        "timestamp": NOW - age_days * DAY,
        "intent_name": None,
        "action_name": None,
        "data": json.dumps(data, ensure_ascii=False),
    }


def _store(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    engine = get_engine(url)
    EVENTS.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(
            EVENTS.insert(),
            [
                # a booking two days ago: what was typed, the slot, the summary card
                _event("old-booking", "user", 2, {"event": "user", "text": "13812345678"}),
                _event("old-booking", "slot", 2, {"name": "phone", "value": "13812345678"}),
                _event(
                    "old-booking",
                    "bot",
                    2,
                    {"data": {"custom": {"card": {"fields": [{"value": "91110000600037341L"}]}}}},
                ),
                # one typed an hour ago: the conversation may still be going on
                _event("live", "slot", 1 / 24, {"name": "phone", "value": "13900001111"}),
                # a conversation silent for a year
                _event("gone", "user", 365, {"event": "user", "text": "狗证怎么办"}),
                _event("gone", "action", 365, {"name": "action_listen"}),
            ],
        )
    return url


def _data(url: str) -> dict[str, list[str]]:
    with get_engine(url).connect() as conn:
        rows = conn.execute(select(EVENTS.c.sender_id, EVENTS.c.data).order_by(EVENTS.c.id))
        found: dict[str, list[str]] = {}
        for row in rows:
            found.setdefault(row.sender_id, []).append(row.data)
        return found


def test_old_events_are_masked_and_silent_conversations_deleted(tmp_path: Path) -> None:
    url = _store(tmp_path)
    done = prune(url, mask_days=1, keep_days=180, now=NOW)
    assert (done.masked_events, done.deleted_conversations, done.deleted_events) == (3, 1, 2)
    data = _data(url)
    assert "gone" not in data
    old = "\n".join(data["old-booking"])
    assert "13812345678" not in old and "138****5678" in old
    assert "91110000600037341L" not in old and "9111**********341L" in old
    assert "13900001111" in data["live"][0]  # a conversation that may still need its slots
    again = prune(url, mask_days=1, keep_days=180, now=NOW)
    assert (again.masked_events, again.deleted_conversations) == (0, 0)


def test_the_command_applies_the_settings(tmp_path: Path, monkeypatch: object) -> None:
    url = _store(tmp_path)
    monkeypatch.setenv("TRACKER_STORE_URL", url)  # type: ignore[attr-defined]
    monkeypatch.setenv("TRACKER_KEEP_DAYS", "1.5")  # type: ignore[attr-defined]
    from core.config import get_settings

    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["tracker", "prune"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert "删除 2 个对话" in result.output  # keep 1.5 days: the two-day-old booking goes too
    assert set(_data(url)) == {"live"}
