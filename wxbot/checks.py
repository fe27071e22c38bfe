"""The checks a newly trained model must pass before it can be published, with Rasa's own
commands: `rasa data validate` (before training), `rasa test nlu` on the held-out set and
`rasa test core` on the project's test stories (bot/tests).

The held-out set is bench/data/nlu_fresh.yml, minus the utterances that are also in the
training data being checked (after normalisation), so staff adding one of its sentences as a
training phrase does not inflate the figure.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from core.config import PROJECT_ROOT
from knowledge.text import search_text
from wxbot.rasa import RASA_BIN
from wxbot.training import Runner

HELDOUT = PROJECT_ROOT / "bench" / "data" / "nlu_fresh.yml"
ACTIONS_DIR = PROJECT_ROOT / "actions"
_UNUSED = re.compile(r"The utterance '(\w+)' is not used in any story or rule\.")


def examples(path: Path) -> list[tuple[str, str]]:
    """(intent, text) of every example in a Rasa NLU file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    pairs = []
    for block in data.get("nlu") or []:
        if "intent" not in block:
            continue
        for line in str(block.get("examples", "")).splitlines():
            line = line.strip()
            if line.startswith("- "):
                pairs.append((block["intent"], line[2:].strip()))
    return pairs


def training_texts(bot_dir: Path) -> set[str]:
    return {search_text(t) for p in (bot_dir / "data").rglob("*.yml") for _, t in examples(p)}


def unseen(path: Path, bot_dir: Path) -> tuple[list[tuple[str, str]], int]:
    """The set's examples not in `bot_dir`'s training data, and how many were left out."""
    seen = training_texts(bot_dir)
    pairs = examples(path)
    kept = [(i, t) for i, t in pairs if search_text(t) not in seen]
    return kept, len(pairs) - len(kept)


def write_nlu(pairs: list[tuple[str, str]], path: Path) -> None:
    by_intent: dict[str, list[str]] = {}
    for intent, text in pairs:
        by_intent.setdefault(intent, []).append(text)
    blocks = [
        {"intent": i, "examples": "".join(f"- {t}\n" for t in ts)} for i, ts in by_intent.items()
    ]
    path.write_text(
        yaml.safe_dump({"version": "3.1", "nlu": blocks}, allow_unicode=True, sort_keys=False),
        encoding="utf-8",
    )


# --- rasa data validate ------------------------------------------------------------------


def validate_command() -> list[str]:
    return [
        str(RASA_BIN),
        *("data", "validate", "--domain", "domain", "--data", "data", "--config", "config.yml"),
    ]


def _responses_sent_by_code(bot_dir: Path, actions_dir: Path = ACTIONS_DIR) -> set[str]:
    """Responses the actions send (utter_message(response=…)) or the forms ask
    (utter_ask_<slot>): Rasa's validator calls them unused, as no story or rule names them."""
    source = "\n".join(p.read_text(encoding="utf-8") for p in actions_dir.rglob("*.py"))
    sent = set(re.findall(r'"(utter_\w+)"', source))
    for path in (bot_dir / "domain").rglob("*.yml"):
        forms = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("forms") or {}
        for form in forms.values():
            sent.update(f"utter_ask_{slot}" for slot in (form or {}).get("required_slots", []))
    return sent


def validation_problems(returncode: int, output: str, bot_dir: Path) -> list[str]:
    """What `rasa data validate` found, except the unused-response warnings about responses
    our code sends."""
    sent = _responses_sent_by_code(bot_dir)
    warnings = re.findall(r"UserWarning: (.*)", output)
    problems = [w for w in warnings if not ((m := _UNUSED.match(w)) and m[1] in sent)]
    if returncode != 0:
        errors = [line for line in output.splitlines() if "ERROR" in line or "Error" in line]
        problems.append("\n".join(errors[-5:]) or f"rasa data validate 退出码 {returncode}")
    return problems


def validate(bot_dir: Path, run: Runner) -> list[str]:
    code, output = run(validate_command(), bot_dir)
    return validation_problems(code, output, bot_dir)


# --- the trained model -------------------------------------------------------------------


@dataclass(frozen=True)
class Accuracy:
    accuracy: float
    total: int


class CheckError(RuntimeError):
    """A check could not run (Rasa failed); the message says which."""


def heldout_accuracy(model: Path, bot_dir: Path, out: Path, run: Runner) -> Accuracy:
    """Intent accuracy of `model` on the held-out utterances unseen by `bot_dir`'s data; a
    prediction under the fallback threshold (nlu_fallback) counts as wrong."""
    pairs, _dropped = unseen(HELDOUT, bot_dir)
    out.mkdir(parents=True, exist_ok=True)
    test_file = out / "heldout.yml"
    write_nlu(pairs, test_file)
    cmd = [str(RASA_BIN), "test", "nlu", "--nlu", str(test_file), "--model", str(model)]
    code, _ = run([*cmd, "--out", str(out), "--no-plot"], bot_dir)
    report = out / "intent_report.json"
    if code != 0 or not report.exists():
        raise CheckError(f"rasa test nlu 失败（退出码 {code}）")
    return Accuracy(float(json.loads(report.read_text(encoding="utf-8"))["accuracy"]), len(pairs))


def story_failures(model: Path, bot_dir: Path, out: Path, run: Runner) -> str:
    """The test stories the model fails (Rasa's failed_test_stories.yml), "" when none."""
    cmd = [str(RASA_BIN), "test", "core", "--stories", "tests", "--model", str(model)]
    code, output = run([*cmd, "--out", str(out), "--no-plot"], bot_dir)
    failed = out / "failed_test_stories.yml"
    if code != 0 or not failed.exists():
        raise CheckError(f"rasa test core 失败（退出码 {code}）：{output[-500:]}")
    text = failed.read_text(encoding="utf-8")
    return text if "story:" in text else ""
