"""The answering service (knowledge.answering.AnsweringService) scored on held-out questions.

Sets (written by helpers who saw only the FAQ answers, or only the source items, never the
training data, aliases or phrasings; see each file's `meta`):

* bench/data/faq_test.yaml / faq_dev.yaml: paraphrases of the FAQ entries' questions, and
  questions about other matters (`key: null`);
* bench/data/items_test.yaml / items_dev.yaml: everyday descriptions of the 189 reference
  items (source ids), and descriptions of matters no item covers (`ids: []`).

For each question the service decides: a sure answer (an FAQ entry or an item), a choice list
("您是不是想问"), or nothing ("not ours"). Reported: top-1 / top-3 of what the service shows
first (the sure answer or the first choices), the precision of the sure answers, how often it
answers surely, and how often a question about other matters gets nothing. The thresholds are
calibrated on the dev sets only: `--calibrate` prints the trade-off between sure-answer
precision and answer rate for ITEM_SURE / FAQ_SURE. The test sets are never used to choose.

Three views: the service alone, asked without the NLU (intent None: the whole knowledge
base); the service given the real NLU parse of each question (Rasa's /model/parse of the
trained model), which is what decides in chat; and the whole chat through /api/chat (rules,
actions, replies decoded). Thresholds are calibrated on the dev sets with the NLU parse.

Run: make eval  (or .venv/bin/python -m bench.eval_answers [--calibrate])
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import httpx
import yaml
from sqlalchemy.orm import Session

from bench.common import DATA_DIR, new_session, ref_code, seeded_db
from bench.results import update_section
from core.db import session_scope
from knowledge import repositories
from knowledge.answering import (
    FOLLOW_UP_INTENTS,
    OUT_OF_SCOPE,
    REPORT_INTENT,
    THRESHOLDS,
    AnsweringService,
    Choices,
    Decision,
    FaqAnswer,
    ItemAnswer,
    NoAnswer,
    Thresholds,
    Turn,
)
from knowledge.models import FaqEntry, NoPenaltyItem
from knowledge.snapshot import snapshot
from knowledge.topics import registry
from wxbot.migrate import create_seeded_database
from wxbot.stack import Stack, running_stack

SETS = {
    "faq": ("faq_test.yaml", "faq_dev.yaml"),
    "items": ("items_test.yaml", "items_dev.yaml"),
}


@dataclass(frozen=True)
class Case:
    text: str
    expected: frozenset[str]  # FAQ keys or item codes; empty: a question about other matters


@dataclass
class Score:
    n: int = 0  # questions with an answer in the knowledge base
    top1: int = 0
    top3: int = 0
    sure: int = 0
    sure_right: int = 0
    unrelated: int = 0
    unrelated_nothing: int = 0
    unrelated_wrong_sure: int = 0

    def line(self) -> str:
        return (
            f"top-1 {self.top1 / self.n:.1%}, top-3 {self.top3 / self.n:.1%} on {self.n}; "
            f"answered surely {self.sure / self.n:.1%} of them, "
            f"{self.sure_right / max(self.sure, 1):.1%} of the sure answers right; "
            f"other matters: {self.unrelated_nothing}/{self.unrelated} got “not ours” "
            f"({self.unrelated_wrong_sure} got a sure wrong answer)"
        )


def load(name: str) -> list[Case]:
    path = DATA_DIR / name
    if not path.exists():
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if "questions" in data:
        return [
            Case(q["text"], frozenset([q["key"]] if q.get("key") else []))
            for q in data["questions"]
        ]
    return [
        Case(q["text"], frozenset(ref_code(int(i)) for i in q.get("ids") or []))
        for q in data["queries"]
    ]


def _article(basis: str) -> str:
    """《law》第N条 of a citation (paragraphs and items dropped)."""
    match = re.match(r"(《[^》]+》第[^条]+条)", basis)
    return match.group(1) if match else ""


def same_article(session: Session) -> dict[str, set[str]]:
    """Item code → FAQ entries whose source cites the item's own article, and FAQ key → the
    items whose article its source cites: an answer from either answers the question by the
    same provision."""
    faqs = list(repositories.active_faqs(session))
    result: dict[str, set[str]] = {}
    for item in repositories.active_items(session):
        article = _article(item.legal_basis)
        law, _, number = article.partition("》")
        for faq in faqs:
            if article and any(law in seg and number in seg for seg in faq.source.split("；")):
                result.setdefault(item.code, set()).add(faq.key)
                result.setdefault(faq.key, set()).add(item.code)
    return result


def widen(cases: list[Case], equivalents: dict[str, set[str]]) -> list[Case]:
    return [
        Case(c.text, c.expected.union(*(equivalents.get(k, set()) for k in c.expected)))
        for c in cases
    ]


def _key(choice: FaqEntry | NoPenaltyItem) -> str:
    return choice.key if isinstance(choice, FaqEntry) else choice.code


def shown(decision: Decision) -> list[str]:
    """What the citizen sees first: the sure answer and its close runners-up, or the choices."""
    if isinstance(decision, FaqAnswer):
        first: list[FaqEntry | NoPenaltyItem] = [decision.faq]
        rest: list[FaqEntry | NoPenaltyItem] = [*decision.close, *decision.related_items]
    elif isinstance(decision, ItemAnswer):
        first, rest = [decision.item], list(decision.alternatives)
    elif isinstance(decision, Choices):
        first, rest = [], list(decision.choices)
    else:
        return []
    return [_key(c) for c in first + rest][:3]


def answered_by_knowledge(intent: str | None) -> bool:
    """Whether chat sends a message with this intent to an action that asks the service
    (a greeting, a booking request or a yes/no goes elsewhere)."""
    if intent is None or intent in FOLLOW_UP_INTENTS | {REPORT_INTENT, OUT_OF_SCOPE}:
        return True
    return intent == "nlu_fallback" or registry().by_intent(intent) is not None


def score(
    session: Session,
    cases: list[Case],
    turns: list[Turn] | None = None,
    thresholds: Thresholds = THRESHOLDS,
) -> Score:
    """The service's decisions for the cases: asked without the NLU, or with `turns` (the
    NLU's parse of each case)."""
    service = AnsweringService(snapshot(session), thresholds)
    s = Score()
    for i, case in enumerate(cases):
        turn = turns[i] if turns is not None else Turn(case.text)
        decision: Decision = (
            service.answer(turn) if answered_by_knowledge(turn.intent) else NoAnswer("", "fallback")
        )
        keys = shown(decision)
        is_sure = isinstance(decision, FaqAnswer | ItemAnswer)
        if not case.expected:
            s.unrelated += 1
            s.unrelated_nothing += isinstance(decision, NoAnswer)
            s.unrelated_wrong_sure += is_sure
            continue
        s.n += 1
        s.top1 += bool(keys) and keys[0] in case.expected
        s.top3 += bool(case.expected & set(keys))
        if is_sure:
            s.sure += 1
            s.sure_right += keys[0] in case.expected
    return s


def _row(label: str, s: Score, shipped: bool) -> str:
    mark = " ← shipped" if shipped else ""
    return (
        f"| {label} | {s.sure / s.n:.1%} | {s.sure_right / max(s.sure, 1):.1%} | "
        f"{s.top1 / s.n:.1%} | {s.top3 / s.n:.1%} | {s.unrelated_nothing}/{s.unrelated}{mark} |"
    )


def calibrate(session: Session, dev: list[Case], turns: list[Turn] | None) -> list[str]:
    """The trade-off of every threshold on the dev sets: sure-answer precision against how
    often the service answers surely (the rest get "您是不是想问" or nothing)."""
    head = "| answered surely | sure answers right | top-1 | top-3 | other matters: nothing |"
    rule = "|---|---|---|---|---|---|"
    rows = [f"| ITEM_SURE / FAQ_SURE {head}", rule]
    t0 = THRESHOLDS
    for item_sure in (0.30, 0.36, 0.42, 0.48, 0.54):
        for faq_sure in (0.30, 0.35, 0.40, 0.45):
            t = replace(t0, item_sure=item_sure, faq_sure=faq_sure)
            shipped = (item_sure, faq_sure) == (t0.item_sure, t0.faq_sure)
            rows.append(
                _row(f"{item_sure:.2f} / {faq_sure:.2f}", score(session, dev, turns, t), shipped)
            )
    # Every other threshold, one at a time around the shipped values. RESCUE and
    # SURE_OUT_OF_SCOPE only matter with the NLU; the context thresholds (CONTEXT_RESCUE,
    # LAST_ANSWER_BONUS) only in a conversation, which bench/eval_conversations.py measures.
    sweeps: dict[str, tuple[float, ...]] = {
        "item_over_faq": (0.0, 0.04, 0.08, 0.12),
        "topic_bonus": (0.0, 0.04, 0.08, 0.12),
        "penalty_bonus": (0.05, 0.10, 0.15, 0.20),
        "faq_margin": (0.04, 0.08, 0.15, 0.25),
        "related_item": (0.30, 0.40, 0.50),
        "exact_faq": (0.8, 0.9, 1.01),
    }
    if turns is not None:
        sweeps["rescue"] = (0.40, 0.45, 0.50, 0.55, 0.60)
        sweeps["sure_out_of_scope"] = (0.70, 0.80, 0.85, 0.90, 0.95)
    for name, values in sweeps.items():
        rows += ["", f"| {name.upper()} {head}", rule]
        for value in values:
            t = replace(t0, **{name: value})
            shipped = value == getattr(t0, name)
            rows.append(_row(f"{value:.2f}", score(session, dev, turns, t), shipped))
    return rows


def parse_all(stack: Stack, cases: list[Case]) -> list[Turn]:
    """The trained model's parse of every case (Rasa's /model/parse), as the service's turns."""
    turns = []
    with httpx.Client(timeout=60) as client:
        for case in cases:
            response = client.post(
                f"{stack.rasa_url}/model/parse",
                params={"token": stack.rasa_token},
                json={"text": case.text},
            )
            response.raise_for_status()
            turns.append(Turn.from_parse(case.text, response.json()))
    return turns


@dataclass
class Reply:
    """What a chat reply showed, decoded: the sure answer (a card or an FAQ answer) first,
    then the other FAQ entries and items offered as buttons."""

    sure: bool
    keys: list[str]


class ReplyDecoder:
    def __init__(self, session: Session) -> None:
        faqs = list(repositories.active_faqs(session))
        items = list(repositories.active_items(session))
        self._answers = [(f.answer.strip()[:40], f.key) for f in faqs]
        self._payloads = {f.question: f.key for f in faqs} | {i.behavior: i.code for i in items}
        self._codes = {i.id: i.code for i in items}

    def decode(self, messages: list[dict[str, Any]]) -> Reply:
        keys: list[str] = []
        sure = False
        for m in messages:
            if m.get("type") == "card":
                keys.append(self._codes.get(m["card"].get("item_id"), m["card"].get("code", "")))
                sure = sure or len(keys) == 1
            text = m.get("text", "")
            key = next(
                (k for prefix, k in self._answers if prefix and text.startswith(prefix)), None
            )
            if key:
                keys.append(key)
                sure = sure or len(keys) == 1
            keys += [
                self._payloads[b["payload"]]
                for b in m.get("buttons", [])
                if b.get("payload") in self._payloads
            ]
        unique = list(dict.fromkeys(keys))
        return Reply(sure=sure, keys=unique[:3])


def score_replies(replies: list[tuple[Case, Reply]]) -> Score:
    s = Score()
    for case, reply in replies:
        if not case.expected:
            s.unrelated += 1
            s.unrelated_nothing += not reply.keys
            s.unrelated_wrong_sure += reply.sure
            continue
        s.n += 1
        s.top1 += bool(reply.keys) and reply.keys[0] in case.expected
        s.top3 += bool(case.expected & set(reply.keys))
        if reply.sure:
            s.sure += 1
            s.sure_right += reply.keys[0] in case.expected
    return s


def with_the_stack(
    names: list[str],
) -> tuple[dict[str, list[Turn]], dict[str, list[tuple[Case, Reply]]]]:
    """On the real stack: the NLU's parse of every question, and its chat reply (each in a
    fresh conversation through /api/chat: NLU, rules, actions) decoded into what it showed."""
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'app.db'}"
        create_seeded_database(url)
        with session_scope(url) as session:
            decoder = ReplyDecoder(session)
        parses, chats = {}, {}
        with running_stack(Path(tmp), url) as stack, httpx.Client(timeout=60) as client:
            for name in names:
                cases = load(name)
                parses[name] = parse_all(stack, cases)
                replies = []
                for case in cases:
                    response = client.post(
                        f"{stack.api_url}/api/chat",
                        json={"session_id": new_session(client, stack.api_url), "text": case.text},
                    )
                    messages = response.json().get("messages", []) if response.is_success else []
                    replies.append((case, decoder.decode(messages)))
                chats[name] = replies
    return parses, chats


def describe(name: str, strict: Score, wide: Score | None) -> str:
    line = f"`bench/data/{name}`: {strict.line()}"
    if wide is not None:
        line += (
            f"; counting an answer by the same provision as right (an FAQ entry citing the "
            f"item's article, or an item whose article the FAQ cites): top-1 "
            f"{wide.top1 / wide.n:.1%}, top-3 {wide.top3 / wide.n:.1%}, sure answers right "
            f"{wide.sure_right / max(wide.sure, 1):.1%}"
        )
    return line + "."


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calibrate", action="store_true", help="threshold trade-off on dev")
    parser.add_argument("--dev", action="store_true", help="dev sets only, nothing written")
    parser.add_argument("--stack", action="store_true", help="also through the real stack")
    args = parser.parse_args(argv)
    names = [
        n
        for pair in SETS.values()
        for n in (pair[1:] if args.dev else pair)
        if (DATA_DIR / n).exists()
    ]
    lines = [
        f"Measured {dt.date.today().isoformat()} on the seed knowledge base. Sets written by "
        "helpers who saw only the FAQ answers or only the source items (`*_test` held out, "
        "`*_dev` for calibration); misses are not listed, so the test sets stay held out.",
        "",
        "The answering service alone, asked without the NLU (the whole knowledge base):",
        "",
    ]
    parses: dict[str, list[Turn]] = {}
    chats: dict[str, list[tuple[Case, Reply]]] = {}
    if args.stack:
        parses, chats = with_the_stack(names)
    with seeded_db() as url, session_scope(url) as session:
        equivalents = same_article(session)
        wide_of = {n: widen(load(n), equivalents) for n in names}
        for name in names:
            cases, wide = load(name), wide_of[name]
            lines.append("- " + describe(name, score(session, cases), score(session, wide)))
        if parses:
            lines += ["", "The answering service given the trained model's NLU parse:", ""]
            for name in names:
                turns, wide = parses[name], wide_of[name]
                strict = score(session, load(name), turns)
                lines.append("- " + describe(name, strict, score(session, wide, turns)))
        if args.calibrate:
            dev = [n for n in names if "_dev" in n]
            dev_cases = [c for n in dev for c in wide_of[n]]
            dev_turns = [t for n in dev for t in parses[n]] if parses else None
            how = "with the NLU parse" if parses else "without the NLU"
            lines += [
                "",
                f"Threshold trade-off on the dev sets (FAQ and items together, {how}):",
                "",
            ]
            lines += calibrate(session, dev_cases, dev_turns)
    if chats:
        lines += ["", "Through the real stack (NLU, rules and actions; what the citizen sees):", ""]
        for name, replies in chats.items():
            wide = wide_of[name]
            wide_score = score_replies([(w, r) for w, (_, r) in zip(wide, replies, strict=True)])
            lines.append("- " + describe(name, score_replies(replies), wide_score))
    lines += [
        "",
        "Command: `make eval` (runs `python -m bench.eval_answers --calibrate --stack`).",
    ]
    if not args.dev:
        update_section("answers", "\n".join(lines))
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
