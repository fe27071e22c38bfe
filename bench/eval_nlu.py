"""Intent accuracy of the trained model on the held-out set (bench/data/nlu_heldout.yml).

Utterances that also occur in the training data (after normalisation) are removed first, so
the figure is about sentences the model has never seen. Predictions below the fallback
threshold count as wrong. Results go to bench/results/nlu/ and bench/RESULTS.md.

Run: make eval  (or .venv/bin/python -m bench.eval_nlu)
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import yaml

from bench.common import DATA_DIR, RESULTS_DIR
from bench.results import update_section
from knowledge.text import search_text
from knowledge.training import BOT_DIR, RASA_BIN, current_model

HELDOUT = DATA_DIR / "nlu_heldout.yml"


def examples(path: Path) -> list[tuple[str, str]]:
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


def training_texts() -> set[str]:
    return {search_text(t) for p in (BOT_DIR / "data").rglob("*.yml") for _, t in examples(p)}


def unseen_heldout() -> tuple[list[tuple[str, str]], int]:
    seen = training_texts()
    pairs = examples(HELDOUT)
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


def main() -> int:
    model = current_model()
    if not model.exists():
        print("当前数据没有训练好的模型：请先运行 make train", file=sys.stderr)
        return 1
    pairs, dropped = unseen_heldout()
    out = RESULTS_DIR / "nlu"
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        test_file = Path(tmp) / "heldout_unseen.yml"
        write_nlu(pairs, test_file)
        env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}
        subprocess.run(
            [
                str(RASA_BIN),
                "test",
                "nlu",
                "--nlu",
                str(test_file),
                "--model",
                str(model),
                "--out",
                str(out),
                "--no-plot",
            ],
            cwd=BOT_DIR,
            check=True,
            env=env,
        )
    report = json.loads((out / "intent_report.json").read_text(encoding="utf-8"))
    errors = (
        json.loads((out / "intent_errors.json").read_text(encoding="utf-8"))
        if (out / "intent_errors.json").exists()
        else []
    )
    accuracy = report["accuracy"]
    total = len(pairs)
    confusions = Counter((e["intent"], e["intent_prediction"]["name"]) for e in errors).most_common(
        8
    )
    per_intent = sorted(
        (
            (name, v["f1-score"], v["support"])
            for name, v in report.items()
            if isinstance(v, dict)
            and "support" in v
            and name not in ("micro avg", "macro avg", "weighted avg")
        ),
        key=lambda x: x[1],
    )
    lines = [
        f"Measured {dt.date.today().isoformat()} with model `{model.name}`.",
        "",
        f"- Held-out utterances: {total + dropped} in `bench/data/nlu_heldout.yml`; "
        f"{dropped} also occur in the training data and are left out; **{total} unseen "
        f"utterances evaluated**.",
        f"- **Intent accuracy: {accuracy:.1%}** ({round(accuracy * total)}/{total}); "
        "a prediction under the fallback threshold counts as wrong.",
        f"- Weighted F1: {report['weighted avg']['f1-score']:.3f}; "
        f"macro F1: {report['macro avg']['f1-score']:.3f}.",
        "- Weakest intents (F1, support): "
        + ", ".join(f"{n} {f:.2f} ({s})" for n, f, s in per_intent[:5])
        + ".",
        "- Most frequent confusions (true → predicted, count): "
        + (", ".join(f"{a} → {b} ({c})" for (a, b), c in confusions) or "none")
        + ".",
        "",
        "Command: `make eval` (runs `python -m bench.eval_nlu`, which calls "
        "`rasa test nlu` on the unseen held-out utterances).",
    ]
    update_section("nlu", "\n".join(lines))
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
