"""The answering service decides from the turn (text, intent, conversation) alone; the
snapshot it reads follows staff edits without blocking a turn."""

from __future__ import annotations

from sqlalchemy.orm import Session

from knowledge import repositories
from knowledge.answering import (
    AnsweringService,
    Choices,
    FaqAnswer,
    ItemAnswer,
    NoAnswer,
    Turn,
)
from knowledge.models import FaqEntry
from knowledge.snapshot import SnapshotStore, snapshot


def answer(session: Session, turn: Turn) -> object:
    return AnsweringService(snapshot(session)).answer(turn)


def test_a_topic_question_gets_its_faq_entry_with_evidence(session: Session) -> None:
    decision = answer(session, Turn("狗证怎么办", "ask_pet_registration", 0.95))
    assert isinstance(decision, FaqAnswer)
    assert decision.faq.key == "dog-registration-how"
    assert decision.topic == "dog"
    assert decision.evidence.faq_score > 0.35


def test_a_confident_out_of_scope_message_is_not_ours(session: Session) -> None:
    decision = answer(session, Turn("社保怎么交", "out_of_scope", 0.95))
    assert isinstance(decision, NoAnswer)
    assert decision.reason == "out_of_scope"


def test_out_of_scope_on_its_own_but_not_in_the_conversation(session: Session) -> None:
    """ "去哪里办" after a dog answer is about the dog licence, whatever the NLU thought."""
    turn = Turn("去哪里办", "out_of_scope", 0.95, last_topic="dog")
    decision = answer(session, turn)
    assert isinstance(decision, FaqAnswer)
    assert decision.faq.topic == "dog"


def test_a_strong_match_rescues_a_message_the_nlu_could_not_place(session: Session) -> None:
    ranking = (("nlu_fallback", 0.45), ("ask_credit_repair", 0.40))
    decision = answer(session, Turn("什么是三书同达", "nlu_fallback", 0.45, ranking))
    assert isinstance(decision, FaqAnswer)
    assert "三书同达" in decision.faq.question
    assert decision.evidence.rule == "rescue"


def test_a_detail_without_a_conversation_has_nothing_to_follow(session: Session) -> None:
    decision = answer(session, Turn("要带什么材料", "ask_detail", 0.9))
    assert isinstance(decision, NoAnswer)
    assert decision.reason == "no_context"


def test_a_detail_never_answers_from_another_topic(session: Session) -> None:
    decision = answer(session, Turn("多久能办下来", "ask_detail", 0.9, last_topic="dog"))
    assert isinstance(decision, FaqAnswer | Choices), decision  # not a plain "no answer"
    if isinstance(decision, FaqAnswer):
        assert decision.faq.topic == "dog"
    if isinstance(decision, Choices):
        assert all(isinstance(c, FaqEntry) and c.topic == "dog" for c in decision.choices)


def test_the_nlus_follow_up_guess_is_read_with_the_last_item(session: Session) -> None:
    item = repositories.get_item_by_code(session, code="REF-009")
    assert item is not None
    ranking = (("nlu_fallback", 0.40), ("ask_fine", 0.38))
    turn = Turn("我今天就收进去 还罚伐", "nlu_fallback", 0.40, ranking, last_item_id=item.id)
    decision = answer(session, turn)
    assert isinstance(decision, ItemAnswer)
    assert decision.item.code == "REF-009"
    assert decision.aspect == "fine"


def test_a_report_shows_what_the_rule_says_about_the_matter(session: Session) -> None:
    decision = answer(session, Turn("楼上邻居的狗天天半夜叫 吵死了 我要投诉", "report_issue", 0.9))
    assert isinstance(decision, FaqAnswer | ItemAnswer | Choices)
    if isinstance(decision, ItemAnswer):
        assert decision.aspect == "related"


def test_without_the_nlu_the_whole_knowledge_base_answers(session: Session) -> None:
    decision = answer(session, Turn("在电线杆上贴小广告会罚款吗"))
    assert isinstance(decision, ItemAnswer)
    assert "张贴" in decision.item.behavior


def test_the_snapshot_holds_copies_no_session_can_change(fresh_session: Session) -> None:
    faq = repositories.get_faq(fresh_session, key="dog-registration-how")
    assert faq is not None
    before = snapshot(fresh_session).faq("dog-registration-how")
    assert before is not None
    faq.answer = "改过的答复"  # not flushed: the snapshot must not see it
    assert before.answer != "改过的答复"


def test_an_edit_is_indexed_in_the_background_while_turns_go_on(fresh_session: Session) -> None:
    """With no time to wait, a turn answers from the old snapshot while the new one is
    built; once built, the next turn sees the edit."""
    store = SnapshotStore(wait=0.0)
    old = store.get(fresh_session)
    item = repositories.get_item_by_code(fresh_session, code="REF-059")
    assert item is not None
    item.aliases = [*item.aliases, "鹦鹉学舌"]
    item.updated_by = "staff:tester"
    fresh_session.flush()
    during = store.get(fresh_session)
    assert during is old  # the rebuild has not finished: nothing blocked
    store.wait = 60.0
    after = store.get(fresh_session)
    assert after is not old
    assert [i.code for i, _ in after.search_items("鹦鹉学舌", limit=1)] == ["REF-059"]


def test_a_penalty_question_right_after_a_card_is_about_that_item(session: Session) -> None:
    item = repositories.get_item_by_code(session, code="REF-013")
    assert item is not None
    ranking = (("nlu_fallback", 0.40), ("ask_no_penalty", 0.30))
    turn = Turn("我马上撕掉还罚伐", "nlu_fallback", 0.40, ranking, last_item_id=item.id)
    decision = answer(session, turn)
    assert isinstance(decision, ItemAnswer)
    assert (decision.item.code, decision.aspect) == ("REF-013", "fine")


def test_a_consequence_after_an_faq_answer_names_its_item(session: Session) -> None:
    """ "怎么办狗证" then "那不办会咋样": the fine for not registering, not another dog rule."""
    turn = Turn(
        "那不办会咋样", "ask_fine", 0.8, last_topic="dog", last_faq_key="dog-registration-how"
    )
    decision = answer(session, turn)
    assert isinstance(decision, ItemAnswer)
    assert "登记" in decision.item.behavior


def test_a_party_after_a_card_asks_the_clause_for_them(session: Session) -> None:
    item = repositories.get_item_by_code(session, code="REF-036")
    assert item is not None
    turn = Turn("单位呢", "ask_detail", 0.8, last_topic="no_penalty", last_item_id=item.id)
    decision = answer(session, turn)
    assert isinstance(decision, ItemAnswer)
    assert (decision.item.code, decision.aspect) == ("REF-036", "fine")


def test_a_detail_naming_another_matter_after_a_card_gets_that_card(session: Session) -> None:
    # After the card for parking on a community lawn, "那堵消防车通道的呢" asks about
    # another matter: its card, not the topic's overview.
    lawn = repositories.get_item_by_code(session, code="REF-052")
    assert lawn is not None
    decision = answer(
        session,
        Turn(
            "那在消防车通道上停车堆东西的呢",
            intent="ask_detail",
            last_topic="no_penalty",
            last_item_id=lawn.id,
        ),
    )
    assert isinstance(decision, ItemAnswer) and decision.aspect == "card"
    assert "消防车通道" in decision.item.behavior
