"""The seed knowledge: complete, sourced, idempotent, and never overwriting staff edits."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from knowledge.models import ORIGIN_REFERENCE, FaqEntry, NoPenaltyItem, Topic, Town
from knowledge.seed import load_seed


def test_all_189_reference_items_with_sources(session: Session) -> None:
    items = session.scalars(
        select(NoPenaltyItem).where(NoPenaltyItem.origin == ORIGIN_REFERENCE)
    ).all()
    assert len(items) == 189
    for item in items:
        assert item.legal_basis.startswith("《"), item.code
        assert item.source, item.code
        assert "第三十三条" in item.conditions_text, item.code
        assert len(item.aliases) >= 6, item.code


def test_every_topic_has_an_overview_and_sourced_faq(session: Session) -> None:
    for topic in ("no_penalty", "outdoor_dining", "dog", "credit_repair", "checkup", "general"):
        row = session.scalar(select(Topic).where(Topic.topic == topic))
        assert row is not None and row.overview and row.source
        count = session.scalar(select(func.count()).where(FaqEntry.topic == topic))
        assert count and count >= 5
    for faq in session.scalars(select(FaqEntry)):
        assert faq.source, faq.key
        assert len(faq.alt_questions) >= 3, faq.key


def test_faq_related_keys_exist(session: Session) -> None:
    keys = set(session.scalars(select(FaqEntry.key)))
    for faq in session.scalars(select(FaqEntry)):
        assert set(faq.related) <= keys, faq.key
    for topic in session.scalars(select(Topic)):
        assert set(topic.suggestions) <= keys, topic.topic


def test_towns_include_short_names(session: Session) -> None:
    town = session.scalar(select(Town).where(Town.name == "织里镇"))
    assert town is not None and "织里" in town.short_names
    assert session.scalar(select(func.count()).select_from(Town)) == 19


def test_seed_is_idempotent_and_keeps_staff_edits(fresh_session: Session) -> None:
    faq = fresh_session.scalar(select(FaqEntry).where(FaqEntry.key == "dog-leash"))
    assert faq is not None
    faq.answer = "工作人员改过的答案"
    faq.updated_by = "staff:alice"
    fresh_session.flush()
    report = load_seed(fresh_session)
    assert not report.created
    assert report.kept_staff_edits.get("faq_entries") == 1
    fresh_session.refresh(faq)
    assert faq.answer == "工作人员改过的答案"
    assert fresh_session.scalar(select(func.count()).select_from(NoPenaltyItem)) == 189
