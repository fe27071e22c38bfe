"""Training happens once per data fingerprint; a cached model is reused by a fresh clone."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from wxbot import training


def _bot(tmp_path: Path) -> Path:
    bot = tmp_path / "bot"
    bot.mkdir()
    for name in ("config.yml", "requirements.txt"):
        shutil.copy(training.BOT_DIR / name, bot / name)
    shutil.copytree(training.BOT_DIR / "data", bot / "data")
    shutil.copytree(training.BOT_DIR / "domain", bot / "domain")
    shutil.copytree(training.BOT_DIR / "dictionary", bot / "dictionary")
    return bot


def test_fingerprint_changes_with_training_data_only(tmp_path: Path) -> None:
    bot = _bot(tmp_path)
    before = training.fingerprint(bot)
    (bot / "README.txt").write_text("notes")
    assert training.fingerprint(bot) == before
    with (bot / "data" / "nlu" / "smalltalk.yml").open("a", encoding="utf-8") as handle:
        handle.write("\n")
    assert training.fingerprint(bot) != before


def test_cached_model_is_reused_without_training(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot = _bot(tmp_path)
    monkeypatch.setenv("WXBOT_CACHE", str(tmp_path / "cache"))
    name = training.model_name(training.fingerprint(bot))
    training.cache_dir().mkdir(parents=True)
    (training.cache_dir() / f"{name}.tar.gz").write_bytes(b"model")
    (bot / "models").mkdir()
    (bot / "models" / "old.tar.gz").write_bytes(b"old")

    def no_training(*_args: object) -> None:
        raise AssertionError("must not train when the cache has the model")

    monkeypatch.setattr(training, "_train", no_training)
    model, origin = training.ensure_model(bot)
    assert origin == "cache"
    assert model.read_bytes() == b"model"
    assert [p.name for p in (bot / "models").iterdir()] == [f"{name}.tar.gz"]
    assert training.ensure_model(bot)[1] == "present"
