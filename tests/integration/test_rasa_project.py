"""The Rasa project itself: data validation and the dialogue test stories (bot/tests)."""

from __future__ import annotations

import os
import subprocess

import pytest

from knowledge.training import BOT_DIR, RASA_BIN, current_model
from tests.integration.stack import model_ready

pytestmark = pytest.mark.integration
ENV = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}


@pytest.fixture(scope="module", autouse=True)
def _model() -> None:
    if not model_ready():
        pytest.skip("no trained model for the current data: run `make test`")


def test_data_validates_without_warnings() -> None:
    result = subprocess.run(
        [
            str(RASA_BIN),
            "data",
            "validate",
            "--fail-on-warnings",
            "--domain",
            "domain",
            "--data",
            "data",
            "--config",
            "config.yml",
        ],
        cwd=BOT_DIR,
        env=ENV,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "UserWarning" not in result.stderr


def test_dialogue_stories_pass(tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = subprocess.run(
        [
            str(RASA_BIN),
            "test",
            "core",
            "--stories",
            "tests",
            "--model",
            str(current_model()),
            "--out",
            str(tmp_path),
            "--fail-on-prediction-errors",
            "--no-plot",
        ],
        cwd=BOT_DIR,
        env=ENV,
        capture_output=True,
        text=True,
        timeout=900,
    )
    failed = tmp_path / "failed_test_stories.yml"
    detail = failed.read_text() if failed.exists() else ""
    assert result.returncode == 0, detail[-4000:] + result.stdout[-2000:] + result.stderr[-2000:]
