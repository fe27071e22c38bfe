"""The Rasa project itself: data validation and the dialogue test stories (bot/tests)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from core.config import PROJECT_ROOT
from tests.domain import domain
from wxbot import checks
from wxbot.rasa import BOT_DIR, RASA_BIN, rasa_env
from wxbot.stack import model_ready
from wxbot.training import current_model

pytestmark = pytest.mark.integration
ACTIONS_DIR = PROJECT_ROOT / "actions"


@pytest.fixture(scope="module", autouse=True)
def _model() -> None:
    if not model_ready():
        pytest.skip("no trained model for the current data: run `make test`")


def test_data_validates_without_warnings() -> None:
    """`rasa data validate` finds nothing, except that responses our actions send or our forms
    ask are in no story or rule (the same check a training job runs: wxbot.checks)."""
    assert checks.validate(BOT_DIR, _run) == []


def _run(cmd: list[str], cwd: Path) -> tuple[int, str]:
    result = subprocess.run(
        cmd, cwd=cwd, env=rasa_env(), capture_output=True, text=True, timeout=600
    )
    return result.returncode, result.stdout + result.stderr


def _actions_source() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in ACTIONS_DIR.rglob("*.py"))


def test_every_response_is_used() -> None:
    """No response in the domain that nothing sends."""
    source = _actions_source()
    rules = "\n".join(p.read_text(encoding="utf-8") for p in (BOT_DIR / "data").rglob("*.yml"))
    asked = {
        f"utter_ask_{s}" for form in domain()["forms"].values() for s in form["required_slots"]
    }
    unused = [
        name
        for name in domain()["responses"]
        if f'"{name}"' not in source and name not in rules and name not in asked
    ]
    assert unused == []


def test_dialogue_stories_pass(tmp_path: Path) -> None:
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
        env=rasa_env(),
        capture_output=True,
        text=True,
        timeout=900,
    )
    failed = tmp_path / "failed_test_stories.yml"
    detail = failed.read_text() if failed.exists() else ""
    assert result.returncode == 0, detail[-4000:] + result.stdout[-2000:] + result.stderr[-2000:]
