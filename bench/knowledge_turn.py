"""Knowledge work per chat turn in the action server: SQL statements and milliseconds.

Runs the project's own actions in process (no Rasa, no HTTP) on a seeded SQLite database,
with the intents the NLU would give, over a fixed script of short conversations: topic
questions, described behaviours, follow-ups that lean on the last answer, reports, and
messages the NLU could not place. Slots set by one turn are carried to the next, as Rasa
does. The script is run once to warm up (segmenter, indexes), then `--rounds` times; each
turn's statements are counted with a SQLAlchemy cursor event and its wall time measured.

Run: .venv/bin/python -m bench.knowledge_turn [--rounds 5] [--label after]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bench.common import seeded_db
from bench.results import update_section

# (intent, confidence, text). Each inner list is one conversation.
SCRIPT: list[list[tuple[str, float, str]]] = [
    [
        ("ask_pet_registration", 0.93, "怎么给狗办证"),
        ("nlu_fallback", 0.31, "要几天能下来"),
        ("ask_fine", 0.88, "不办罚多少"),
    ],
    [
        ("ask_no_penalty", 0.81, "店门口招牌歪了第一次会罚吗"),
        ("ask_legal_basis", 0.9, "依据是哪条"),
        ("ask_repeat_violation", 0.86, "那第二次呢"),
    ],
    [
        ("ask_outdoor_dining", 0.9, "饭店门口能摆桌子吗"),
        ("nlu_fallback", 0.28, "去哪申请"),
    ],
    [
        ("ask_credit_repair", 0.92, "被罚了以后信用怎么修复"),
        ("ask_credit_repair", 0.7, "信用中国上的记录要公示多久"),
    ],
    [
        ("report_issue", 0.84, "楼下烧烤店油烟太大了要投诉"),
        ("ask_no_penalty", 0.6, "在人行道上停电动车第一次罚不罚"),
    ],
    [
        ("out_of_scope", 0.9, "社保怎么交"),
        ("nlu_fallback", 0.35, "工地晚上还在施工吵死了"),
        ("ask_checkup", 0.88, "企业体检是什么服务"),
    ],
]


def action_for(intent: str, registry_actions: dict[str, Action]) -> Action:
    from actions.followups import ActionFollowUp
    from actions.handoff import ActionFallback, ActionReportIssue

    if intent in ("ask_fine", "ask_legal_basis", "ask_repeat_violation"):
        return ActionFollowUp()
    if intent == "report_issue":
        return ActionReportIssue()
    if intent in registry_actions:
        return registry_actions[intent]
    return ActionFallback()


def tracker(text: str, intent: str, confidence: float, slots: dict[str, Any]) -> Tracker:
    ranking = [{"name": intent, "confidence": confidence}]
    return Tracker(
        sender_id="bench",
        slots=dict(slots),
        latest_message={"text": text, "intent": ranking[0], "intent_ranking": ranking},
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name=None,
    )


def run_script(
    registry_actions: dict[str, Action], counter: list[int]
) -> list[tuple[int, float, int]]:
    """(statements, milliseconds, messages) of every turn."""
    results = []
    for conversation in SCRIPT:
        slots: dict[str, Any] = {}
        for intent, confidence, text in conversation:
            dispatcher = CollectingDispatcher()
            action = action_for(intent, registry_actions)
            before = counter[0]
            start = time.perf_counter()
            events = asyncio.run(
                action.run(dispatcher, tracker(text, intent, confidence, slots), {})
            )
            elapsed = (time.perf_counter() - start) * 1000
            results.append((counter[0] - before, elapsed, len(dispatcher.messages)))
            for event in events:
                if event.get("event") == "slot":
                    slots[event["name"]] = event["value"]
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--label", default="current", help="row label in the report")
    parser.add_argument("--write", action="store_true", help="update bench/RESULTS.md")
    args = parser.parse_args(argv)
    with seeded_db() as url:
        os.environ["DATABASE_URL"] = url
        from sqlalchemy import event

        from actions import topics
        from core.config import get_settings
        from core.db import get_engine
        from knowledge.topics import registry

        get_settings.cache_clear()
        counter = [0]

        def count(*_: Any) -> None:
            counter[0] += 1

        event.listen(get_engine(url), "before_cursor_execute", count)
        registry_actions: dict[str, Action] = {}
        for spec, cls in zip(registry().answered_from_faq, topics.TOPIC_ACTIONS, strict=True):
            for intent in {spec.intent, spec.question_intent} - {None}:
                registry_actions[str(intent)] = cls()
        start = time.perf_counter()
        run_script(registry_actions, counter)
        cold = (time.perf_counter() - start) * 1000
        turns: list[tuple[int, float, int]] = []
        for _ in range(args.rounds):
            turns += run_script(registry_actions, counter)
    queries = [q for q, _, _ in turns]
    millis = sorted(ms for _, ms, _ in turns)
    p95 = millis[int(0.95 * (len(millis) - 1))]
    row = (
        f"| {args.label} | {len(turns)} | {statistics.mean(queries):.1f} | {max(queries)} | "
        f"{statistics.median(millis):.1f} | {statistics.mean(millis):.1f} | {p95:.1f} | "
        f"{cold / 1000:.1f} s |"
    )
    print(
        "| code | turns | SQL statements per turn (mean) | (max) | ms per turn (p50) | (mean) "
        "| (p95) | first pass, cold |"
    )
    print("|---|---|---|---|---|---|---|---|")
    print(row)
    if args.write:
        update_section("knowledge_turn", row)
    return 0


if __name__ == "__main__":
    sys.exit(main())
