"""What a citizen reads about a fine follows the law's own structure (audit of the 72 items,
2026-12): fined together with the order to correct, only after failing to correct, or not at
all; 第三十三条 in its two branches; reference items never dressed as the official list."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge.answering import AnsweringService, FaqAnswer, ItemAnswer, NoAnswer, Turn
from knowledge.cards import card_text, fine_sentence, item_card
from knowledge.models import (
    FINE_AFTER_FAILURE,
    FINE_STRUCTURES,
    FINE_WITH_ORDER,
    NO_FINE,
    ORIGIN_OFFICIAL,
    ORIGIN_REFERENCE,
    NoPenaltyItem,
)
from knowledge.snapshot import snapshot


def _items(session: Session) -> list[NoPenaltyItem]:
    return list(session.scalars(select(NoPenaltyItem).order_by(NoPenaltyItem.code)))


def _labels(item: NoPenaltyItem) -> dict[str, str]:
    return {f["label"]: f["value"] for f in item_card(item)["fields"]}


def test_every_item_records_its_fine_structure_and_clause(session: Session) -> None:
    for item in _items(session):
        assert item.fine_structure in FINE_STRUCTURES, item.code
        assert item.penalty_quote, item.code


def test_every_card_labels_the_penalty_as_its_clause_structures_it(session: Session) -> None:
    for item in _items(session):
        fields = _labels(item)
        text = card_text(item_card(item))
        assert "不改正的后果" not in text, item.code
        if item.fine_structure == FINE_WITH_ORDER:
            assert fields["可能的处罚"] == item.penalty_range, item.code
            assert "逾期不改正的处罚" not in fields, item.code
            assert "期限内改正的，依该条本身不会罚款" not in text, item.code
        elif item.fine_structure == FINE_AFTER_FAILURE:
            assert fields["逾期不改正的处罚"] == item.penalty_range, item.code
            assert any(
                w in item.penalty_range for w in ("逾期", "拒不", "拒绝", "不改正", "警告后")
            ), item.code
        else:
            assert item.fine_structure == NO_FINE
            assert "罚则（本条未设罚款）" in fields, item.code
            assert "元" not in item.penalty_range, item.code


def test_the_fine_follow_up_says_when_the_fine_applies(session: Session) -> None:
    for item in _items(session):
        sentence = fine_sentence(item)
        if item.fine_structure == FINE_WITH_ORDER:
            assert "不以逾期不改正为前提" in sentence, item.code
        elif item.fine_structure == FINE_AFTER_FAILURE:
            assert "期限内改正的，依该条本身不会罚款" in sentence, item.code
        else:
            assert "本条未设罚款" in sentence and "元" not in sentence, item.code


def test_conditions_follow_article_33_in_its_own_branches(session: Session) -> None:
    item = _items(session)[0]
    conditions = _labels(item)["不予处罚的条件"]
    assert "违法行为轻微并及时改正，没有造成危害后果的，不予行政处罚" in conditions
    assert "初次违法且危害后果轻微并及时改正的，可以不予行政处罚" in conditions
    assert "没有主观过错" in conditions


def test_reference_items_are_titled_as_clauses_and_official_items_by_the_list(
    session: Session,
) -> None:
    reference = next(i for i in _items(session) if i.origin == ORIGIN_REFERENCE)
    assert item_card(reference)["title"] == "相关法规条款（参考）"
    official = NoPenaltyItem(
        id=0, code="WX-7", origin=ORIGIN_OFFICIAL, seq_no=7, domain="市容环境卫生",
        behavior="x", legal_basis="《x》", penalty_range="", fine_structure="",
        conditions="清单所列条件", correction_note="", caution="", enforcer="", source="",
        penalty_basis="", fine_condition="", penalty_quote="",
    )  # fmt: skip
    card = item_card(official)
    assert card["title"] == "轻微违法行为不予处罚事项（序号7）"
    assert _labels(official)["不予处罚的条件"] == "清单所列条件"


def test_another_departments_matter_says_so(session: Session) -> None:
    item = next(i for i in _items(session) if i.enforcer)
    assert "以浙江省综合行政执法事项统一目录和本地事项清单为准" in _labels(item)["执法部门"]


# Audit findings: words that sent a question to the wrong matter.
@pytest.mark.parametrize(
    ("question", "wrong"),
    [
        ("违停会罚款吗", "REF-049"),  # an item without a fine; sidewalk parking is fined
        ("乱停车怎么处理", "REF-049"),
        ("停车不规范会怎样", "REF-049"),
        ("违章搭建会罚多少", "REF-003"),  # street storage, not 《城乡规划法》第六十四条
        ("私搭乱建怎么处理", "REF-003"),
        ("搭彩钢棚会被罚吗", "REF-003"),
        ("我单车乱停会被罚吗", "REF-014"),  # the operator's duty, not the rider's
        ("烧塑料会罚款吗", "REF-019"),  # toxic burning is 大气条例第四十六条、第六十七条
        ("烧电线会被罚吗", "REF-019"),
        ("花盆掉下去砸到人了", "REF-001"),  # a hazard item cannot apply once someone is hurt
        ("狗扑人了怎么办", "REF-044"),  # 恐吓、伤人 is 公安's
        ("楼道里狗叫太吵", "REF-041"),  # disturbing noise is 公安's
        ("狗咬人没打疫苗", "REF-046"),
        ("犬证年审去哪里", "REF-038"),  # the current rules have no 年审
    ],
)
def test_audited_words_do_not_reach_the_wrong_matter(
    session: Session, question: str, wrong: str
) -> None:
    """Answered (an FAQ entry, an item or a choice list), and never with the wrong matter as
    the sure answer (a "您是不是想问" list may still name it)."""
    answer = AnsweringService(snapshot(session)).answer(Turn(question))
    assert not isinstance(answer, NoAnswer), question
    if isinstance(answer, ItemAnswer):
        assert answer.item.code != wrong, question


@pytest.mark.parametrize(
    ("question", "words"),
    [
        ("违章搭建罚款怎么算", "建设工程造价5%—10%"),
        ("烧塑料会罚款吗", "对个人处500—2000元"),
        ("狗证要年审吗", "没有“年审”"),
        ("车停在人行道上会罚多少", "处20—200元罚款"),
    ],
)
def test_audited_questions_get_what_the_law_says(
    session: Session, question: str, words: str
) -> None:
    answer = AnsweringService(snapshot(session)).answer(Turn(question))
    assert isinstance(answer, FaqAnswer), question
    assert words in answer.faq.answer
