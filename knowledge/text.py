"""Chinese text processing: normalisation, jieba segmentation inside a spaCy `zh` pipeline,
stop words, synonym normalisation and domain-term matching.

One analyser is shared by the search index and the NLU export so that the Rasa model and
the knowledge search segment text the same way.
"""

from __future__ import annotations

import html
import logging
import re
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from knowledge import DATA_DIR

_TAG_RE = re.compile(r"<[^>]{0,200}>")
_SPACE_RE = re.compile(r"\s+")
# Characters that carry no meaning for search: emoji, symbols, punctuation.
_KEEP_CATEGORIES = ("L", "N")

# Stop words of spaCy's Chinese list that still matter for this domain's search.
# Longer "terms" are phrases, not words: jieba should still split them.
MAX_TERM_LENGTH = 6
# Segmentations kept per analyser (messages and stored phrasings).
SEGMENT_CACHE = 4096
# Question words tell "where" from "how much" from "who" (哪里办 / 多少钱 / 找谁): they matter
# for matching questions, not for matching a described behaviour.
QUESTION_WORDS = frozenset({"哪里", "多少", "谁", "几"})
_KEEP_WORDS = frozenset({"第一次", "第二次", "首次", "初次", "再次", "罚", "不罚"}) | QUESTION_WORDS
# Spellings of one question word, so "去哪申请" meets "去哪里申请".
_QUESTION_WORDS = {"哪": "哪里", "哪儿": "哪里", "在哪": "哪里"}


def clean_text(text: str) -> str:
    """Normalise user text for display and processing: NFKC (full-width to half-width),
    HTML tags and entities removed, whitespace collapsed."""
    text = unicodedata.normalize("NFKC", text)
    text = html.unescape(_TAG_RE.sub(" ", text))
    return _SPACE_RE.sub(" ", text).strip()


def search_text(text: str) -> str:
    """Lower-cased text with only letters and digits kept (emoji and punctuation dropped)."""
    text = clean_text(text).lower()
    return "".join(ch for ch in text if unicodedata.category(ch)[0] in _KEEP_CATEGORIES)


@dataclass(frozen=True)
class Lexicon:
    """knowledge/data/lexicon.yaml: every word list that steers the assistant."""

    terms: tuple[str, ...]
    synonyms: dict[str, str] = field(default_factory=dict)  # variant -> canonical
    topic_terms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    cues: dict[str, tuple[str, ...]] = field(default_factory=dict)
    form_fields: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path = DATA_DIR / "lexicon.yaml") -> Lexicon:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        variants: dict[str, str] = {}
        for canonical, words in (data.get("synonyms") or {}).items():
            for word in words:
                variants[str(word).lower()] = str(canonical)

        def lists(key: str) -> dict[str, tuple[str, ...]]:
            return {str(k): tuple(str(w) for w in v) for k, v in (data.get(key) or {}).items()}

        return cls(
            terms=tuple(str(t) for t in data.get("terms") or ()),
            synonyms=variants,
            topic_terms=lists("topic_terms"),
            cues=lists("cues"),
            form_fields=lists("form_fields"),
        )

    def has_cue(self, name: str, text: str) -> bool:
        """Whether the text contains one of the cue words of that name."""
        return any(w in text for w in self.cues[name])

    def dictionary_words(self) -> list[str]:
        words = set(self.terms) | set(self.synonyms) | set(self.synonyms.values())
        words |= {t for terms in self.topic_terms.values() for t in terms}
        return sorted(w for w in words if len(w) > 1)


@lru_cache(maxsize=1)
def get_lexicon() -> Lexicon:
    return Lexicon.load()


class Analyzer:
    """spaCy `zh` pipeline with the jieba segmenter and the domain dictionary."""

    def __init__(self, lexicon: Lexicon | None = None, extra_words: Iterable[str] = ()) -> None:
        import jieba
        import spacy
        from spacy.matcher import PhraseMatcher

        jieba.setLogLevel(logging.WARNING)
        self.lexicon = lexicon or get_lexicon()
        self._lock = threading.Lock()
        self.nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
        self.stop_words = frozenset(self.nlp.Defaults.stop_words) - _KEEP_WORDS
        self._jieba = jieba
        # Recent segmentations (the words a message or a stored phrasing splits into).
        self._segmented = lru_cache(maxsize=SEGMENT_CACHE)(self._segment)
        self.add_words([*self.lexicon.dictionary_words(), *extra_words])
        self.topic_matcher = PhraseMatcher(self.nlp.vocab)
        for topic, terms in self.lexicon.topic_terms.items():
            self.topic_matcher.add(topic, [self.nlp.make_doc(search_text(t)) for t in terms])

    def add_words(self, words: Iterable[str]) -> None:
        """Teach the segmenter domain words (aliases, town names) so they stay whole."""
        self._segmented.cache_clear()
        for word in words:
            word = search_text(word)
            if 1 < len(word) <= MAX_TERM_LENGTH:
                # A high frequency makes jieba prefer the whole word over its parts.
                self._jieba.add_word(word, freq=20000)

    def words(self, text: str) -> list[str]:
        """All word tokens of the text (letters and digits only), synonyms normalised.
        A message is segmented once however many signals and indexes look at it."""
        return list(self._segmented(search_text(text)))

    def _segment(self, text: str) -> tuple[str, ...]:
        if not text:
            return ()
        with self._lock:  # jieba's lazy init and add_word are not thread-safe
            doc = self.nlp.make_doc(text)
        synonyms = self.lexicon.synonyms
        return tuple(
            _QUESTION_WORDS.get(t.text) or synonyms.get(t.text, t.text)
            for t in doc
            if t.text.strip()
        )

    def _is_content(self, word: str, questions: bool) -> bool:
        return word not in self.stop_words and (questions or word not in QUESTION_WORDS)

    def content_words(self, text: str, *, questions: bool = True) -> list[str]:
        """Word tokens without stop words: what a search should match on (question words
        only when `questions`)."""
        return [w for w in self.words(text) if self._is_content(w, questions)]

    def expand(self, words: list[str], *, questions: bool = True) -> list[str]:
        """The words plus the dictionary words inside the longer ones ("search mode"),
        so that "马路边" also matches "路边" and "电线杆" matches "电线"."""
        freq = self._jieba.dt.FREQ
        expanded = list(words)
        for word in words:
            for size in range(2, len(word)):
                for i in range(len(word) - size + 1):
                    part = word[i : i + size]
                    if freq.get(part) and self._is_content(part, questions):
                        expanded.append(self.lexicon.synonyms.get(part, part))
        return expanded

    def search_words(self, text: str, *, questions: bool = True) -> list[str]:
        """Content words plus the dictionary words inside them (see `expand`)."""
        return self.expand(self.content_words(text, questions=questions), questions=questions)

    def topic_of(self, text: str) -> str | None:
        """The topic whose terms the text mentions most, if any ("犬牌丢了" → dog)."""
        with self._lock:
            doc = self.nlp.make_doc(search_text(text))
        counts: dict[str, int] = {}
        for match_id, _, _ in self.topic_matcher(doc):
            label = self.nlp.vocab.strings[match_id]
            counts[label] = counts.get(label, 0) + 1
        return max(counts, key=lambda t: counts[t]) if counts else None


def char_ngrams(text: str, sizes: tuple[int, ...] = (2,)) -> list[str]:
    text = search_text(text)
    if len(text) < min(sizes):
        return [text] if text else []
    grams: list[str] = []
    for n in sizes:
        grams.extend(text[i : i + n] for i in range(len(text) - n + 1))
    return grams


@lru_cache(maxsize=1)
def get_analyzer() -> Analyzer:
    return Analyzer()
