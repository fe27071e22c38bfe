"""Process-wide settings, read from environment variables (and `.env`).

Built once by each entry point (`api.app.create_app`, the action server, `wxbot`) and passed
on; nothing below reads the environment itself.
"""

from __future__ import annotations

import os
import secrets
import time
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = PROJECT_ROOT / "var"


class ConfigurationError(RuntimeError):
    """The settings cannot work (a required secret missing outside development)."""


def _sqlite_url(name: str) -> str:
    return f"sqlite:///{VAR_DIR / name}"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=PROJECT_ROOT / ".env", env_file_encoding="utf-8", extra="ignore"
    )

    # "development" (the default of `make run`) generates missing secrets into var/;
    # anything else refuses to start without them.
    environment: Literal["development", "production"] = "development"
    database_url: str = Field(default_factory=lambda: _sqlite_url("app.db"))
    tracker_store_url: str = Field(default_factory=lambda: _sqlite_url("tracker.db"))
    redis_url: str | None = None
    # Retention of Rasa's tracker store (`wxbot tracker prune`, daily): phone numbers and credit
    # codes masked in events older than `tracker_mask_days`; conversations silent for longer
    # than `tracker_keep_days` deleted.
    tracker_mask_days: float = 1
    tracker_keep_days: float = 180
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_token: str | None = None
    action_server_url: str = "http://127.0.0.1:5055/webhook"
    api_host: str = "127.0.0.1"
    api_port: int = 8000
    secret_key: str | None = None
    # Seconds the API waits for Rasa before telling the user the service is busy.
    rasa_timeout: float = 20.0
    chat_max_chars: int = 500
    # Chat turns one API worker passes to Rasa at once; more are answered "busy" at once
    # rather than queued into timeouts (bench/RESULTS.md, load: where the queue starts).
    chat_max_in_flight: int = 8
    chat_rate_limit: str = "30/minute"
    session_rate_limit: str = "30/minute"  # new conversations per client
    lookup_rate_limit: str = "10/minute"
    # Where the rate-limit counters live, shared by every API worker: REDIS_URL unless set
    # ("memory://" keeps them per worker). When the store is down the limits fall back to
    # each worker's memory instead of failing requests.
    rate_limit_storage_url: str | None = None
    # The reverse proxies whose X-Forwarded-For / X-Forwarded-Proto are believed (IPs or
    # networks, comma-separated; "*" trusts everyone, never in production). From any other
    # peer the headers are ignored, so a client cannot choose the address it is limited by.
    trusted_proxies: str = "127.0.0.1"
    # Largest request body of the public API and /wechat (the console has its own, larger one
    # for the list upload). Larger bodies get a 413 with a Chinese message before parsing.
    max_body_bytes: int = 64 * 1024
    # Sites that may embed the chat (/widget.js opens /chat in an iframe): origins such as
    # "https://www.wuxing.gov.cn", comma-separated. Nothing else may be framed by anyone.
    widget_hosts: str = ""
    # Hosts whose links the chat shows as links (a host or a domain suffix, comma-separated;
    # "gov.cn" admits www.huzhou.gov.cn). Any other address in an answer stays plain text.
    link_hosts: str = "gov.cn"
    # The WeChat Official Account (公众号) message server at /wechat: off unless the token is
    # set; `wechat_aes_key` (the EncodingAESKey) and the app id turn on safe (encrypted) mode.
    wechat_token: str | None = None
    wechat_app_id: str | None = None
    wechat_aes_key: str | None = None
    # Enterprise checkups: bookings per half-day per town (a town may override it in the
    # console), how far ahead one can book, and the minimum notice in days.
    checkup_capacity: int = 2
    checkup_window_days: int = 30
    checkup_min_days_ahead: int = 1
    # Published Rasa models (one file per training-data fingerprint; rows in the DB), and the
    # model server Rasa pulls them from: the API's `/api/models/live` unless set, asked every
    # `model_pull_seconds`. A new model is refused when its held-out intent accuracy is more
    # than `model_accuracy_tolerance` (absolute, 0.02 = 2 points) below the live model's.
    models_dir: Path = VAR_DIR / "models"
    model_server_url: str | None = None
    model_pull_seconds: int = 10
    model_accuracy_tolerance: float = 0.02
    # The staff console: a session ends after this many idle minutes; this many failed
    # logins for one username lock it for `login_lockout_minutes` (an IP address may fail
    # `login_max_failures_per_ip` times in that window).
    console_idle_minutes: int = 30
    login_max_failures: int = 5
    login_max_failures_per_ip: int = 20
    login_lockout_minutes: int = 15
    # Console cookies carry `Secure` (sent over HTTPS only). Unset: on outside development,
    # where the API sits behind a TLS-terminating proxy.
    secure_cookies: bool | None = None
    # /docs, /redoc and /openapi.json. Unset: served in development only.
    api_docs: bool | None = None

    @property
    def development(self) -> bool:
        return self.environment == "development"

    @property
    def cookies_secure(self) -> bool:
        return (not self.development) if self.secure_cookies is None else self.secure_cookies

    @property
    def docs_public(self) -> bool:
        return self.development if self.api_docs is None else self.api_docs

    @model_validator(mode="after")
    def _secrets_outside_development(self) -> Settings:
        if not self.development:
            missing = [n for n in ("secret_key", "rasa_token") if not getattr(self, n)]
            if missing:
                names = "、".join(n.upper() for n in missing)
                raise ConfigurationError(
                    f"生产环境必须设置 {names}（环境变量或 .env）；"
                    "只有 ENVIRONMENT=development 时才会自动生成。"
                )
        return self

    def resolved_secret_key(self) -> str:
        """The configured secret, or (development only) one generated once into `var/`."""
        return self.secret_key or development_secret("secret_key")

    def resolved_rasa_token(self) -> str:
        return self.rasa_token or development_secret("rasa_token")

    def resolved_models_dir(self) -> Path:
        return self.models_dir if self.models_dir.is_absolute() else PROJECT_ROOT / self.models_dir

    def resolved_model_server_url(self) -> str:
        host = "127.0.0.1" if self.api_host in ("0.0.0.0", "::") else self.api_host
        return self.model_server_url or f"http://{host}:{self.api_port}/api/models/live"


def development_secret(name: str, directory: Path = VAR_DIR) -> str:
    """A secret kept in `directory/name`, created atomically (O_CREAT|O_EXCL, mode 0600) so
    that processes starting together all read the same one."""
    path = directory / name
    directory.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        value = path.read_text(encoding="utf-8").strip()
        if value:
            return value
        # Another process created the file and is writing it: read again in a moment.
        for _ in range(50):
            time.sleep(0.02)
            value = path.read_text(encoding="utf-8").strip()
            if value:
                return value
        raise ConfigurationError(f"{path} 为空：请删除后重试") from None
    value = secrets.token_urlsafe(32)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(value)
    return value


@lru_cache
def get_settings() -> Settings:
    """The settings of this process, for entry points only (each builds them once)."""
    return Settings()
