"""Train the Rasa model once per data fingerprint, with a cache shared by clones.

The fingerprint covers everything training reads (config, domain, training data, jieba
dictionary, pinned Rasa requirements). A model for a fingerprint is kept in
`$WXBOT_CACHE/models` (default `~/.cache/wxbot/models`), so a fresh clone of the same
commit (as in CI) reuses it instead of training again.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from wxbot.rasa import BOT_DIR, RASA_BIN, rasa_env

FINGERPRINT_INPUTS = ("config.yml", "domain", "data", "dictionary", "requirements.txt")
# Runs a command in a folder and returns its exit code and output (a training job's log).
Runner = Callable[[list[str], Path], tuple[int, str]]


def cache_dir() -> Path:
    base = os.environ.get("WXBOT_CACHE") or Path.home() / ".cache" / "wxbot"
    return Path(base) / "models"


def fingerprint(bot_dir: Path = BOT_DIR) -> str:
    digest = hashlib.sha256()
    for name in FINGERPRINT_INPUTS:
        path = bot_dir / name
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            if file.exists():
                digest.update(str(file.relative_to(bot_dir)).encode())
                digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def model_name(fp: str) -> str:
    return f"wx-{fp}"


def current_model(bot_dir: Path = BOT_DIR) -> Path:
    return bot_dir / "models" / f"{model_name(fingerprint(bot_dir))}.tar.gz"


def ensure_model(
    bot_dir: Path = BOT_DIR, *, force: bool = False, run: Runner | None = None
) -> tuple[Path, str]:
    """Return the model for the current data, training only if no model has this fingerprint.

    The second value says where it came from: "present", "cache" or "trained". `run` runs
    `rasa train` (default: in the foreground, output to the terminal).
    """
    fp = fingerprint(bot_dir)
    name = model_name(fp)
    models = bot_dir / "models"
    models.mkdir(exist_ok=True)
    target = models / f"{name}.tar.gz"
    cached = cache_dir() / target.name
    origin = "present"
    if force or not target.exists():
        if cached.exists() and not force:
            shutil.copy2(cached, target)
            origin = "cache"
        else:
            _train(bot_dir, name, run)
            cache_dir().mkdir(parents=True, exist_ok=True)
            shutil.copy2(target, cached)
            origin = "trained"
    # Rasa serves the newest model in the folder: keep only the current one there.
    for other in models.glob("*.tar.gz"):
        if other != target:
            other.unlink()
    return target, origin


def _train(bot_dir: Path, name: str, run: Runner | None = None) -> None:
    if not RASA_BIN.exists():
        sys.exit("找不到 .venv-rasa/bin/rasa：请先运行 make setup（或 make run）")
    cmd = [
        str(RASA_BIN),
        "train",
        "--fixed-model-name",
        name,
        "--out",
        "models",
        "--config",
        "config.yml",
        "--domain",
        "domain",
        "--data",
        "data",
    ]
    if run is not None:
        code, output = run(cmd, bot_dir)
        if code != 0:
            raise subprocess.CalledProcessError(code, cmd, output)
        return
    print(f"训练 Rasa 模型 {name}（首次约需数分钟）…", flush=True)
    subprocess.run(cmd, cwd=bot_dir, check=True, env=rasa_env())
