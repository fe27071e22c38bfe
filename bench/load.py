"""Load test on the production configuration: PostgreSQL app DB and tracker store, Redis lock
store and rate-limit counters, 2 Rasa workers, 2 API workers, the action server — all on this
machine. At each level (concurrent users without think time) locust drives mixed conversations
(bench/locustfile.py) for a fixed time, first through the API's /api/chat (`Gateway`), then
straight at Rasa's REST webhook (`RasaDirect`), the same model and actions behind both; the
order alternates by level so drift does not favour one column. Results go to RESULTS.md.

Run: make bench  (or .venv/bin/python -m bench.load [--levels 1,5,10,20,40 --seconds 30])
Needs a trained model (`make train`), PostgreSQL and Redis (WXBOT_TEST_POSTGRES_URL,
WXBOT_TEST_REDIS_URL, as for the tests). The machine has 2 cores and is noisy: compare the two
columns of one run.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.common import BENCH_DIR
from bench.locustfile import CONVERSATIONS
from bench.results import publish
from tests.services import require_redis, temporary_postgres_database
from wxbot.migrate import create_seeded_database
from wxbot.stack import Stack, model_ready, running_stack

TARGETS = {"Gateway": "API /api/chat", "RasaDirect": "Rasa REST webhook"}


@dataclass
class Level:
    users: int
    target: str
    requests: int
    failures: int
    busy: int
    rate: float
    p50: float
    p95: float
    p99: float


def rss_mb(stack: Stack) -> dict[str, float]:
    """Resident memory of each process with its workers (MB)."""
    found: dict[str, float] = {}
    for name, process in stack.processes.items():
        total = 0
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                if int((entry / "stat").read_text().rsplit(") ", 1)[1].split()[2]) != process.pid:
                    continue
                status = (entry / "status").read_text()
            except OSError:
                continue
            for line in status.splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        found[name] = total / 1024
    return found


def run_level(stack: Stack, work: Path, target: str, users: int, seconds: int) -> Level:
    host = stack.api_url if target == "Gateway" else stack.rasa_url
    prefix = work / f"{target}-{users}"
    subprocess.run(
        [
            sys.executable, "-m", "locust", "-f", str(BENCH_DIR / "locustfile.py"), target,
            "--headless", "-u", str(users), "-r", str(max(users, 1)), "-t", f"{seconds}s",
            "--host", host, "--csv", str(prefix), "--only-summary", "--stop-timeout", "30",
        ],
        check=False,  # locust exits 1 when a request failed: the failures are in the table
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    with Path(f"{prefix}_stats.csv").open(encoding="utf-8") as stats:
        rows = {r["Name"]: r for r in csv.DictReader(stats)}
    row = rows.get("turn")
    busy = int(rows["busy"]["Request Count"]) if "busy" in rows else 0
    if row is None:  # not one turn finished in time
        return Level(users, target, 0, 0, busy, 0.0, 0.0, 0.0, 0.0)
    return Level(
        users=users,
        target=target,
        requests=int(row["Request Count"]),
        failures=int(row["Failure Count"]),
        busy=busy,
        rate=float(row["Requests/s"]),
        p50=float(row["50%"]),
        p95=float(row["95%"]),
        p99=float(row["99%"]),
    )


def breakdown(stack: Stack, rounds: int = 40) -> dict[str, float]:
    """One user alone, the same questions three ways, interleaved: Rasa's NLU only
    (/model/parse), a whole turn at Rasa's webhook (NLU, policies, tracker store, action
    server), and the turn through the API. Medians in ms."""
    questions = [c[0] for c in CONVERSATIONS]
    timings: dict[str, list[float]] = {"nlu": [], "rasa": [], "gateway": []}
    with httpx.Client(timeout=60) as client:
        for i in range(rounds):
            text = questions[i % len(questions)]
            # a new conversation each round on both paths, so neither tracker grows
            session = client.post(f"{stack.api_url}/api/sessions").json()["session_id"]
            calls = [
                ("nlu", f"{stack.rasa_url}/model/parse?token={stack.rasa_token}", {"text": text}),
                (
                    "rasa",
                    f"{stack.rasa_url}/webhooks/rest/webhook",
                    {"sender": f"breakdown-{i}", "message": text},
                ),
                (
                    "gateway",
                    f"{stack.api_url}/api/chat",
                    {"session_id": session, "text": text, "message_id": uuid.uuid4().hex},
                ),
            ]
            for name, url, body in calls:
                started = time.perf_counter()
                client.post(url, json=body).raise_for_status()
                timings[name].append((time.perf_counter() - started) * 1000)
    return {name: statistics.median(values) for name, values in timings.items()}


def table(levels: list[Level]) -> list[str]:
    lines = [
        "| users | path | turns answered | errors | busy (shed) | turns/s | p50 ms | p95 ms "
        "| p99 ms |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for lv in sorted(levels, key=lambda x: (x.users, x.target != "Gateway")):
        lines.append(
            f"| {lv.users} | {TARGETS[lv.target]} | {lv.requests} | {lv.failures} | {lv.busy} | "
            f"{lv.rate:.1f} | {lv.p50:.0f} | {lv.p95:.0f} | {lv.p99:.0f} |"
        )
    return lines


@contextmanager
def production_stack() -> Iterator[tuple[Stack, Path]]:
    """The stack on the production configuration, in a scratch folder and scratch databases."""
    with (
        tempfile.TemporaryDirectory() as tmp,
        temporary_postgres_database() as app_url,
        temporary_postgres_database() as tracker_url,
    ):
        work = Path(tmp)
        create_seeded_database(app_url)
        with running_stack(
            work,
            app_url,
            tracker_store_url=tracker_url,
            redis_url=require_redis(),
            rasa_workers=2,
            api_workers=2,
            # every simulated user is 127.0.0.1: per-client limits would throttle the test
            extra_env={"CHAT_RATE_LIMIT": "1000000/minute", "SESSION_RATE_LIMIT": "1000000/minute"},
        ) as stack:
            yield stack, work


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--levels", default="1,5,10,20,40")
    parser.add_argument("--seconds", type=int, default=30)
    args = parser.parse_args()
    if not model_ready():
        print("没有当前数据的模型：请先运行 make train", file=sys.stderr)
        return 1
    counts = [int(n) for n in args.levels.split(",")]
    levels: list[Level] = []
    memory: dict[int, dict[str, float]] = {}
    with production_stack() as (stack, work):
        run_level(stack, work, "Gateway", 2, 10)  # warm both paths up
        run_level(stack, work, "RasaDirect", 2, 10)
        alone = breakdown(stack)
        for i, users in enumerate(counts):
            order = ["Gateway", "RasaDirect"] if i % 2 == 0 else ["RasaDirect", "Gateway"]
            for target in order:
                levels.append(run_level(stack, work, target, users, args.seconds))
                print(table([levels[-1]])[-1], flush=True)
            memory[users] = rss_mb(stack)
    names = sorted(next(iter(memory.values())))
    lines = [
        f"Measured {dt.date.today().isoformat()} on the production configuration (PostgreSQL "
        "app DB and tracker store, Redis locks and rate-limit counters, 2 Rasa workers, 2 API "
        "workers, the action server), everything and the load generator on this 2-core "
        f"machine: mixed conversations (bench/locustfile.py), no think time, {args.seconds} s "
        "per level and path. p50/p95/p99 are per turn.",
        "",
        *table(levels),
        "",
        "One user alone, the same questions three ways, interleaved (median ms): Rasa's NLU "
        f"only (`/model/parse`) {alone['nlu']:.0f}; a whole turn at Rasa's webhook (NLU, "
        f"policies, tracker store reads and writes, action server) {alone['rasa']:.0f}; the "
        f"same turn through `/api/chat` {alone['gateway']:.0f} "
        f"(gateway / Rasa = {alone['gateway'] / alone['rasa']:.2f}).",
        "",
        "Resident memory after each level (MB, a process with its workers):",
        "",
        "| users | " + " | ".join(names) + " |",
        "|---|" + "---|" * len(names),
        *(f"| {u} | " + " | ".join(f"{m[n]:.0f}" for n in names) + " |" for u, m in memory.items()),
        "",
        f"Command: `.venv/bin/python -m bench.load --levels {args.levels} --seconds "
        f"{args.seconds}` (`make bench` runs it with the defaults).",
    ]
    publish("load", lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
