"""Unanswered questions grouped by similarity, so staff see the most asked gaps first.

Each question becomes a TF-IDF vector of its content words as the search reads them (the
analyzer's segmentation, the lexicon's synonyms — 狗证 is 犬证 — and no question words, which
every question shares); two questions at least SIMILARITY alike (cosine) are in one group, and so
are questions linked through others (single linkage: the order they came in does not
matter). Groups come largest first. This is lexical: two questions sharing their main words
("办狗证…") may be grouped though they ask different things; staff see every member first.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from scipy.sparse.csgraph import connected_components
from sklearn.feature_extraction.text import TfidfVectorizer

from knowledge.text import get_analyzer

# Cosine similarity at which two questions count as the same gap: "狗证多少钱" / "办狗证要多少钱"
# (0.66) and "社保怎么交" / "社保在哪交" (0.42) are above it, "狗证多少钱" / "外摆要多少钱" (0.34)
# below (tests/knowledge/test_grouping.py).
SIMILARITY = 0.40

T = TypeVar("T")


@dataclass
class Group(Generic[T]):
    members: list[T] = field(default_factory=list)

    @property
    def lead(self) -> T:
        return self.members[0]

    @property
    def count(self) -> int:
        return len(self.members)


def group_similar(
    entries: Sequence[T], text_of: Callable[[T], str], *, similarity: float = SIMILARITY
) -> list[Group[T]]:
    """Entries grouped by how alike their texts are, the largest group first (ties: the
    order the entries came in, e.g. newest first)."""
    if not entries:
        return []
    analyzer = get_analyzer()

    def words(text: str) -> list[str]:
        return analyzer.content_words(text, questions=False) or list(text)

    vectors = TfidfVectorizer(analyzer=words).fit_transform([text_of(e) for e in entries])
    linked = (vectors @ vectors.T) >= similarity
    _, labels = connected_components(linked, directed=False)
    groups: dict[int, Group[T]] = {}
    for entry, label in zip(entries, labels, strict=True):
        groups.setdefault(int(label), Group()).members.append(entry)
    return sorted(groups.values(), key=lambda g: -g.count)
