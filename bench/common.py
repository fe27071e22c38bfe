"""Shared helpers for the evaluation scripts."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import yaml

from wxbot.migrate import create_seeded_database

BENCH_DIR = Path(__file__).resolve().parent
DATA_DIR = BENCH_DIR / "data"
RESULTS_DIR = BENCH_DIR / "results"


@contextmanager
def seeded_db() -> Iterator[str]:
    """A throwaway SQLite database with the schema and the seed knowledge; yields its URL."""
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        create_seeded_database(url)
        yield url


def ref_code(ref_id: int) -> str:
    return f"REF-{ref_id:03d}"


def load_queries(name: str) -> list[dict]:
    return yaml.safe_load((DATA_DIR / name).read_text(encoding="utf-8"))["queries"]


def new_session(client: httpx.Client, api_url: str) -> str:
    """A conversation id issued by the API, as the chat page gets one."""
    response = client.post(f"{api_url}/api/sessions", timeout=30)
    response.raise_for_status()
    return str(response.json()["session_id"])
