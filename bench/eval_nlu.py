"""Intent accuracy of the trained model on the evaluation sets.

* bench/data/nlu_fresh.yml: the held-out set, written without seeing the training data and
  never used for training or tuning;
* bench/data/nlu_heldout.yml: the first set, kept as a regression check (its reported
  confusions guided some training examples, so it is no longer clean).

Utterances that also occur in the training data (after normalisation) are removed first, so
the figures are about sentences the model has never seen. Predictions below the fallback
threshold count as wrong. Only totals are reported, never the misses, so that the sets do not
turn into tuning sets. Results go to bench/results/nlu*/ and bench/RESULTS.md.

Run: make eval  (or .venv/bin/python -m bench.eval_nlu)
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.common import DATA_DIR, RESULTS_DIR
from bench.results import update_section
from wxbot import checks
from wxbot.checks import write_nlu
from wxbot.rasa import BOT_DIR, RASA_BIN, rasa_env
from wxbot.training import current_model

FRESH = DATA_DIR / "nlu_fresh.yml"
HELDOUT = DATA_DIR / "nlu_heldout.yml"
ROBUST = DATA_DIR / "nlu_robust.yml"


def unseen(path: Path, bot_dir: Path = BOT_DIR) -> tuple[list[tuple[str, str]], int]:
    return checks.unseen(path, bot_dir)


def evaluate(
    model: Path, path: Path, out: Path | None = None, bot_dir: Path = BOT_DIR
) -> dict[str, float | int]:
    """`rasa test nlu` on the set's unseen utterances (unseen by the training data of
    `bot_dir`)."""
    pairs, dropped = unseen(path, bot_dir)
    out = out or RESULTS_DIR / f"nlu-{path.stem}"
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, (out / "rasa.log").open("w") as log:
        test_file = Path(tmp) / "unseen.yml"
        write_nlu(pairs, test_file)
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
            cwd=bot_dir,
            check=True,
            env=rasa_env(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    report = json.loads((out / "intent_report.json").read_text(encoding="utf-8"))
    return {
        "total": len(pairs),
        "dropped": dropped,
        "accuracy": report["accuracy"],
        "weighted_f1": report["weighted avg"]["f1-score"],
        "macro_f1": report["macro avg"]["f1-score"],
    }


def _line(label: str, path: Path, r: dict[str, float | int]) -> str:
    total, accuracy = int(r["total"]), float(r["accuracy"])
    return (
        f"- {label} (`bench/data/{path.name}`): {int(r['total']) + int(r['dropped'])} "
        f"utterances, {r['dropped']} also in the training data and left out; "
        f"**intent accuracy {accuracy:.1%}** ({round(accuracy * total)}/{total}); "
        f"weighted F1 {r['weighted_f1']:.3f}, macro F1 {r['macro_f1']:.3f}."
    )


def main() -> int:
    model = current_model()
    if not model.exists():
        print("当前数据没有训练好的模型：请先运行 make train", file=sys.stderr)
        return 1
    fresh, first = evaluate(model, FRESH), evaluate(model, HELDOUT)
    lines = [
        f"Measured {dt.date.today().isoformat()} with model `{model.name}`; a prediction under "
        "the fallback threshold counts as wrong.",
        "",
        _line("**Held-out**, written without seeing the training data", FRESH, fresh),
        _line("First set, **not clean** (regression check only)", HELDOUT, first),
        "",
        "Command: `make eval` (runs `python -m bench.eval_nlu`, which calls "
        "`rasa test nlu` on the unseen utterances of each set).",
    ]
    update_section("nlu", "\n".join(lines))
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
