"""Where a chat turn's time goes, on the production configuration (as bench.load).

One locust user converses through /api/chat (bench/locustfile.py, no think time) while py-spy
samples every process of the stack. Reported: CPU milliseconds per turn of each process group
(from /proc, so waiting is not counted), and for Rasa the share of its CPU samples in each part
of a turn (NLU, each policy, featurising the tracker for the policies, the tracker store, the
lock store, Sanic and the rest). On a 2-core machine CPU is what runs out first, so CPU per
turn is what bounds the rate.

Run: .venv/bin/python -m bench.profile_turn [--seconds 30]   (py-spy needs ptrace: root)
"""

from __future__ import annotations

import argparse
import collections
import csv
import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

from bench.common import BENCH_DIR
from bench.load import breakdown, production_stack
from bench.results import publish
from wxbot.stack import Stack, model_ready

# The parts of a Rasa turn, by the first frame of a sampled stack that matches (in order).
RASA_PARTS = [
    ("checking the action server's answer (jsonschema)", re.compile(r"jsonschema|pyrsistent")),
    ("TEDPolicy", re.compile(r"ted_policy|TEDPolicy|tensorflow")),
    ("RulePolicy", re.compile(r"rule_policy")),
    ("MemoizationPolicy", re.compile(r"memoization")),
    ("policy featurisation of the tracker", re.compile(r"featurizers/|single_state_featurizer")),
    ("NLU (jieba, featurisers, classifier)", re.compile(r"rasa/nlu/|jieba|sklearn")),
    ("tracker store (SQL)", re.compile(r"tracker_store|sqlalchemy|psycopg")),
    ("lock store (Redis)", re.compile(r"lock_store|redis")),
    ("tracker events (replay, copies)", re.compile(r"rasa/shared/core/trackers|events\.py")),
    ("JSON (de)serialisation", re.compile(r"json/|ujson|orjson")),
]
# A sample whose innermost frame is the worker's event loop: the process was waiting.
IDLE = re.compile(r"serve \(sanic/server/runners\.py:\d+\)$")
OTHER = "other (Sanic, HTTP, action server client, asyncio)"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PY_SPY = str(Path(sys.executable).parent / "py-spy")


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime + stime
    return total / CLOCK_TICKS


def classify(collapsed: Path) -> dict[str, int]:
    counts: collections.Counter[str] = collections.Counter()
    for line in collapsed.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit() or IDLE.search(stack):
            continue
        part = next((name for name, pattern in RASA_PARTS if pattern.search(stack)), OTHER)
        counts[part] += int(count)
    return dict(counts)


def profile(stack: Stack, work: Path, seconds: int) -> list[str]:
    groups = {name: stack.group_pids(name) for name in ("api", "rasa", "actions")}
    rasa_workers = [p for p in groups["rasa"] if p != stack.processes["rasa"].pid]
    spies = [
        subprocess.Popen(
            [
                *(PY_SPY, "record", "--pid", str(pid), "--duration", str(seconds)),
                *("--rate", "200", "--format", "raw", "--output", str(work / f"rasa-{pid}.txt")),
                "--nonblocking",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for pid in rasa_workers
    ]
    before = {name: cpu_seconds(pids) for name, pids in groups.items()}
    prefix = work / "profile"
    subprocess.run(
        [
            sys.executable, "-m", "locust", "-f", str(BENCH_DIR / "locustfile.py"), "Gateway",
            "--headless", "-u", "1", "-r", "1", "-t", f"{seconds}s", "--host", stack.api_url,
            "--csv", str(prefix), "--only-summary",
        ],
        check=False,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    after = {name: cpu_seconds(pids) for name, pids in groups.items()}
    for spy in spies:
        spy.wait(timeout=seconds + 60)
    with Path(f"{prefix}_stats.csv").open(encoding="utf-8") as stats:
        row = next(r for r in csv.DictReader(stats) if r["Name"] == "turn")
    turns = int(row["Request Count"])
    samples: collections.Counter[str] = collections.Counter()
    for path in work.glob("rasa-*.txt"):
        samples.update(classify(path))
    total = sum(samples.values()) or 1
    lines = [
        f"One user through `/api/chat` for {seconds} s: {turns} turns, p50 {row['50%']} ms.",
        "",
        "| process (with its workers) | CPU ms per turn |",
        "|---|---|",
        *(f"| {n} | {(after[n] - before[n]) * 1000 / turns:.0f} |" for n in groups),
        "",
        "Rasa's CPU samples by part of the turn (py-spy):",
        "",
        "| part | share |",
        "|---|---|",
        *(f"| {part} | {count / total:.0%} |" for part, count in samples.most_common()),
    ]
    return lines


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=30)
    args = parser.parse_args()
    if not model_ready():
        print("没有当前数据的模型：请先运行 make train", file=sys.stderr)
        return 1
    with production_stack() as (stack, work):
        breakdown(stack, rounds=16)  # warm up
        lines = profile(stack, work, args.seconds)
    lines = [
        f"Measured {dt.date.today().isoformat()} on the production configuration (as the load "
        "test), this 2-core machine.",
        "",
        *lines,
        "",
        f"Command: `.venv/bin/python -m bench.profile_turn --seconds {args.seconds}`.",
    ]
    publish("profile", lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
