"""Training pipeline study: what each candidate Rasa configuration costs and what it gives.

For every candidate, in one run on this machine (so the ratios hold on a noisy 2-core box):

* full `rasa train` from nothing (Rasa's cache off), wall time;
* NLU-only `rasa train nlu`, wall time;
* held-out intent accuracy, weighted and macro F1 on the evaluation sets (`rasa test nlu`
  on the utterances not in the training data; a prediction under the fallback threshold
  counts as wrong, as in `make eval`);
* the dialogue test stories (`rasa test core`), as conversations passed;
* `/model/parse` latency (p50/p95) of the full model served by `rasa run --enable-api`.

`--finetune` adds the staff case: new phrasings, no new intent. A deterministic share of
every intent's examples is held back, a base model is trained without them, then the full
data is trained twice: `rasa train --finetune base --epoch-fraction F` and from nothing.

Results go to bench/results/train_study/ (JSON, logs) and the "training" section of
bench/RESULTS.md. Only totals are reported, never misses, so the sets stay held out.

Run: make bench-train   (or .venv/bin/python -m bench.train_study [--only a,b] [--finetune])
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import yaml

from bench.common import RESULTS_DIR
from bench.eval_nlu import FRESH, HELDOUT, ROBUST, evaluate
from bench.results import update_section
from wxbot.checks import examples
from wxbot.rasa import BOT_DIR, RASA_BIN, rasa_env

STUDY_DIR = RESULTS_DIR / "train_study"
# The Rasa project as it was when the run started: every candidate trains on the same data,
# whatever happens to bot/ meanwhile.
SNAPSHOT = STUDY_DIR / "project"
EVAL_SETS = {"fresh": FRESH, "first": HELDOUT, "robust": ROBUST}
PROJECT_FILES = ("domain", "data", "dictionary", "tests", "credentials.yml")
PARSE_REQUESTS = 200
HOLD_BACK_SHARE = 0.15  # of each intent's examples, for the finetune study
SEED = 20261125

Config = dict[str, Any]


# --------------------------------------------------------------------------- candidates
def _component(config: Config, section: str, name: str) -> list[dict[str, Any]]:
    return [c for c in config[section] if c["name"] == name]


def _replace(config: Config, section: str, name: str, new: dict[str, Any]) -> None:
    config[section] = [new if c["name"] == name else c for c in config[section]]


def _classifier(config: Config, new: dict[str, Any]) -> None:
    for old in ("DIETClassifier", "LogisticRegressionClassifier"):
        _replace(config, "pipeline", old, new)


def _chars(config: Config, max_ngram: int, min_df: int) -> None:
    for c in _component(config, "pipeline", "CountVectorsFeaturizer"):
        if c.get("analyzer") == "char":
            c.update(min_ngram=1, max_ngram=max_ngram, min_df=min_df)


def _ted(config: Config, epochs: int, max_history: int) -> None:
    for c in _component(config, "policies", "TEDPolicy"):
        c.update(epochs=epochs, max_history=max_history)


def _without(config: Config, name: str) -> None:
    config["pipeline"] = [c for c in config["pipeline"] if c["name"] != name]


def diet(**options: Any) -> dict[str, Any]:
    return {
        "name": "DIETClassifier",
        "epochs": 80,
        "entity_recognition": False,
        "constrain_similarities": True,
        "random_seed": SEED,
        **options,
    }


LOGISTIC = {"name": "LogisticRegressionClassifier", "max_iter": 300, "random_state": SEED}
# DIET keeping the best epoch on a validation split, for the "fewer epochs" candidates.
VALIDATED = {
    "evaluate_on_number_of_examples": 300,
    "evaluate_every_number_of_epochs": 5,
    "checkpoint_model": True,
}


@dataclass(frozen=True)
class Candidate:
    name: str
    description: str
    change: Callable[[Config], None]

    def config(self, shipped: Config) -> Config:
        config = copy.deepcopy(shipped)
        self.change(config)
        return config


def _before(config: Config) -> None:
    """The configuration shipped until 2026-12 (DIET, 80 epochs, 2 transformer layers)."""
    _classifier(config, diet())
    _chars(config, 3, 2)
    _ted(config, 40, 5)
    if not _component(config, "pipeline", "LexicalSyntacticFeaturizer"):
        config["pipeline"].insert(3, {"name": "LexicalSyntacticFeaturizer"})


def _on_before(*changes: Callable[[Config], None]) -> Callable[[Config], None]:
    def change(config: Config) -> None:
        _before(config)
        for c in changes:
            c(config)

    return change


CANDIDATES = [
    Candidate(
        "diet-before", "DIET 80 epochs, 2 transformer layers; TED 40 epochs (before)", _before
    ),
    Candidate(
        "diet-0-layers",
        "DIET without transformer layers, 80 epochs",
        _on_before(lambda c: _classifier(c, diet(number_of_transformer_layers=0))),
    ),
    Candidate(
        "diet-small-30-val",
        "DIET 1 layer of 128, embeddings 20, batch 128–256, 30 epochs, best on validation",
        _on_before(
            lambda c: _classifier(
                c,
                diet(
                    epochs=30,
                    number_of_transformer_layers=1,
                    transformer_size=128,
                    embedding_dimension=20,
                    batch_size=[128, 256],
                    **VALIDATED,
                ),
            )
        ),
    ),
    Candidate(
        "diet-0-30-val-char12",
        "DIET no transformer, 30 epochs, best on validation; char 1–2-grams, min_df 3",
        _on_before(
            lambda c: _classifier(
                c,
                diet(epochs=30, number_of_transformer_layers=0, batch_size=[128, 256], **VALIDATED),
            ),
            lambda c: _chars(c, 2, 3),
        ),
    ),
    Candidate(
        "logreg",
        "LogisticRegressionClassifier on the same sparse features; TED 40 epochs",
        _on_before(lambda c: _classifier(c, LOGISTIC)),
    ),
    Candidate(
        "logreg-char12",
        "LogisticRegression; char 1–2-grams, min_df 3",
        _on_before(lambda c: _classifier(c, LOGISTIC), lambda c: _chars(c, 2, 3)),
    ),
    Candidate(
        "logreg-ted20-h3",
        "LogisticRegression; TED 20 epochs, max_history 3",
        _on_before(lambda c: _classifier(c, LOGISTIC), lambda c: _ted(c, 20, 3)),
    ),
    Candidate(
        "logreg-no-lexical-ted20",
        "LogisticRegression without LexicalSyntacticFeaturizer (sequence-only features it "
        "does not read); TED 20 epochs, max_history 5",
        _on_before(
            lambda c: _classifier(c, LOGISTIC),
            lambda c: _without(c, "LexicalSyntacticFeaturizer"),
            lambda c: _ted(c, 20, 5),
        ),
    ),
    Candidate("shipped", "bot/config.yml as it is now", lambda c: None),
]


# --------------------------------------------------------------------------- measuring
def _run(cmd: list[str], cwd: Path, log: Path) -> float:
    """Run a Rasa command, its output to `log`; the wall time in seconds."""
    start = time.perf_counter()
    with log.open("w") as out:
        result = subprocess.run(cmd, cwd=cwd, env=rasa_env(), stdout=out, stderr=subprocess.STDOUT)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-30:])
        raise RuntimeError(f"{' '.join(cmd[:3])} failed in {cwd}:\n{tail}")
    return elapsed


def _project(workdir: Path, config: Config, data: Path | None = None) -> Path:
    """A copy of the Rasa project with the candidate's configuration."""
    if workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True)
    for name in PROJECT_FILES:
        source = SNAPSHOT / name
        target = workdir / name
        if name == "data" and data is not None:
            source = data
        if source.is_dir():
            shutil.copytree(source, target)
        else:
            shutil.copy2(source, target)
    (workdir / "config.yml").write_text(
        yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    return workdir


def train_full(bot: Path, name: str, *extra: str) -> tuple[Path, float]:
    cmd = [str(RASA_BIN), "train", "--config", "config.yml", "--domain", "domain"]
    cmd += ["--data", "data", "--out", "models", "--fixed-model-name", name, *extra]
    seconds = _run(cmd, bot, bot / f"train-{name}.log")
    return bot / "models" / f"{name}.tar.gz", seconds


def train_nlu(bot: Path) -> float:
    cmd = [str(RASA_BIN), "train", "nlu", "--config", "config.yml", "--nlu", "data"]
    cmd += ["--out", "models", "--fixed-model-name", "nlu-only"]
    return _run(cmd, bot, bot / "train-nlu.log")


def test_stories(bot: Path, model: Path) -> dict[str, int]:
    out = bot / "story-results"
    cmd = [str(RASA_BIN), "test", "core", "--stories", "tests", "--model", str(model)]
    cmd += ["--out", str(out), "--no-plot"]
    _run(cmd, bot, bot / "test-core.log")
    report = json.loads((out / "story_report.json").read_text(encoding="utf-8"))
    conversations = report["conversation_accuracy"]
    return {"passed": int(conversations["correct"]), "total": int(conversations["total"])}


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def parse_latency(bot: Path, model: Path, texts: list[str]) -> dict[str, float]:
    """p50/p95 of `/model/parse` over `PARSE_REQUESTS` sequential requests, after warm-up."""
    port = _free_port()
    cmd = [str(RASA_BIN), "run", "--enable-api", "-i", "127.0.0.1", "-p", str(port)]
    cmd += ["--model", str(model)]
    with (bot / "serve.log").open("w") as log:
        server = subprocess.Popen(
            cmd, cwd=bot, env=rasa_env(), stdout=log, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(timeout=30) as client:
            deadline = time.monotonic() + 600
            while True:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"rasa run did not start, see {bot / 'serve.log'}")
                try:
                    if client.get(f"{url}/status").json().get("model_id"):
                        break
                except (httpx.HTTPError, ValueError):
                    pass
                time.sleep(1)
            for text in texts[:20]:  # warm-up
                client.post(f"{url}/model/parse", json={"text": text})
            timings = []
            for i in range(PARSE_REQUESTS):
                start = time.perf_counter()
                response = client.post(f"{url}/model/parse", json={"text": texts[i % len(texts)]})
                response.raise_for_status()
                timings.append((time.perf_counter() - start) * 1000)
    finally:
        server.terminate()
        try:
            server.wait(60)
        except subprocess.TimeoutExpired:
            server.kill()
    quantiles = statistics.quantiles(timings, n=20)
    return {"p50": statistics.median(timings), "p95": quantiles[18]}


def accuracy(model: Path, bot: Path, label: str) -> dict[str, dict[str, float | int]]:
    """Scores on every evaluation set; utterances in `bot`'s training data are left out."""
    return {
        key: evaluate(model, path, out=bot / f"eval-{label}-{key}", bot_dir=bot)
        for key, path in EVAL_SETS.items()
    }


def measure(candidate: Candidate, shipped: Config) -> dict[str, Any]:
    print(f"== {candidate.name}: {candidate.description}", flush=True)
    bot = _project(STUDY_DIR / candidate.name, candidate.config(shipped))
    model, full_s = train_full(bot, "full")
    print(f"   full training {full_s:.0f} s", flush=True)
    nlu_s = train_nlu(bot)
    print(f"   NLU-only training {nlu_s:.0f} s", flush=True)
    texts = [t for _, t in examples(FRESH)]
    result = {
        "name": candidate.name,
        "description": candidate.description,
        "full_s": full_s,
        "nlu_s": nlu_s,
        "accuracy": accuracy(model, bot, "full"),
        "stories": test_stories(bot, model),
        "parse_ms": parse_latency(bot, model, texts),
    }
    print(f"   {json.dumps(result, ensure_ascii=False)}", flush=True)
    return result


# --------------------------------------------------------------------------- finetuning
def _held_back(text: str) -> bool:
    digest = hashlib.sha256(f"{SEED}:{text}".encode()).digest()
    return digest[0] / 256 < HOLD_BACK_SHARE


def _base_data(target: Path) -> int:
    """The training data without a deterministic share of every intent's examples."""
    shutil.copytree(SNAPSHOT / "data", target)
    removed = 0
    for path in sorted((target / "nlu").glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in data.get("nlu") or []:
            if "intent" not in block:
                continue
            lines = str(block["examples"]).splitlines(keepends=True)
            kept = [ln for ln in lines if not _held_back(ln.strip().removeprefix("- "))]
            removed += len(lines) - len(kept)
            block["examples"] = "".join(kept)
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return removed


def finetune_study(candidate: Candidate, shipped: Config, fraction: float) -> dict[str, Any]:
    print(f"== finetune {candidate.name} (epoch fraction {fraction})", flush=True)
    config = candidate.config(shipped)
    work = STUDY_DIR / f"finetune-{candidate.name}"
    base_data = work / "base-data"
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    removed = _base_data(base_data)
    base_bot = _project(work / "base", config, data=base_data)
    base_model, base_s = train_full(base_bot, "base")
    bot = _project(work / "new", config)
    shutil.copy2(base_model, bot / "base.tar.gz")
    tuned, tune_s = train_full(
        bot, "finetuned", "--finetune", "base.tar.gz", "--epoch-fraction", str(fraction)
    )
    full, full_s = train_full(bot, "full")
    result = {
        "name": candidate.name,
        "fraction": fraction,
        "new_examples": removed,
        "base_s": base_s,
        "finetune_s": tune_s,
        "full_s": full_s,
        "accuracy_finetuned": accuracy(tuned, bot, "finetuned"),
        "accuracy_full": accuracy(full, bot, "full"),
    }
    print(f"   {json.dumps(result, ensure_ascii=False)}", flush=True)
    return result


# --------------------------------------------------------------------------- report
def _scores(acc: dict[str, dict[str, float | int]], key: str) -> str:
    r = acc[key]
    return (
        f"{float(r['accuracy']):.1%} / {float(r['weighted_f1']):.3f} / {float(r['macro_f1']):.3f}"
    )


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:.1f} min"


def report(results: list[dict[str, Any]], finetunes: list[dict[str, Any]]) -> str:
    sizes = {k: int(v["total"]) for k, v in results[0]["accuracy"].items()} if results else {}
    lines = [
        f"Measured {dt.date.today().isoformat()} on this 2-core machine, all candidates in one "
        "run (read the times as ratios). Accuracy / weighted F1 / macro F1 on the utterances "
        "of each set that are not in the training data "
        f"(held-out `nlu_fresh.yml`: {sizes.get('fresh', 0)}; held-out `nlu_robust.yml`, "
        f"phone-style text written later from the intent definitions only: "
        f"{sizes.get('robust', 0)}, scored with `--rescore` on the same models; first set, "
        f"not clean: {sizes.get('first', 0)}); a prediction under the fallback threshold "
        "counts as wrong.",
        "",
        "| configuration | full `rasa train` | NLU only | `/model/parse` p50 / p95 | "
        "held-out (fresh) acc / wF1 / mF1 | held-out (robust) acc / wF1 / mF1 | "
        "first set acc / wF1 / mF1 | test stories |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| **{r['name']}**: {r['description']} | {_minutes(r['full_s'])} | "
            f"{_minutes(r['nlu_s'])} | {r['parse_ms']['p50']:.0f} / {r['parse_ms']['p95']:.0f} ms"
            f" | {_scores(r['accuracy'], 'fresh')} | {_scores(r['accuracy'], 'robust')} | "
            f"{_scores(r['accuracy'], 'first')} | "
            f"{r['stories']['passed']}/{r['stories']['total']} |"
        )
    for f in finetunes:
        lines += [
            "",
            f"Incremental training ({f['name']}): {f['new_examples']} examples (about "
            f"{HOLD_BACK_SHARE:.0%} of every intent) held back from a base model, then the full "
            f"data trained with `rasa train --finetune --epoch-fraction {f['fraction']}` in "
            f"{_minutes(f['finetune_s'])} (fresh {_scores(f['accuracy_finetuned'], 'fresh')}; "
            f"robust {_scores(f['accuracy_finetuned'], 'robust')}; "
            f"first {_scores(f['accuracy_finetuned'], 'first')}) against from nothing in "
            f"{_minutes(f['full_s'])} (fresh {_scores(f['accuracy_full'], 'fresh')}; "
            f"robust {_scores(f['accuracy_full'], 'robust')}; "
            f"first {_scores(f['accuracy_full'], 'first')}).",
        ]
    lines += ["", "Command: `make bench-train` (runs `python -m bench.train_study --finetune`)."]
    return "\n".join(lines)


def rescore() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Score the models of the last run again on every evaluation set (e.g. a set written
    after the run), without training: accuracy does not depend on the machine's load."""
    data = json.loads((STUDY_DIR / "results.json").read_text(encoding="utf-8"))
    for r in data["results"]:
        bot = STUDY_DIR / r["name"]
        r["accuracy"] = accuracy(bot / "models" / "full.tar.gz", bot, "full")
    for f in data["finetune"]:
        bot = STUDY_DIR / f"finetune-{f['name']}" / "new"
        f["accuracy_finetuned"] = accuracy(bot / "models" / "finetuned.tar.gz", bot, "finetuned")
        f["accuracy_full"] = accuracy(bot / "models" / "full.tar.gz", bot, "full")
    (STUDY_DIR / "results.json").write_text(
        json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    order = {c.name: i for i, c in enumerate(CANDIDATES)}
    return sorted(data["results"], key=lambda r: order.get(r["name"], 99)), data["finetune"]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", help="comma-separated candidate names")
    parser.add_argument("--finetune", action="store_true", help="also the incremental study")
    parser.add_argument("--finetune-candidates", default="shipped,diet-0-30-val-char12")
    parser.add_argument("--epoch-fraction", type=float, default=0.2)
    parser.add_argument("--rescore", action="store_true", help="score the last run's models again")
    args = parser.parse_args()
    if args.rescore:
        results, finetunes = rescore()
        text = report(results, finetunes)
        update_section("training", text)
        print(text)
        return 0
    if not RASA_BIN.exists():
        print("找不到 Rasa 环境：请先运行 make setup", file=sys.stderr)
        return 1
    shipped = yaml.safe_load((BOT_DIR / "config.yml").read_text(encoding="utf-8"))
    wanted = set(args.only.split(",")) if args.only else None
    chosen = [c for c in CANDIDATES if wanted is None or c.name in wanted]
    STUDY_DIR.mkdir(parents=True, exist_ok=True)
    if SNAPSHOT.exists():
        shutil.rmtree(SNAPSHOT)
    shutil.copytree(BOT_DIR, SNAPSHOT, ignore=shutil.ignore_patterns("models", ".rasa", "results"))
    os.environ.setdefault("PYTHONHASHSEED", "0")
    # The quick candidates first, so a long run shows results early; reported in list order.
    measured: dict[str, dict[str, Any]] = {}
    finetunes: list[dict[str, Any]] = []

    def save() -> None:
        (STUDY_DIR / "results.json").write_text(
            json.dumps(
                {"results": list(measured.values()), "finetune": finetunes},
                ensure_ascii=False,
                indent=2,
            ),
            encoding="utf-8",
        )

    for candidate in sorted(chosen, key=lambda c: c.name.startswith("diet")):
        measured[candidate.name] = measure(candidate, shipped)
        save()
    if args.finetune:
        by_name = {c.name: c for c in CANDIDATES}
        for name in args.finetune_candidates.split(","):
            finetunes.append(finetune_study(by_name[name], shipped, args.epoch_fraction))
            save()
    results = [measured[c.name] for c in chosen]
    text = report(results, finetunes)
    if wanted is None:
        update_section("training", text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
