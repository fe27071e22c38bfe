"""Which answer a message gets: an FAQ entry, a no-penalty item, a short list of candidates,
or nothing. Pure decisions over the knowledge base; the actions only turn them into replies.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from knowledge.models import FaqEntry, NoPenaltyItem
from knowledge.search import MIN_SCORE, Hit, faq_topics_named, search_faqs, search_items
from knowledge.text import get_lexicon, search_text
from knowledge.topics import GENERAL, registry

# A FAQ phrasing matched this closely is the question itself (e.g. a 猜你想问 button).
EXACT_FAQ = 0.9
# Bonus for a result that belongs to the topic the NLU recognised.
TOPIC_BONUS = 0.08
# Bonus for an item when the message asks whether one will be punished (lexicon cue
# "penalty"): then the item card answers better than a how-to FAQ entry.
PENALTY_BONUS = 0.15
# An item this close to a FAQ answer is offered as a button under it.
RELATED_ITEM_SCORE = 0.40
# Below these scores (or with a runner-up this close) the assistant offers candidates
# ("您是不是想问") instead of answering.
ITEM_SURE = 0.42
FAQ_SURE = 0.35
FAQ_MARGIN = 0.04
# A question this short that names no topic of its own ("要几天能下来", "去哪里办") is read in
# the topic of the conversation so far.
CONTEXT_MAX_CHARS = 20

Choice = FaqEntry | NoPenaltyItem


@dataclass
class Answer:
    kind: str  # "faq" | "item" | "choices"
    topic: str
    faq: FaqEntry | None = None
    item: NoPenaltyItem | None = None
    # Other items worth offering: the runners-up of an item answer, or for a FAQ answer the
    # item that matches the described behaviour.
    alternatives: list[NoPenaltyItem] = field(default_factory=list)
    # "choices": the questions or behaviours the user may mean (no answer sure enough);
    # "faq": runners-up nearly as good as the answer.
    choices: list[Choice] = field(default_factory=list)


def item_in_topic(item: NoPenaltyItem, topic: str, *, named_only: bool = False) -> bool:
    spec = registry().get(topic)
    return spec is not None and spec.owns_item_domain(item.domain, named_only=named_only)


def context_topic(session: Session, text: str, last_topic: str | None) -> str | None:
    """The conversation's topic, when the message is a short question that does not name
    another one: "怎么办狗证" then "要几天能下来" asks how long the dog licence takes."""
    if not text or not last_topic or last_topic == GENERAL:
        return None
    if len(search_text(text)) > CONTEXT_MAX_CHARS:
        return None
    named = faq_topics_named(session, text)
    return last_topic if not named or named == {last_topic} else None


def answer_in_context(
    session: Session, text: str, context: str, *, min_score: float | None = None
) -> Answer | None:
    """A sure FAQ answer within the conversation's topic, else None."""
    threshold = max(FAQ_SURE, min_score or 0.0)
    in_context = search_faqs(session, text, topic=context, limit=3, min_score=threshold)
    if not in_context:
        return None
    faq, hit = in_context[0]
    close: list[Choice] = [f for f, h in in_context[1:3] if hit.score - h.score < FAQ_MARGIN]
    return Answer("faq", faq.topic, faq=faq, choices=close)


def find_answer(
    session: Session,
    text: str,
    topic: str,
    *,
    with_items: bool = True,
    min_score: float | None = None,
    context: str | None = None,
) -> Answer | None:
    """The best FAQ entry or no-penalty item for the text; a short list of candidates when
    none is sure enough; None when nothing fits. With a conversation topic (`context`), a
    sure answer within that topic comes first."""
    if not text:
        return None
    if context:
        answer = answer_in_context(session, text, context, min_score=min_score)
        if answer is not None:
            return answer
    threshold = MIN_SCORE if min_score is None else min_score
    cue = PENALTY_BONUS if get_lexicon().has_cue("penalty", text) else 0.0

    def faq_score(pair: tuple[FaqEntry, Hit]) -> float:
        return pair[1].score + (TOPIC_BONUS if pair[0].topic == topic else 0.0)

    def item_score(pair: tuple[NoPenaltyItem, Hit]) -> float:
        bonus = TOPIC_BONUS if item_in_topic(pair[0], topic) else 0.0
        return pair[1].score + bonus + cue

    faqs = sorted(
        search_faqs(session, text, limit=5, min_score=threshold), key=faq_score, reverse=True
    )
    items = (
        sorted(
            search_items(session, text, limit=4, min_score=threshold), key=item_score, reverse=True
        )
        if with_items
        else []
    )
    if not faqs and not items:
        return None
    best_faq = faqs[0] if faqs else None
    best_item = items[0] if items else None
    related = [best_item[0]] if best_item and best_item[1].score >= RELATED_ITEM_SCORE else []
    if best_faq and best_faq[1].ngram >= EXACT_FAQ:
        faq = best_faq[0]
        return Answer("faq", faq.topic, faq=faq, alternatives=related)
    # Once someone was hurt (lexicon cue "harm"), no minor-violation item can be the answer:
    # an FAQ entry answers, or the items are only offered as choices.
    harm = get_lexicon().has_cue("harm", text)
    if best_item and harm and best_faq is None:
        return Answer("choices", topic, choices=[i for i, _ in items[:3]])
    if (
        best_item
        and not harm
        and (best_faq is None or item_score(best_item) >= faq_score(best_faq))
    ):
        item, hit = best_item
        if hit.score < ITEM_SURE:
            return Answer("choices", topic, choices=[i for i, _ in items[:3]])
        others = [i for i, _ in items[1:4]]
        return Answer("item", topic, item=item, alternatives=others)
    assert best_faq is not None
    faq, hit = best_faq
    if hit.score < FAQ_SURE:
        return Answer("choices", topic, choices=[f for f, _ in faqs[:3]])
    # Runners-up nearly as good are offered first under the answer ("您是不是想问").
    close: list[Choice] = [
        pair[0] for pair in faqs[1:3] if faq_score(best_faq) - faq_score(pair) < FAQ_MARGIN
    ]
    return Answer("faq", faq.topic, faq=faq, alternatives=related, choices=close)
