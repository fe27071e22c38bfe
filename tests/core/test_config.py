"""Settings fail fast outside development; development secrets are made once, privately."""

from __future__ import annotations

import stat
import threading
from pathlib import Path

import pytest

from core.config import ConfigurationError, Settings, development_secret


def test_production_refuses_to_start_without_secrets() -> None:
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        Settings(environment="production", secret_key=None, rasa_token="t")
    with pytest.raises(ConfigurationError, match="RASA_TOKEN"):
        Settings(environment="production", secret_key="s", rasa_token=None)
    assert Settings(environment="production", secret_key="s", rasa_token="t").secret_key == "s"


def test_development_secret_is_created_once_and_private(tmp_path: Path) -> None:
    seen: list[str] = []
    threads = [
        threading.Thread(target=lambda: seen.append(development_secret("key", tmp_path)))
        for _ in range(8)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(seen)) == 1 and len(seen[0]) >= 32
    assert stat.S_IMODE((tmp_path / "key").stat().st_mode) == 0o600
