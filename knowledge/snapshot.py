"""The knowledge an answer is decided from, held in memory: the active items, FAQ entries and
topics, and their search indexes.

A process keeps one snapshot per database. Each turn asks the database one question, the
knowledge's version (counts and last changes of the three tables, and today's date for FAQ
entries with a validity period); while it is unchanged, answering touches no table. When staff
change something, the rows are read again (cheap) and the indexes rebuilt on a background
thread (a rebuild trains the learned signal: seconds); the new snapshot replaces the old one
at once when it is ready. A turn waits for a rebuild at most `FRESH_WAIT` seconds and answers
from the old snapshot after that, so an edit is live at the next turn as a rule and never
stalls the chat. An edit to a field the search does not read (an FAQ entry's source or related
entries, an item's fine, a topic) reuses the indexes already built and is live at once.
The rows are copied out of the session: a snapshot is plain data that no session can expire
or flush.
"""

from __future__ import annotations

import copy
import datetime as dt
import threading
from collections.abc import Hashable, Iterable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from functools import cached_property
from typing import Any, TypeVar

from sqlalchemy import func, inspect, select
from sqlalchemy.orm import Session

from knowledge import repositories
from knowledge.models import FaqEntry, NoPenaltyItem, Topic
from knowledge.search import MIN_SCORE, Hit, HybridIndex, SearchDoc

# Seconds a turn waits for the indexes of changed knowledge before answering from the old ones.
FRESH_WAIT = 5.0
# Indexes kept by their documents, so an edit undone or a second database with the same
# knowledge (tests, benchmarks) does not train the learned signal again.
KEEP_INDEXES = 4

Row = TypeVar("Row", NoPenaltyItem, FaqEntry, Topic)


def detached_copy(row: Row) -> Row:
    """A transient copy of the row's columns (lists and dicts copied too)."""
    values = {
        attr.key: copy.deepcopy(getattr(row, attr.key)) for attr in inspect(type(row)).column_attrs
    }
    return type(row)(**values)


def knowledge_version(session: Session) -> tuple[object, ...]:
    """One statement: what changes whenever an item, FAQ entry or topic does."""

    def probe(model: type[NoPenaltyItem] | type[FaqEntry] | type[Topic]) -> list[Any]:
        return [
            select(func.count(model.id)).scalar_subquery(),
            select(func.max(model.updated_at)).scalar_subquery(),
            select(func.max(model.id)).scalar_subquery(),
        ]

    row = session.execute(select(*probe(NoPenaltyItem), *probe(FaqEntry), *probe(Topic))).one()
    return (*tuple(row), dt.date.today())


def item_docs(items: Iterable[NoPenaltyItem]) -> list[SearchDoc]:
    return [
        SearchDoc(
            key=item.id,
            text=f"{item.behavior} {item.domain} {item.legal_basis}",
            phrasings=(item.behavior, *(item.aliases or [])),
            group=item.domain,
        )
        for item in items
    ]


def faq_docs(faqs: Iterable[FaqEntry]) -> list[SearchDoc]:
    return [
        SearchDoc(
            key=faq.id,
            # The answer's words help a question phrased unlike any stored phrasing.
            text=f"{faq.question} {faq.answer}",
            phrasings=(faq.question, *(faq.alt_questions or [])),
            group=faq.topic,
        )
        for faq in faqs
    ]


@dataclass(frozen=True, eq=False)
class KnowledgeSnapshot:
    version: Hashable
    items: Mapping[int, NoPenaltyItem]  # active items, in list order
    faqs: Mapping[int, FaqEntry]  # entries in force today
    topics: Mapping[str, Topic]
    item_index: HybridIndex
    faq_index: HybridIndex

    def item(self, item_id: int) -> NoPenaltyItem | None:
        return self.items.get(item_id)

    @cached_property
    def _by_key(self) -> dict[str, FaqEntry]:
        return {f.key: f for f in self.faqs.values()}

    def faq(self, key: str) -> FaqEntry | None:
        return self._by_key.get(key)

    def faqs_for(self, keys: Sequence[str]) -> list[FaqEntry]:
        """The entries for these keys, in the given order (unknown keys skipped)."""
        return [self._by_key[k] for k in keys if k in self._by_key]

    def topic(self, key: str) -> Topic | None:
        return self.topics.get(key)

    def search_items(
        self,
        query: str,
        *,
        domain: str | None = None,
        business_type: str | None = None,
        limit: int = 5,
        min_score: float = MIN_SCORE,
    ) -> list[tuple[NoPenaltyItem, Hit]]:
        hits = self.item_index.search(query, limit=max(limit * 4, 20), min_score=min_score)
        found = [(self.items[int(str(h.key))], h) for h in hits]
        kept = [pair for pair in found if repositories.item_matches(pair[0], domain, business_type)]
        return kept[:limit]

    def search_faqs(
        self,
        query: str,
        *,
        topic: str | None = None,
        limit: int = 3,
        min_score: float = MIN_SCORE,
    ) -> list[tuple[FaqEntry, Hit]]:
        hits = self.faq_index.search(query, limit=limit, group=topic, min_score=min_score)
        return [(self.faqs[int(str(h.key))], h) for h in hits]

    def faq_topics_named(self, query: str) -> set[str]:
        """The FAQ topics the query's own words point to (see HybridIndex.named_groups)."""
        return self.faq_index.named_groups(query)


class SnapshotStore:
    """The process's snapshots, one per database URL (see the module docstring)."""

    def __init__(self, wait: float = FRESH_WAIT) -> None:
        self.wait = wait
        self._lock = threading.Lock()
        self._current: dict[str, KnowledgeSnapshot] = {}
        self._indexes: dict[tuple[Hashable, ...], HybridIndex] = {}
        self._building: dict[tuple[Hashable, ...], Future[HybridIndex]] = {}
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="knowledge-index")

    def get(self, session: Session) -> KnowledgeSnapshot:
        url = session.get_bind().engine.url.render_as_string(hide_password=False)
        version = knowledge_version(session)
        with self._lock:
            current = self._current.get(url)
        if current is not None and current.version == version:
            return current
        items = {i.id: detached_copy(i) for i in repositories.active_items(session)}
        faqs = {f.id: detached_copy(f) for f in repositories.active_faqs(session)}
        topics = {t.topic: detached_copy(t) for t in session.scalars(select(Topic))}
        item_future = self._index(item_docs(items.values()), question_words=False)
        faq_future = self._index(faq_docs(faqs.values()), question_words=True)
        timeout = None if current is None else self.wait
        try:
            item_index = item_future.result(timeout=timeout)
            faq_index = faq_future.result(timeout=timeout)
        except FutureTimeout:
            assert current is not None
            return current  # the rebuild goes on; a later turn picks it up
        snapshot = KnowledgeSnapshot(version, items, faqs, topics, item_index, faq_index)
        with self._lock:
            self._current[url] = snapshot
        return snapshot

    def _index(self, docs: list[SearchDoc], *, question_words: bool) -> Future[HybridIndex]:
        content: tuple[Hashable, ...] = (question_words, *docs)
        with self._lock:
            index = self._indexes.get(content)
            if index is not None:
                done: Future[HybridIndex] = Future()
                done.set_result(index)
                return done
            future = self._building.get(content)
            if future is None:
                future = self._executor.submit(self._build, content, docs, question_words)
                self._building[content] = future
            return future

    def _build(
        self, content: tuple[Hashable, ...], docs: list[SearchDoc], question_words: bool
    ) -> HybridIndex:
        try:
            index = HybridIndex(docs, question_words=question_words)
            with self._lock:
                while len(self._indexes) >= KEEP_INDEXES:
                    self._indexes.pop(next(iter(self._indexes)))
                self._indexes[content] = index
            return index
        finally:
            with self._lock:
                self._building.pop(content, None)

    def clear(self) -> None:
        with self._lock:
            self._current.clear()


store = SnapshotStore()


def snapshot(session: Session) -> KnowledgeSnapshot:
    return store.get(session)


def search_items(
    session: Session,
    query: str,
    *,
    domain: str | None = None,
    business_type: str | None = None,
    limit: int = 5,
    min_score: float = MIN_SCORE,
) -> list[tuple[NoPenaltyItem, Hit]]:
    """Items matching a description, best first, with their scores (self-check, /api/items)."""
    return store.get(session).search_items(
        query, domain=domain, business_type=business_type, limit=limit, min_score=min_score
    )


def search_faqs(
    session: Session,
    query: str,
    *,
    topic: str | None = None,
    limit: int = 3,
    min_score: float = MIN_SCORE,
) -> list[tuple[FaqEntry, Hit]]:
    return store.get(session).search_faqs(query, topic=topic, limit=limit, min_score=min_score)


def warm_up(session: Session) -> None:
    """Load the segmenter and build the snapshot now, so the first user does not wait."""
    store.get(session).search_items("预热")
