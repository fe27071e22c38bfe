"""Multi-turn conversations against the real stack (Rasa + action server + API).

bench/data/conversations.yaml (40: 30 test, 10 dev), conversations_dev2.yaml and
conversations_dev3.yaml (25 each, all dev) were written by helpers who saw only the sources
and the topic list, never the training data or the knowledge base. Each user turn carries
checks on the reply: `expect_any` (one of these words must appear), `expect_all`, `expect_none`,
`out_of_scope` (the bot must say it is not its business), `says_unknown` (the bot must say it
does not have the fact). A conversation passes when every turn passes. Conversations marked
`split: dev` may be looked at; the `test` ones are only counted, and no miss is printed.

Run: make eval  (or .venv/bin/python -m bench.eval_conversations)
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
from pathlib import Path
from typing import Any

import httpx
import yaml

from bench.common import DATA_DIR, new_session
from bench.results import update_section
from wxbot.migrate import create_seeded_database
from wxbot.stack import model_ready, running_stack

SETS = (
    DATA_DIR / "conversations.yaml",
    DATA_DIR / "conversations_dev2.yaml",
    DATA_DIR / "conversations_dev3.yaml",
)


def reply_text(messages: list[dict[str, Any]]) -> str:
    """What the bot said: its texts and cards. Buttons offer questions and state nothing, so
    a check never passes, or fails, on a button's title."""
    parts: list[str] = []
    for m in messages:
        parts.append(m.get("text", ""))
        if m.get("type") == "card":
            parts += [f"{f['label']}：{f['value']}" for f in m["card"]["fields"]]
    return "\n".join(parts)


# The judge's own words (not the bot's lexicon): a reply that says the matter is another
# department's, or that the bot does not have the fact. Plain referrals ("请咨询…") do not count.
NOT_OURS = ("不在综合行政执法的业务范围", "暂时还不会回答")
UNKNOWN = (
    "没有资料",
    "没有找到",
    "我没有",
    "没有读到",
    "无法确认",
    "不能告诉你准确",
    "暂时还不会回答",
)


def turn_passes(turn: dict[str, Any], text: str) -> bool:
    if turn.get("expect_any") and not any(w in text for w in turn["expect_any"]):
        return False
    if any(w not in text for w in turn.get("expect_all") or []):
        return False
    if any(w in text for w in turn.get("expect_none") or []):
        return False
    if turn.get("out_of_scope") and not any(w in text for w in NOT_OURS):
        return False
    return not (turn.get("says_unknown") and not any(w in text for w in UNKNOWN))


def run(api_url: str, conversation: dict[str, Any], *, show: bool = False) -> bool:
    """Whether every turn passes; `show` prints each turn and reply (dev conversations only)."""
    with httpx.Client() as client:
        session_id = new_session(client, api_url)
    ok = True
    for turn in conversation["turns"]:
        response = httpx.post(
            f"{api_url}/api/chat", json={"session_id": session_id, "text": turn["user"]}, timeout=60
        )
        text = (
            reply_text(response.json().get("messages", [])) if response.status_code == 200 else ""
        )
        passed = turn_passes(turn, text)
        if show:
            mark = "ok  " if passed else "MISS"
            print(f"  {mark} {turn['user']}\n       → {text[:300]!r}")
        ok = passed and ok
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--dev", action="store_true", help="dev conversations only, shown turn by turn"
    )
    args = parser.parse_args(argv)
    missing = [p for p in SETS if not p.exists()]
    if missing:
        print(f"{missing[0]} is missing")
        return 1
    if not model_ready():
        print("no trained model for the current data: run `make train` first")
        return 1
    conversations = [
        c for p in SETS for c in yaml.safe_load(p.read_text(encoding="utf-8"))["conversations"]
    ]
    if args.dev:
        conversations = [c for c in conversations if c.get("split") == "dev"]
    results: dict[str, list[bool]] = {"dev": [], "test": []}
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'app.db'}"
        create_seeded_database(url)
        with running_stack(Path(tmp), url) as stack:
            for conversation in conversations:
                if args.dev:
                    print(conversation["id"])
                passed = run(stack.api_url, conversation, show=args.dev)
                results[conversation.get("split", "test")].append(passed)
    test, dev = results["test"], results["dev"]
    lines = [
        f"Measured {dt.date.today().isoformat()} against the real stack (SQLite).",
        "",
        f"- **Held-out** (`bench/data/conversations.yaml`, split test): **{sum(test)}/{len(test)}"
        f" conversations pass ({sum(test) / max(len(test), 1):.0%})**, every turn checked.",
        f"- Dev (`conversations.yaml` split dev, `conversations_dev2.yaml`, "
        f"`conversations_dev3.yaml`; looked at while improving the assistant, so not held "
        f"out): {sum(dev)}/{len(dev)}.",
        "",
        "Command: `make eval-conversations` (runs `python -m bench.eval_conversations`).",
    ]
    if args.dev:
        print(f"dev: {sum(dev)}/{len(dev)}")
        return 0
    update_section("conversations", "\n".join(lines))
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
