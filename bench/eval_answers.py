"""The answering service (knowledge.answering.find_answer) scored on held-out questions.

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

The service is asked without the NLU's topic (topic "general"), so these figures do not lean
on the intent classifier; in chat the topic bonus only helps.

Run: make eval  (or .venv/bin/python -m bench.eval_answers [--calibrate])
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import yaml
from sqlalchemy.orm import Session

from bench.common import DATA_DIR, ref_code, seeded_db
from bench.results import update_section
from core.db import session_scope
from knowledge import answering, repositories
from knowledge.answering import Answer, find_answer
from knowledge.models import FaqEntry, NoPenaltyItem
from knowledge.topics import GENERAL
from wxbot.migrate import create_seeded_database
from wxbot.stack import running_stack

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


def shown(answer: Answer | None) -> list[str]:
    """What the citizen sees first: the sure answer and its close runners-up, or the choices."""
    if answer is None:
        return []
    first = answer.faq or answer.item
    rest = [*answer.choices, *answer.alternatives]
    return [_key(c) for c in ([first] if first else []) + rest][:3]


def score(session: Session, cases: list[Case]) -> Score:
    s = Score()
    for case in cases:
        answer = find_answer(session, case.text, GENERAL)
        keys = shown(answer)
        is_sure = answer is not None and answer.kind in ("faq", "item")
        if not case.expected:
            s.unrelated += 1
            s.unrelated_nothing += answer is None
            s.unrelated_wrong_sure += is_sure
            continue
        s.n += 1
        s.top1 += bool(keys) and keys[0] in case.expected
        s.top3 += bool(case.expected & set(keys))
        if is_sure:
            s.sure += 1
            s.sure_right += keys[0] in case.expected
    return s


@contextmanager
def thresholds(item_sure: float, faq_sure: float) -> Iterator[None]:
    saved = answering.ITEM_SURE, answering.FAQ_SURE
    answering.ITEM_SURE, answering.FAQ_SURE = item_sure, faq_sure
    try:
        yield
    finally:
        answering.ITEM_SURE, answering.FAQ_SURE = saved


def calibrate(session: Session, dev: list[Case]) -> list[str]:
    rows = [
        "| ITEM_SURE | FAQ_SURE | answered surely | sure answers right | other matters: nothing |",
        "|---|---|---|---|---|",
    ]
    for item_sure in (0.26, 0.30, 0.34, 0.38, 0.42):
        for faq_sure in (0.25, 0.30, 0.35, 0.40):
            with thresholds(item_sure, faq_sure):
                s = score(session, dev)
            mark = (
                " ← shipped"
                if (item_sure, faq_sure) == (answering.ITEM_SURE, answering.FAQ_SURE)
                else ""
            )
            rows.append(
                f"| {item_sure:.2f} | {faq_sure:.2f} | {s.sure / s.n:.1%} | "
                f"{s.sure_right / max(s.sure, 1):.1%} | "
                f"{s.unrelated_nothing}/{s.unrelated}{mark} |"
            )
    return rows


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


def through_the_stack(names: list[str]) -> dict[str, list[tuple[Case, Reply]]]:
    """Every question sent to /api/chat of the real stack (NLU, rules, actions) in a fresh
    conversation; the reply decoded into what it showed."""
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'app.db'}"
        create_seeded_database(url)
        with session_scope(url) as session:
            decoder = ReplyDecoder(session)
        results = {}
        with running_stack(Path(tmp), url) as stack, httpx.Client(timeout=60) as client:
            for name in names:
                replies = []
                for case in load(name):
                    response = client.post(
                        f"{stack.api_url}/api/chat",
                        json={"session_id": f"eval-{uuid.uuid4().hex[:10]}", "text": case.text},
                    )
                    messages = response.json().get("messages", []) if response.is_success else []
                    replies.append((case, decoder.decode(messages)))
                results[name] = replies
    return results


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
        "The answering service alone, asked without the NLU's topic:",
        "",
    ]
    with seeded_db() as url, session_scope(url) as session:
        equivalents = same_article(session)
        wide_of = {n: widen(load(n), equivalents) for n in names}
        dev_all: list[Case] = []
        for name in names:
            cases, wide = load(name), wide_of[name]
            if "_dev" in name:
                dev_all += wide or cases
            lines.append(
                "- " + describe(name, score(session, cases), score(session, wide) if wide else None)
            )
        if args.calibrate and dev_all:
            lines += ["", "Threshold trade-off on the dev sets (FAQ and items together):", ""]
            lines += calibrate(session, dev_all)
    if args.stack:
        lines += ["", "Through the real stack (NLU, rules and actions; what the citizen sees):", ""]
        for name, replies in through_the_stack(names).items():
            wide = wide_of[name]
            wide_score = None
            if wide is not None:
                wide_score = score_replies(
                    [(w, r) for w, (_, r) in zip(wide, replies, strict=True)]
                )
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
