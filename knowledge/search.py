"""Ranked search over no-penalty items and FAQ entries.

Each document has a main text and a list of short phrasings (aliases for items, alternative
questions for FAQs). A query is scored by three signals, all computed on the same jieba
segmentation (domain dictionary, synonyms normalised):

* BM25 over word tokens (bm25s), normalised by the best hit: ranks documents;
* IDF-weighted word coverage: the share of the query's content words the document contains;
* character n-gram similarity: the best Dice overlap of character uni/bigrams between the
  query and any one phrasing, which catches typos and words jieba splits differently.

The two bounded signals (coverage, n-grams) decide whether anything was found at all, so a
query about something the knowledge base does not hold returns nothing instead of a guess.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

import bm25s
import numpy as np

from knowledge.learned import PhrasingClassifier, trainable
from knowledge.text import Analyzer, char_ngrams, get_analyzer

# Weights of the signals and the minimum combined score for a hit. Tuned on
# bench/data/search_dev.yaml and FAQ leave-one-out (`python -m bench.tune_search`), never on
# the held-out retrieval set.
W_COVERAGE = 0.0
W_CHARS = 0.40
W_NGRAM = 0.50
W_BM25 = 0.10
# The learned signal (knowledge/learned.py) is added with this weight and the sum rescaled to
# 0–1, so a document every signal agrees on still scores 1.
W_LEARNED = 0.5
MIN_SCORE = 0.28
UNKNOWN_WEIGHT = 0.25
# A word "names" a group (a FAQ topic, an item domain) when at least this share of the
# documents that contain it belong to that group: "狗证" names dog, "多久" and "办" name
# nothing.
ANCHOR_SHARE = 0.75


@dataclass(frozen=True)
class SearchDoc:
    key: Hashable
    text: str
    phrasings: tuple[str, ...] = ()
    group: str = ""  # e.g. the item's domain or the FAQ's topic, for filtering


@dataclass(frozen=True)
class Hit:
    key: Hashable
    score: float
    bm25: float
    coverage: float
    ngram: float


# (word coverage, character coverage, n-gram, BM25, learned) of a query for one document.
Signal = tuple[float, float, float, float, float]


@dataclass
class _Prepared:
    words: set[str]
    chars: set[str]
    phrasing_grams: list[Counter[str]] = field(default_factory=list)


class HybridIndex:
    def __init__(
        self,
        docs: Sequence[SearchDoc],
        analyzer: Analyzer | None = None,
        *,
        question_words: bool = True,
    ) -> None:
        """`question_words`: whether 哪里/多少/谁 count (for questions, not for behaviours)."""
        self.analyzer = analyzer or get_analyzer()
        self._questions = question_words
        self.docs = list(docs)
        corpus: list[list[str]] = []
        self._prepared: list[_Prepared] = []
        df: Counter[str] = Counter()
        char_df: Counter[str] = Counter()
        word_groups: dict[str, Counter[str]] = {}
        for doc in self.docs:
            tokens = self._search_words(doc.text)
            grams = []
            for phrasing in doc.phrasings:
                content = self._content_words(phrasing)
                tokens += self.analyzer.expand(content, questions=self._questions)
                grams.append(Counter(char_ngrams("".join(content))))
            corpus.append(tokens or ["_"])
            df.update(set(tokens))
            for word in set(tokens):
                word_groups.setdefault(word, Counter())[doc.group] += 1
            chars = set("".join(tokens))
            char_df.update(chars)
            self._prepared.append(_Prepared(words=set(tokens), chars=chars, phrasing_grams=grams))
        n = max(len(self.docs), 1)
        self._idf = {w: math.log(1 + n / c) for w, c in df.items()}
        self._char_idf = {c: math.log(1 + n / k) for c, k in char_df.items()}
        self._default_idf = math.log(1 + n)
        self._bm25 = bm25s.BM25()
        if self.docs:
            self._bm25.index(corpus, show_progress=False)
        self._vocab = set(df)
        phrasings = [doc.phrasings for doc in self.docs]
        self._learned = (
            PhrasingClassifier(phrasings, self._content_words) if trainable(phrasings) else None
        )
        # The group a word names on its own, if any (see named_groups).
        self._anchors: dict[str, str] = {}
        for word, groups in word_groups.items():
            group, count = groups.most_common(1)[0]
            if group and count / sum(groups.values()) >= ANCHOR_SHARE:
                self._anchors[word] = group

    def _content_words(self, text: str) -> list[str]:
        return self.analyzer.content_words(text, questions=self._questions)

    def _search_words(self, text: str) -> list[str]:
        return self.analyzer.search_words(text, questions=self._questions)

    def named_groups(self, query: str) -> set[str]:
        """The groups the query's words point to on their own ("狗证多久" → {dog});
        empty for a question that could belong anywhere ("要几天能下来")."""
        return {self._anchors[w] for w in self._content_words(query) if w in self._anchors}

    def signals(self, query: str) -> list[Signal]:
        """(word coverage, character coverage, n-gram, BM25, learned) of the query for every
        document, in document order."""
        content = self._content_words(query)
        q_words = self.analyzer.expand(content, questions=self._questions)
        q_grams = Counter(char_ngrams("".join(content)))
        if not self.docs or not q_words:
            return [(0.0, 0.0, 0.0, 0.0, 0.0)] * len(self.docs)
        learned = (
            self._learned.probabilities(query)
            if self._learned is not None
            else np.zeros(len(self.docs))
        )
        # A word or character no document contains cannot tell documents apart; it only
        # counts a little, so that a long description's framing ("城管说了会罚吗") does not
        # drown the words that matter.
        unknown = self._default_idf * UNKNOWN_WEIGHT
        q_chars = {c: self._char_idf.get(c, unknown) for c in "".join(content)}
        chars_total = sum(q_chars.values()) or 1.0
        known = [w for w in q_words if w in self._vocab]
        bm25 = (
            np.asarray(self._bm25.get_scores(known), dtype=float)
            if known
            else np.zeros(len(self.docs))
        )
        top = float(bm25.max()) if bm25.size else 0.0
        q_weights = {w: self._idf.get(w, unknown) for w in set(q_words)}
        q_total = sum(q_weights.values()) or 1.0
        result = []
        for i, prep in enumerate(self._prepared):
            coverage = sum(wt for w, wt in q_weights.items() if w in prep.words) / q_total
            char_cov = sum(wt for c, wt in q_chars.items() if c in prep.chars) / chars_total
            ngram = max((_dice(q_grams, g) for g in prep.phrasing_grams), default=0.0)
            # BM25 only re-ranks what the bounded signals found: normalised by the best hit
            # it would otherwise give a weak match full marks.
            bm = float(bm25[i]) / top * coverage if top > 0 else 0.0
            result.append((coverage, char_cov, ngram, bm, float(learned[i])))
        return result

    def search(
        self,
        query: str,
        limit: int = 5,
        group: str | None = None,
        min_score: float = MIN_SCORE,
        weights: tuple[float, float, float, float] = (W_COVERAGE, W_CHARS, W_NGRAM, W_BM25),
    ) -> list[Hit]:
        hits: list[Hit] = []
        for doc, signal in zip(self.docs, self.signals(query), strict=True):
            if group and doc.group != group:
                continue
            coverage, _, ngram, bm, _ = signal
            if coverage == 0 and ngram == 0:
                continue  # shared single characters alone are not evidence of a match
            score = combined(signal, weights)
            if score >= min_score and score > 0:
                hits.append(
                    Hit(doc.key, round(score, 4), round(bm, 4), round(coverage, 4), round(ngram, 4))
                )
        hits.sort(key=lambda h: h.score, reverse=True)
        return hits[:limit]


def combined(
    signal: Signal,
    weights: tuple[float, float, float, float] = (W_COVERAGE, W_CHARS, W_NGRAM, W_BM25),
    learned_weight: float = W_LEARNED,
) -> float:
    """The hit score: the weighted lexical signals plus the learned one, rescaled to 0–1."""
    lexical = sum(w * x for w, x in zip(weights, signal[:4], strict=True))
    return (lexical + learned_weight * signal[4]) / (1 + learned_weight)


def _dice(a: Counter[str], b: Counter[str]) -> float:
    """Dice overlap of two n-gram multisets, weighted towards how much of b the query covers.

    A short phrasing ("地锁") wholly inside a long query should count as a strong match, so
    the score is the larger of the plain Dice coefficient and the phrasing's recall scaled
    down a little for very short phrasings.
    """
    if not a or not b:
        return 0.0
    common = sum((a & b).values())
    size_a, size_b = sum(a.values()), sum(b.values())
    dice = 2 * common / (size_a + size_b)
    recall = common / size_b * min(1.0, size_b / 5)
    return max(dice, recall)
