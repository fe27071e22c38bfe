"""Process-wide settings, read from environment variables (and `.env`)."""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = PROJECT_ROOT / "var"


def _sqlite_url(name: str) -> str:
    return f"sqlite:///{VAR_DIR / name}"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=PROJECT_ROOT / ".env", env_file_encoding="utf-8", extra="ignore"
    )

    database_url: str = Field(default_factory=lambda: _sqlite_url("app.db"))
    tracker_store_url: str = Field(default_factory=lambda: _sqlite_url("tracker.db"))
    redis_url: str | None = None
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_token: str | None = None
    action_server_url: str = "http://127.0.0.1:5055/webhook"
    api_host: str = "127.0.0.1"
    api_port: int = 8000
    secret_key: str | None = None
    # Seconds the API waits for Rasa before telling the user the service is busy.
    rasa_timeout: float = 20.0
    chat_max_chars: int = 500
    chat_rate_limit: str = "30/minute"
    lookup_rate_limit: str = "10/minute"
    # Enterprise checkups: bookings per half-day per town (a town may override it in the
    # console), how far ahead one can book, and the minimum notice in days.
    checkup_capacity: int = 2
    checkup_window_days: int = 30
    checkup_min_days_ahead: int = 1

    def resolved_secret_key(self) -> str:
        """The configured secret, or one generated once into `var/` and reused."""
        if self.secret_key:
            return self.secret_key
        return _file_secret("secret_key")

    def resolved_rasa_token(self) -> str:
        if self.rasa_token:
            return self.rasa_token
        return _file_secret("rasa_token")


def _file_secret(name: str) -> str:
    path = VAR_DIR / name
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(32)
    path.write_text(value, encoding="utf-8")
    path.chmod(0o600)
    return value


@lru_cache
def get_settings() -> Settings:
    return Settings()
