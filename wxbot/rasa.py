"""Where the Rasa project and its environment are, and how every Rasa command of ours runs."""

from __future__ import annotations

import os

from core.config import PROJECT_ROOT

BOT_DIR = PROJECT_ROOT / "bot"
RASA_VENV = PROJECT_ROOT / ".venv-rasa"
RASA_BIN = RASA_VENV / "bin" / "rasa"


def rasa_env(**extra: str) -> dict[str, str]:
    """The environment of a Rasa process: quiet TensorFlow and SQLAlchemy, no telemetry."""
    return {
        **os.environ,
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        "RASA_TELEMETRY_ENABLED": "false",
        "PYTHONUNBUFFERED": "1",
        # Rasa's own training cache does not notice a changed jieba dictionary (it only
        # fingerprints the config), so it could ship a stale one: our fingerprint decides.
        "RASA_MAX_CACHE_SIZE": "0",
        **extra,
    }
