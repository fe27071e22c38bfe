"""Follow-ups use the conversation: "罚多少?", "依据是哪条?", "那第二次呢?"."""

from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from actions.followups import ActionFollowUp
from actions.replies import send_answer
from knowledge import repositories
from knowledge.answering import REPEAT_FAQ_KEY, Choices, Evidence
from knowledge.snapshot import snapshot
from tests.actions.conftest import Run, slot, texts_of


def _item_id(session: Session, code: str) -> str:
    item = repositories.get_item_by_code(session, code=code)
    assert item is not None
    return str(item.id)


def test_fine_of_the_item_in_context(run: Run, session: Session) -> None:
    item_id = _item_id(session, "REF-009")
    dispatcher, events = run(
        ActionFollowUp(), "罚多少?", "ask_fine", slots={"last_item_id": item_id}
    )
    text = texts_of(dispatcher)
    assert "100—1000元" in text
    assert "依据：《浙江省城市市容和环境卫生管理条例》第十七条第三款" in text
    assert slot(events, "last_item_id") == item_id


def test_legal_basis_of_the_item_in_context(run: Run, session: Session) -> None:
    item_id = _item_id(session, "REF-042")
    dispatcher, _ = run(
        ActionFollowUp(), "依据是哪条?", "ask_legal_basis", slots={"last_item_id": item_id}
    )
    text = texts_of(dispatcher)
    assert "《湖州市养犬管理规定》第十二条" in text


def test_second_violation_explains_the_policy_and_the_fine(run: Run, session: Session) -> None:
    item_id = _item_id(session, "REF-009")
    dispatcher, _ = run(
        ActionFollowUp(), "那第二次呢?", "ask_repeat_violation", slots={"last_item_id": item_id}
    )
    text = texts_of(dispatcher)
    repeat = repositories.get_faq(session, key=REPEAT_FAQ_KEY)
    assert repeat is not None and repeat.answer[:20] in text
    assert "100—1000元" in text


def test_follow_up_naming_a_behaviour_needs_no_context(run: Run) -> None:
    dispatcher, events = run(ActionFollowUp(), "狗没拴绳罚多少", "ask_fine")
    assert "50—200元" in texts_of(dispatcher)
    assert slot(events, "last_item_id")


def test_follow_up_without_context_asks_what_behaviour(run: Run) -> None:
    dispatcher, events = run(ActionFollowUp(), "罚多少", "ask_fine")
    assert "哪种行为" in texts_of(dispatcher)
    assert events == []


def test_follow_up_after_a_faq_uses_its_question(run: Run) -> None:
    dispatcher, _ = run(
        ActionFollowUp(),
        "不办的话罚多少",
        "ask_fine",
        slots={"last_faq_key": "dog-registration-how"},
    )
    assert "200—500元" in texts_of(dispatcher)


def test_second_violation_after_a_general_answer_names_no_unrelated_fine(run: Run) -> None:
    """After "车停人行道罚多少" the repeat-offence answer must not quote some other item's fine."""
    dispatcher, events = run(
        ActionFollowUp(),
        "那第二次呢",
        "ask_repeat_violation",
        slots={"last_faq_key": "gen-sidewalk-parking"},
    )
    text = texts_of(dispatcher)
    assert "首违" in text
    assert "元" not in text
    assert slot(events, "last_item_id") is None


def test_how_much_after_a_licence_question_asks_the_cost_not_the_fine(run: Run) -> None:
    dispatcher, events = run(
        ActionFollowUp(),
        "多少钱",
        "ask_fine",
        slots={"last_topic": "dog", "last_faq_key": "dog-registration-how"},
    )
    text = texts_of(dispatcher)
    assert "200—500元" not in text  # the fine for not registering is not the answer
    assert slot(events, "last_faq_key") == "dog-fees"


def test_how_much_is_the_fine_still_gets_the_fine(run: Run) -> None:
    dispatcher, _ = run(
        ActionFollowUp(),
        "不办的话要罚多少钱",
        "ask_fine",
        slots={"last_topic": "dog", "last_faq_key": "dog-registration-how"},
    )
    assert "200—500元" in texts_of(dispatcher)


def test_a_detail_is_answered_within_the_conversations_topic(run: Run) -> None:
    """ "怎么给狗办证" then "要多久": the review time of dog registration, not of credit repair."""
    dispatcher, events = run(
        ActionFollowUp(),
        "多久能办下来",
        "ask_detail",
        slots={"last_topic": "dog", "last_faq_key": "dog-registration-how"},
    )
    assert "3个工作日" in texts_of(dispatcher)
    assert slot(events, "last_faq_key") == "dog-review-time"


def test_a_detail_without_a_conversation_asks_which_topic(run: Run) -> None:
    dispatcher, _ = run(ActionFollowUp(), "要带什么材料", "ask_detail")
    assert "您问的是哪方面的事" in texts_of(dispatcher)


@pytest.mark.parametrize(
    ("code", "text", "says", "not_says"),
    [
        ("REF-144", "归你们管伐", "水行政主管部门", "法条写明的执法部门是综合行政执法部门"),
        ("REF-009", "该找哪个部门", "法条写明的执法部门是综合行政执法部门", "水行政"),
    ],
)
def test_who_enforces_the_item_in_context(
    run: Run, session: Session, code: str, text: str, says: str, not_says: str
) -> None:
    slots = {"last_item_id": _item_id(session, code), "last_topic": "no_penalty"}
    dispatcher, _ = run(ActionFollowUp(), text, "ask_detail", slots=slots)
    reply = texts_of(dispatcher)
    assert says in reply and not_says not in reply


def test_unsure_items_are_listed_and_the_follow_up_names_the_likeliest(
    run: Run, session: Session
) -> None:
    knowledge = snapshot(session)
    river = knowledge.item(int(_item_id(session, "REF-145")))
    shop_front = knowledge.item(int(_item_id(session, "REF-009")))
    assert river is not None and shop_front is not None
    dispatcher = CollectingDispatcher()
    events = send_answer(
        dispatcher, knowledge, Choices("no_penalty", (river, shop_front), Evidence("item"))
    )
    text = texts_of(dispatcher)
    # Each candidate is named with its provision, not hidden behind a button title.
    assert "1. 在河道管理范围内堆放" in text and river.legal_basis in text
    assert "2. 沿街或广场周边的经营者" in text and shop_front.legal_basis in text
    assert slot(events, "last_item_id") == str(river.id)
    dispatcher, _ = run(
        ActionFollowUp(),
        "要罚多少",
        "ask_fine",
        slots={"last_item_id": str(river.id), "last_topic": "no_penalty"},
    )
    text = texts_of(dispatcher)
    assert "「在河道管理范围内堆放" in text and "1万—5万元" in text and "100—1000元" not in text
