from __future__ import annotations

from core.config import Settings
from wxbot.endpoints import endpoints, lock_store_config, tracker_store_config


def test_sqlite_tracker_store_by_default(tmp_path) -> None:  # type: ignore[no-untyped-def]
    config = tracker_store_config(f"sqlite:///{tmp_path / 'tracker.db'}")
    assert config == {"type": "SQL", "dialect": "sqlite", "db": str(tmp_path / "tracker.db")}


def test_postgres_tracker_store_from_one_url() -> None:
    config = tracker_store_config("postgresql://bot:secret@db.local:5433/rasa")
    assert config["dialect"] == "postgresql"
    assert (config["url"], config["port"], config["db"]) == ("db.local", 5433, "rasa")
    assert (config["username"], config["password"]) == ("bot", "secret")


def test_redis_lock_store_only_when_configured() -> None:
    assert lock_store_config(None) is None
    assert lock_store_config("redis://127.0.0.1:6379/2") == {
        "type": "redis",
        "url": "127.0.0.1",
        "port": 6379,
        "db": 2,
        "key_prefix": "wxbot",
    }
    settings = Settings(
        redis_url="redis://localhost:6379/0", action_server_url="http://a:5055/webhook"
    )
    data = endpoints(settings)
    assert data["lock_store"]["type"] == "redis"
    assert data["action_endpoint"]["url"] == "http://a:5055/webhook"
