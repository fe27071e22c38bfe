"""Search finds what people describe in everyday words, and says so when it finds nothing."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from knowledge import repositories
from knowledge.search import HybridIndex, SearchDoc
from knowledge.snapshot import search_faqs, search_items, snapshot


@pytest.mark.parametrize(
    ("query", "code", "law"),
    [
        ("在路边电线杆上晾衣服", "REF-007", "第十四条第二款"),
        ("店门口摆了两张桌子", "REF-009", "第十七条第一款"),
        ("墙上贴小广告", None, "第二十"),  # REF-013 or REF-027: graffiti/posters, two regulations
        ("遛狗没拴绳", "REF-044", "第十一条"),
        ("车位上装地锁", "REF-025", "第十五条"),
        ("小区里烧树叶", None, None),  # REF-019 or REF-056
    ],
)
def test_everyday_descriptions_find_their_item(
    session: Session, query: str, code: str | None, law: str | None
) -> None:
    results = search_items(session, query, limit=3)
    assert results, f"nothing found for {query}"
    item, hit = results[0]
    if code:
        assert item.code == code
    if law:
        assert law in item.legal_basis
    assert 0 < hit.score <= 1


def test_burning_leaves_finds_a_burning_item(session: Session) -> None:
    item, _ = search_items(session, "小区里烧树叶", limit=1)[0]
    assert item.code in {"REF-019", "REF-056"}


@pytest.mark.parametrize("query", ["明天天气怎么样", "公积金怎么提取", "asdfgh", "🙂🙂🙂"])
def test_unrelated_queries_find_nothing(session: Session, query: str) -> None:
    assert search_items(session, query) == []


def test_domain_filter_keeps_only_that_domain(session: Session) -> None:
    results = search_items(session, "没拴绳 没清理粪便", domain="犬类管理", limit=5)
    assert results
    assert all(item.domain == "犬类管理" for item, _ in results)


def test_faq_search_finds_the_question_in_other_words(session: Session) -> None:
    (faq, _hit), *_ = search_faqs(session, "狗证怎么办")
    assert faq.topic == "dog"
    assert "登记" in faq.question


def test_faq_search_respects_topic(session: Session) -> None:
    results = search_faqs(session, "要多少钱", topic="credit_repair", limit=5)
    assert all(f.topic == "credit_repair" for f, _ in results)


def test_staff_edit_is_searchable_at_once(fresh_session: Session) -> None:
    """The index follows the data: an alias added now is found by the next search."""
    item = repositories.get_item_by_code(fresh_session, code="REF-059")
    assert item is not None
    assert search_items(fresh_session, "鹦鹉学舌") == []
    item.aliases = [*item.aliases, "鹦鹉学舌"]
    item.updated_by = "staff:tester"
    fresh_session.flush()
    after = [i.code for i, _ in search_items(fresh_session, "鹦鹉学舌", limit=3)]
    assert after[:1] == ["REF-059"]


def test_index_ranks_the_closest_phrasing_first() -> None:
    index = HybridIndex(
        [
            SearchDoc("a", "宠物粪便未清理", ("狗屎不捡",)),
            SearchDoc("b", "乱扔垃圾", ("随手扔垃圾",)),
        ]
    )
    hits = index.search("遛狗的时候狗屎没捡")
    assert [h.key for h in hits][:1] == ["a"]


@pytest.mark.parametrize(
    ("query", "topics"),
    [
        ("狗证过期了怎么办", {"dog"}),
        ("被罚了以后信用有影响吗", {"credit_repair"}),
        ("要几天能下来", set()),
        ("去哪里办", set()),
        ("多少钱", set()),
    ],
)
def test_a_question_names_a_topic_only_by_its_own_words(
    session: Session, query: str, topics: set[str]
) -> None:
    assert snapshot(session).faq_topics_named(query) == topics


def test_where_questions_find_the_where_answer(session: Session) -> None:
    """ "去哪申请" and "在哪儿申请" are one question: where to apply."""
    for query in ("在哪申请", "去哪儿申请"):
        hits = search_faqs(session, query, topic="credit_repair", limit=1)
        assert [f.key for f, _ in hits] == ["cr-where-apply"], query
