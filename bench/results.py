"""Keep bench/RESULTS.md up to date: each evaluation rewrites its own marked section."""

from __future__ import annotations

import re

from bench.common import BENCH_DIR

RESULTS_MD = BENCH_DIR / "RESULTS.md"
SECTIONS = {
    "nlu": "Intent classification (held-out)",
    "retrieval": "No-penalty item retrieval (held-out)",
    "answers": "Answering service (held-out)",
    "conversations": "Multi-turn conversations (held-out)",
    "knowledge_turn": "Knowledge work per chat turn (action server)",
    "load": "Load test",
    "profile": "Where a turn's time goes",
    "training": "Training pipeline study",
}


def update_section(key: str, body: str) -> None:
    text = (
        RESULTS_MD.read_text(encoding="utf-8") if RESULTS_MD.exists() else "# Benchmark results\n"
    )
    start, end = f"<!-- {key}:start -->", f"<!-- {key}:end -->"
    block = f"{start}\n{body.strip()}\n{end}"
    pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text)
    else:
        text = text.rstrip() + f"\n\n## {SECTIONS[key]}\n\n{block}\n"
    RESULTS_MD.write_text(text, encoding="utf-8")


def publish(key: str, lines: list[str]) -> None:
    """Write a section of RESULTS.md and print it."""
    update_section(key, "\n".join(lines))
    print("\n".join(lines))
