"""Load test: the three real processes on SQLite, driven by locust; results in RESULTS.md.

Run: make bench  (or .venv/bin/python -m bench.load [--users 8 --seconds 60])
The machine has 2 cores and is noisy: read the figures as a ratio between endpoints in one
run (chat goes through Rasa and the action server, items only through the API), not as
absolute capacity.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.common import BENCH_DIR
from bench.results import update_section
from wxbot.migrate import create_seeded_database
from wxbot.stack import model_ready, running_stack


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=8)
    parser.add_argument("--seconds", type=int, default=60)
    args = parser.parse_args()
    if not model_ready():
        print("没有当前数据的模型：请先运行 make train", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        url = f"sqlite:///{work / 'app.db'}"
        create_seeded_database(url)
        with running_stack(work, url) as stack:
            prefix = work / "locust"
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "locust",
                    "-f",
                    str(BENCH_DIR / "locustfile.py"),
                    "--headless",
                    "-u",
                    str(args.users),
                    "-r",
                    "2",
                    "-t",
                    f"{args.seconds}s",
                    "--host",
                    stack.api_url,
                    "--csv",
                    str(prefix),
                    "--only-summary",
                ],
                check=True,
            )
            rows = list(csv.DictReader((work / "locust_stats.csv").open(encoding="utf-8")))
    lines = [
        f"Measured {dt.date.today().isoformat()}: {args.users} simulated users for "
        f"{args.seconds} s (1–3 s think time) against Rasa + action server + API on SQLite, "
        "all on this 2-core machine.",
        "",
        "| endpoint | requests | failures | median ms | p95 ms | p99 ms | req/s |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        lines.append(
            f"| {row['Name']} | {row['Request Count']} | {row['Failure Count']} | "
            f"{row['Median Response Time']} | {row['95%']} | {row['99%']} | "
            f"{float(row['Requests/s']):.1f} |"
        )
    lines += ["", "Command: `make bench` (runs `python -m bench.load`)."]
    update_section("load", "\n".join(lines))
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
