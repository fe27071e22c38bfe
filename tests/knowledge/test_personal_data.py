"""Phone numbers and credit codes never reach what staff read outside the booking itself: the
unanswered questions, the 👍/👎 with their comments, the turns kept for a reload."""

from __future__ import annotations

from core.db import session_scope
from knowledge import conversations, repositories

TYPED = "我手机13812345678，公司代码91110000600037341L，狗证咋办"


def test_an_unanswered_question_is_kept_masked(fresh_db_url: str) -> None:
    with session_scope(fresh_db_url) as session:
        entry = repositories.record_unanswered(
            session, text=TYPED, intent=None, confidence=None, reason="no_answer"
        )
        assert entry.text == "我手机138****5678，公司代码9111**********341L，狗证咋办"


def test_feedback_keeps_the_question_answer_and_comment_masked(fresh_db_url: str) -> None:
    with session_scope(fresh_db_url) as session:
        turn, _ = conversations.claim_turn(session, session_id="s", message_id="m", text=TYPED)
        conversations.finish_turn(
            session, turn.id, [{"type": "text", "text": "已为您登记 13812345678"}], model="m"
        )
        feedback = conversations.rate(
            session, session_id="s", message_id="m", rating="down", comment="打我 13812345678"
        )
        assert feedback is not None
        stored = " ".join([feedback.question, feedback.answer, feedback.comment, turn.text])
        assert "13812345678" not in stored and "91110000600037341L" not in stored
        assert stored.count("138****5678") == 4
