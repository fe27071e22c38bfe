"""The answering service: which answer a chat turn gets.

Input: the turn (the text, the NLU's intent and confidence, the conversation's topic and its
last answer). Output, tagged: an FAQ entry (`FaqAnswer`), a no-penalty item (`ItemAnswer`), a
short list of candidates when nothing is sure enough (`Choices`), or nothing (`NoAnswer`,
with the reason), each with the evidence it was decided on. It reads only a knowledge
snapshot (knowledge/snapshot.py): no database, no I/O. The actions turn decisions into
messages; every threshold is in `Thresholds`, calibrated on the dev sets by `make eval`
(bench/eval_answers.py, bench/RESULTS.md "Answering service").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from knowledge.models import FaqEntry, NoPenaltyItem
from knowledge.search import MIN_SCORE, Hit
from knowledge.snapshot import KnowledgeSnapshot
from knowledge.text import Analyzer, Lexicon, get_analyzer, get_lexicon, search_text
from knowledge.topics import GENERAL, TopicRegistry, registry

FOLLOW_UP_INTENTS = frozenset({"ask_fine", "ask_legal_basis", "ask_repeat_violation", "ask_detail"})
# A short question asking a detail of the last answer ("要带啥", "去哪办", "单位呢").
DETAIL_INTENT = "ask_detail"
REPORT_INTENT = "report_issue"
OUT_OF_SCOPE = "out_of_scope"
# The FAQ entry that explains what happens on a second violation.
REPEAT_FAQ_KEY = "no-penalty-second-violation"
# The topic a report's own case is read in (its items).
ITEMS_TOPIC = "no_penalty"


@dataclass(frozen=True)
class Thresholds:
    """Every number the decision uses. The shipped values (THRESHOLDS) are chosen on the dev
    sets; `make eval` prints the trade-off of the sure thresholds."""

    # A FAQ phrasing matched this closely is the question itself (e.g. a 猜你想问 button).
    exact_faq: float = 0.9
    # Bonus for a result that belongs to the topic the NLU recognised.
    topic_bonus: float = 0.08
    # Bonus for an item when the message asks whether one will be punished (lexicon cue
    # "penalty"): then the item card answers better than a how-to FAQ entry.
    penalty_bonus: float = 0.15
    # Unless the message asks whether one will be punished, an item answers instead of the
    # best FAQ entry only when it scores this much higher ("养犬登记费多少" asks the fee, not
    # the fine for not registering).
    item_over_faq: float = 0.04
    # An item this close to a FAQ answer is offered as a button under it.
    related_item: float = 0.40
    # Below these scores the service offers candidates ("您是不是想问") instead of answering;
    # FAQ runners-up this close to the answer are offered under it.
    item_sure: float = 0.42
    faq_sure: float = 0.35
    faq_margin: float = 0.15
    # A message the NLU could not place (nlu_fallback, out_of_scope) is still answered from
    # the knowledge base when a match is this strong.
    rescue: float = 0.50
    # A short question in the conversation's topic (a follow-up, or one the NLU could not
    # place) is answered by that topic's best FAQ entry from this score.
    context_rescue: float = 0.40
    # In the conversation's topic, the FAQ entry answered last gets this bonus.
    last_answer_bonus: float = 0.10
    # Out-of-scope predictions this confident are not second-guessed by search (only a
    # question continuing the conversation's topic is).
    sure_out_of_scope: float = 0.85
    # A report about one's own case ("我…会被罚吗") must match an item this well to be answered
    # as one; a behaviour named in a follow-up ("狗没拴绳罚多少") this well to replace the
    # conversation's item.
    own_case: float = 0.45
    named_behaviour: float = 0.45
    # A question this short that names no topic of its own ("要几天能下来", "去哪里办") is
    # read in the topic of the conversation so far.
    context_max_chars: int = 20


THRESHOLDS = Thresholds()


@dataclass(frozen=True)
class Turn:
    text: str
    intent: str | None = None  # None: no NLU (search the whole knowledge base)
    confidence: float | None = None
    # The NLU's ranking, best first: for nlu_fallback the best real intent is the guess.
    ranking: tuple[tuple[str, float], ...] = ()
    last_topic: str | None = None
    last_item_id: int | None = None
    last_faq_key: str | None = None

    @classmethod
    def from_parse(cls, text: str, parse: Mapping[str, Any], **conversation: Any) -> Turn:
        """The turn of a Rasa parse (`intent`, `intent_ranking`, as in a tracker's latest
        message or /model/parse), with the conversation's slots as keywords."""
        intent = parse.get("intent") or {}
        ranking = tuple(
            (str(r.get("name")), float(r.get("confidence") or 0.0))
            for r in parse.get("intent_ranking") or []
        )
        return cls(text, intent.get("name"), intent.get("confidence"), ranking, **conversation)

    @property
    def guess(self) -> tuple[str | None, float | None]:
        """The best real intent: the prediction, or for nlu_fallback the runner-up."""
        real = next(((n, c) for n, c in self.ranking if n != "nlu_fallback"), None)
        if self.intent == "nlu_fallback" and real is not None:
            return real
        return self.intent, self.confidence


@dataclass(frozen=True)
class Evidence:
    rule: str  # which rule decided, e.g. "faq", "item", "exact", "context", "rescue", "harm"
    faq_score: float = 0.0  # best FAQ score considered (with bonuses)
    item_score: float = 0.0
    context: str | None = None  # the conversation topic the question was read in


Choice = FaqEntry | NoPenaltyItem


@dataclass(frozen=True)
class FaqAnswer:
    topic: str
    faq: FaqEntry
    evidence: Evidence
    related_items: tuple[NoPenaltyItem, ...] = ()  # the item matching a described behaviour
    close: tuple[FaqEntry, ...] = ()  # runners-up nearly as good
    aspect: Literal["answer", "legal"] = "answer"  # "legal": only its source is asked for


@dataclass(frozen=True)
class ItemAnswer:
    topic: str
    item: NoPenaltyItem
    evidence: Evidence
    alternatives: tuple[NoPenaltyItem, ...] = ()
    # "card": the whole item; a follow-up asks only its "fine", "legal" basis or "repeat"
    # (then `faq` explains second violations); "related": the rule a reported matter falls under.
    aspect: Literal["card", "fine", "legal", "repeat", "related", "enforcer"] = "card"
    faq: FaqEntry | None = None


@dataclass(frozen=True)
class Choices:
    topic: str
    choices: tuple[Choice, ...]
    evidence: Evidence


@dataclass(frozen=True)
class NoAnswer:
    topic: str
    # "no_match": nothing in the topic fits (its overview answers); "fallback" / "out_of_scope":
    # a message the NLU could not place; "no_context": a follow-up with nothing to follow;
    # "report": a report to pass on.
    reason: Literal["no_match", "fallback", "out_of_scope", "no_context", "report"]
    evidence: Evidence = field(default_factory=lambda: Evidence("none"))


Decision = FaqAnswer | ItemAnswer | Choices | NoAnswer


class AnsweringService:
    def __init__(
        self,
        knowledge: KnowledgeSnapshot,
        thresholds: Thresholds = THRESHOLDS,
        *,
        topics: TopicRegistry | None = None,
        lexicon: Lexicon | None = None,
        analyzer: Analyzer | None = None,
    ) -> None:
        self.knowledge = knowledge
        self.t = thresholds
        self.topics = topics or registry()
        self.lexicon = lexicon or get_lexicon()
        self.analyzer = analyzer or get_analyzer()

    # ------------------------------------------------------------------ entry point
    def answer(self, turn: Turn) -> Decision:
        if turn.intent in FOLLOW_UP_INTENTS:
            return self._follow_up(turn)
        if turn.intent == REPORT_INTENT:
            return self._report(turn)
        if turn.intent is None:
            return self._in_topic(turn, GENERAL, with_items=True)
        spec = self.topics.by_intent(turn.intent)
        if spec is not None:
            return self._in_topic(turn, spec.key, with_items=spec.answers_items)
        return self._unplaced(turn)

    # ------------------------------------------------------------------ paths
    def _in_topic(self, turn: Turn, topic: str, *, with_items: bool) -> Decision:
        context = self.context_topic(turn)
        found = self.find(
            turn.text, topic, with_items=with_items, context=context, last_faq=turn.last_faq_key
        )
        return found or NoAnswer(topic, "no_match")

    def _unplaced(self, turn: Turn) -> Decision:
        """nlu_fallback and out_of_scope: the knowledge base may still know the answer."""
        guess, _ = turn.guess
        out_of_scope = turn.intent == OUT_OF_SCOPE or guess == OUT_OF_SCOPE
        reason: Literal["fallback", "out_of_scope"] = "out_of_scope" if out_of_scope else "fallback"
        context = self.context_topic(turn)
        sure = turn.intent == OUT_OF_SCOPE and (turn.confidence or 0) >= self.t.sure_out_of_scope
        found: Decision | None = None
        has_context = turn.last_item_id is not None or turn.last_faq_key is not None
        after_card = turn.last_item_id is not None and turn.last_faq_key is None
        short = len(search_text(turn.text)) <= self.t.context_max_chars
        if after_card and short and not sure and self.lexicon.has_cue("penalty", turn.text):
            # "我马上撕掉还罚伐" right after an item's card asks about that item's fine.
            guess = "ask_fine"
        if guess in FOLLOW_UP_INTENTS and has_context and not sure:
            # "我今天就去撕掉 还罚伐" after an item card: the NLU's best real guess, a
            # follow-up, read with the conversation's last answer.
            follow = self._follow_up(replace(turn, intent=guess))
            if not isinstance(follow, NoAnswer):
                return _with_rule(follow, "follow_up_guess")
        if sure:
            # out of scope, unless it continues the conversation's topic
            if context:
                found = self.in_context(
                    turn.text, context, min_score=self.t.context_rescue, last_faq=turn.last_faq_key
                )
        elif turn.text:
            # "去哪里办" right after a dog question reads as out of scope on its own; in the
            # conversation it is a question about the dog licence.
            topic = self.analyzer.topic_of(turn.text) or context or GENERAL
            if context:
                found = self.in_context(
                    turn.text, context, min_score=self.t.context_rescue, last_faq=turn.last_faq_key
                )
            found = found or self.find(turn.text, topic, min_score=self.t.rescue)
            if isinstance(found, Choices):
                found = None  # too unsure for a message the NLU could not place either
        if found is None:
            return NoAnswer(turn.last_topic or GENERAL, reason)
        return _with_rule(found, "rescue")

    def _report(self, turn: Turn) -> Decision:
        text = turn.text
        if text and self.own_case(text):
            found = self.find(text, ITEMS_TOPIC, min_score=self.t.own_case)
            if isinstance(found, ItemAnswer):
                return found
        # What the rule says about the reported matter, or the FAQ entry about it ("楼下狗天天
        # 叫" → who handles barking), when the description is clear: shown under the report.
        topic = (self.analyzer.topic_of(text) if text else None) or ITEMS_TOPIC
        found = self.find(text, topic) if text else None
        if isinstance(found, ItemAnswer):
            return replace(found, aspect="related", evidence=replace(found.evidence, rule="report"))
        if isinstance(found, FaqAnswer):
            return replace(found, evidence=replace(found.evidence, rule="report"))
        if isinstance(found, Choices):
            # the rules it may fall under, without a topic's overview after the report
            return replace(found, topic=GENERAL, evidence=replace(found.evidence, rule="report"))
        return NoAnswer(ITEMS_TOPIC, "report")

    def _detail(self, turn: Turn) -> Decision:
        """A detail of the last answer, within its topic (never an answer from another
        topic): its best FAQ entry, else its candidates, else its overview (reason
        "no_match"); without a topic, nothing to follow."""
        topic = turn.last_topic if turn.last_topic and turn.last_topic != GENERAL else None
        if topic is None or not turn.text:
            return NoAnswer(GENERAL, "no_context")
        item = self.knowledge.item(turn.last_item_id) if turn.last_item_id is not None else None
        after_card = item is not None and turn.last_faq_key is None
        if item is not None and after_card and self.lexicon.has_cue("responsible", turn.text):
            # "归你们管伐" right after an item's card: who its clause names as the enforcer.
            return ItemAnswer(topic, item, Evidence("detail", context=topic), aspect="enforcer")
        if item is not None and after_card and self.lexicon.has_cue("party", turn.text):
            # "单位呢" right after an item's card: what its clause says for a unit.
            return ItemAnswer(topic, item, Evidence("detail", context=topic), aspect="fine")
        if after_card:
            # "那堵我车库门的呢" after a card names another matter of the same kind: its card.
            named = self.knowledge.search_items(turn.text, limit=1, min_score=self.t.item_sure)
            if named:
                other = named[0][0]
                return ItemAnswer(
                    self.topic_of_item(other, topic),
                    other,
                    Evidence("detail", item_score=named[0][1].score, context=topic),
                )
        found = self.in_context(
            turn.text, topic, min_score=self.t.context_rescue, last_faq=turn.last_faq_key
        )
        if found is not None:
            return found
        candidates = self.knowledge.search_faqs(turn.text, topic=topic, limit=3)
        if candidates:
            scores = Evidence("detail", faq_score=candidates[0][1].score, context=topic)
            return Choices(topic, tuple(f for f, _ in candidates), scores)
        return NoAnswer(topic, "no_match")

    def _follow_up(self, turn: Turn) -> Decision:
        """Follow-ups that lean on the conversation: "罚多少?", "依据是哪条?", "那第二次呢?"."""
        if turn.intent == DETAIL_INTENT:
            return self._detail(turn)
        text = turn.text
        # "多少钱" after "怎么办狗证" asks what the licence costs, not the fine.
        if turn.intent == "ask_fine" and not self.lexicon.has_cue("fine", text):
            context = self.context_topic(turn)
            found = self.in_context(text, context, last_faq=turn.last_faq_key) if context else None
            if found is not None:
                return found
        item, faq, score = self._follow_up_subject(turn)
        topic = turn.last_topic or GENERAL
        evidence = Evidence("follow_up", item_score=score)
        if turn.intent == "ask_repeat_violation":
            repeat = self.knowledge.faq(REPEAT_FAQ_KEY)
            if item is not None and item.penalty_range:
                return ItemAnswer(topic, item, evidence, aspect="repeat", faq=repeat)
            if repeat is not None:
                return FaqAnswer(repeat.topic, repeat, evidence)
            return NoAnswer(topic, "no_context", evidence)
        if item is not None:
            aspect: Literal["fine", "legal"] = (
                "legal" if turn.intent == "ask_legal_basis" else "fine"
            )
            return ItemAnswer(topic, item, evidence, aspect=aspect)
        if faq is not None and turn.intent == "ask_legal_basis" and faq.source:
            return FaqAnswer(faq.topic, faq, evidence, aspect="legal")
        return NoAnswer(topic, "no_context", evidence)

    def _follow_up_subject(self, turn: Turn) -> tuple[NoPenaltyItem | None, FaqEntry | None, float]:
        """The item the user is asking about: the one the follow-up names, read with the FAQ
        entry answered last ("怎么办狗证" then "不办会咋样": not registering), or named on
        its own, or the item discussed last."""
        text = turn.text
        named = (
            self.knowledge.search_items(text, limit=1, min_score=self.t.named_behaviour)
            if text
            else []
        )
        faq = self.knowledge.faq(turn.last_faq_key) if turn.last_faq_key else None
        if faq is not None and text:
            # Only an item of a domain the FAQ's topic names: a general question has none.
            for item, hit in self.knowledge.search_items(f"{faq.question} {text}", limit=3):
                if self.item_in_topic(item, faq.topic, named_only=True):
                    if not named or hit.score >= named[0][1].score:
                        return item, faq, hit.score
                    break
        if named:
            return named[0][0], None, named[0][1].score
        last = self.knowledge.item(turn.last_item_id) if turn.last_item_id is not None else None
        if last is not None:
            return last, None, 0.0
        return None, faq, 0.0

    # ------------------------------------------------------------------ building blocks
    def item_in_topic(self, item: NoPenaltyItem, topic: str, *, named_only: bool = False) -> bool:
        spec = self.topics.get(topic)
        return spec is not None and spec.owns_item_domain(item.domain, named_only=named_only)

    def topic_of_item(self, item: NoPenaltyItem, default: str) -> str:
        """The topic that names the item's domain (a dog item belongs to dog), else default:
        what the conversation is about after the item's card."""
        owner = next(
            (t.key for t in self.topics.topics if t.owns_item_domain(item.domain, named_only=True)),
            None,
        )
        return owner or default

    def own_case(self, text: str) -> bool:
        """ "我/我们…会被罚吗" is someone asking about their own case, even if it reads like a
        report (the words are the lexicon's cues "first_person" and "penalty")."""
        first_person = any(
            text.startswith(p) or f"，{p}" in text or f" {p}" in text
            for p in self.lexicon.cues["first_person"]
        )
        return first_person and self.lexicon.has_cue("penalty", text)

    def context_topic(self, turn: Turn) -> str | None:
        """The conversation's topic, when the message is a short question that does not name
        another one: "怎么办狗证" then "要几天能下来" asks how long the dog licence takes."""
        text, last = turn.text, turn.last_topic
        if not text or not last or last == GENERAL:
            return None
        if len(search_text(text)) > self.t.context_max_chars:
            return None
        named = self.knowledge.faq_topics_named(text)
        return last if not named or named == {last} else None

    def in_context(
        self,
        text: str,
        context: str,
        *,
        min_score: float | None = None,
        last_faq: str | None = None,
    ) -> FaqAnswer | None:
        """A sure FAQ answer within the conversation's topic, else None. The entry answered
        last gets a bonus: "信用信息有错怎么提异议" then "要多久" asks how long the objection
        takes, not how long credit repair does."""
        threshold = max(self.t.faq_sure, min_score or 0.0)
        bonus = self.t.last_answer_bonus
        floor = max(threshold - bonus, 0.0)
        found = self.knowledge.search_faqs(text, topic=context, limit=4, min_score=floor)

        def score(pair: tuple[FaqEntry, Hit]) -> float:
            return pair[1].score + (bonus if last_faq and pair[0].key == last_faq else 0.0)

        found = [p for p in sorted(found, key=score, reverse=True) if score(p) >= threshold]
        if not found:
            return None
        best = found[0]
        faq = best[0]
        close = tuple(f for f, h in found[1:3] if score(best) - score((f, h)) < self.t.faq_margin)
        evidence = Evidence("context", faq_score=score(best), context=context)
        return FaqAnswer(faq.topic, faq, evidence, close=close)

    def find(
        self,
        text: str,
        topic: str,
        *,
        with_items: bool = True,
        min_score: float | None = None,
        context: str | None = None,
        last_faq: str | None = None,
    ) -> Decision | None:
        """The best FAQ entry or item for the text; candidates when none is sure enough; None
        when nothing fits. With a conversation topic, a sure answer within it comes first."""
        if not text:
            return None
        if context:
            found = self.in_context(text, context, min_score=min_score, last_faq=last_faq)
            if found is not None:
                return found
        t = self.t
        threshold = MIN_SCORE if min_score is None else min_score
        cue = t.penalty_bonus if self.lexicon.has_cue("penalty", text) else 0.0

        def faq_score(pair: tuple[FaqEntry, Hit]) -> float:
            return pair[1].score + (t.topic_bonus if pair[0].topic == topic else 0.0)

        def item_score(pair: tuple[NoPenaltyItem, Hit]) -> float:
            bonus = t.topic_bonus if self.item_in_topic(pair[0], topic) else 0.0
            return pair[1].score + bonus + cue

        faqs = sorted(
            self.knowledge.search_faqs(text, limit=5, min_score=threshold),
            key=faq_score,
            reverse=True,
        )
        items = (
            sorted(
                self.knowledge.search_items(text, limit=4, min_score=threshold),
                key=item_score,
                reverse=True,
            )
            if with_items
            else []
        )
        if not faqs and not items:
            return None
        best_faq = faqs[0] if faqs else None
        best_item = items[0] if items else None
        best_scores = (
            faq_score(best_faq) if best_faq else 0.0,
            item_score(best_item) if best_item else 0.0,
        )

        def evidence(rule: str) -> Evidence:
            return Evidence(rule, *best_scores)

        related = (best_item[0],) if best_item and best_item[1].score >= t.related_item else ()
        if best_faq and best_faq[1].ngram >= t.exact_faq:
            faq = best_faq[0]
            return FaqAnswer(faq.topic, faq, evidence("exact"), related_items=related)
        # Once someone was hurt (lexicon cue "harm"), no minor-violation item can be the
        # answer: an FAQ entry answers, or the items are only offered as choices.
        harm = self.lexicon.has_cue("harm", text)
        if best_item and harm and best_faq is None:
            return Choices(topic, tuple(i for i, _ in items[:3]), evidence("harm"))
        if (
            best_item
            and not harm
            and (
                best_faq is None
                or item_score(best_item) >= faq_score(best_faq) + (0.0 if cue else t.item_over_faq)
            )
        ):
            item, hit = best_item
            if hit.score < t.item_sure:
                return Choices(topic, tuple(i for i, _ in items[:3]), evidence("item"))
            others = tuple(i for i, _ in items[1:4])
            return ItemAnswer(self.topic_of_item(item, topic), item, evidence("item"), others)
        assert best_faq is not None
        faq, hit = best_faq
        if hit.score < t.faq_sure:
            return Choices(topic, tuple(f for f, _ in faqs[:3]), evidence("faq"))
        # Runners-up nearly as good are offered first under the answer ("您是不是想问").
        close = tuple(
            pair[0] for pair in faqs[1:3] if faq_score(best_faq) - faq_score(pair) < t.faq_margin
        )
        return FaqAnswer(faq.topic, faq, evidence("faq"), related_items=related, close=close)


def _with_rule(decision: Decision, rule: str) -> Decision:
    """The decision, its evidence marked with the rule that let it through."""
    return replace(decision, evidence=replace(decision.evidence, rule=rule))
