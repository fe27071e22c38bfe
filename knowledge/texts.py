"""Texts about the bureau shared by every part that talks to citizens (Simplified Chinese)."""

from __future__ import annotations

HOTLINE = "12345政务服务热线"
LOCAL_SQUAD = "所在镇街的综合行政执法中队"
NOTHING_FOUND = f"没有找到与“{{q}}”相关的事项。请换个说法描述，或拨打{HOTLINE}咨询。"

# The no-penalty item card (knowledge/cards.py).
ORIGIN_REFERENCE_NOTE = (
    "说明：这是依据法规条文整理的参考事项，不是吴兴区公布的不予处罚清单原文。"
    "是否不予处罚，以《中华人民共和国行政处罚法》第三十三条和吴兴区公布的清单为准。"
)
ORIGIN_OFFICIAL_NOTE = "该事项列入吴兴区轻微违法行为不予行政处罚事项清单{seq}。"
OFFICIAL_SEQ = "（序号{seq_no}）"
# A reference item is a regulation clause, not an entry of the official list: only imported
# official items carry the list's own name and their 序号.
REFERENCE_CARD_TITLE = "相关法规条款（参考）"
OFFICIAL_CARD_TITLE = "轻微违法行为不予处罚事项"
ITEM_FIELD_BEHAVIOR = "违法行为"
ITEM_FIELD_CONDITIONS = "不予处罚的条件"
ITEM_FIELD_CORRECTION = "罚款与改正"
ITEM_FIELD_FINE_CONDITION = "罚款条件"
ITEM_FIELD_QUOTE = "罚则原文"
ITEM_FIELD_LEGAL = "法律依据"
ITEM_FIELD_PENALTY_BASIS = "处罚依据"
ITEM_FIELD_CAUTION = "注意"
ITEM_FIELD_ENFORCER = "执法部门"

# 《行政处罚法》第三十三条, as the article says it: two branches of its first paragraph and the
# no-fault rule of its second. An official item's own 适用条件 replaces this.
ARTICLE_33_CONDITIONS = (
    "按《中华人民共和国行政处罚法》第三十三条：违法行为轻微并及时改正，没有造成危害后果的，"
    "不予行政处罚；初次违法且危害后果轻微并及时改正的，可以不予行政处罚；当事人有证据足以"
    "证明没有主观过错的，不予行政处罚。具体以吴兴区公布的清单所列条件为准。"
)

# The penalty's label, and what correcting means for the fine, by the clause's structure
# (knowledge.models.FINE_*; "" = not recorded, e.g. an imported official row).
PENALTY_LABELS = {
    "with_order_to_correct": "可能的处罚",
    "after_failure_to_correct": "逾期不改正的处罚",
    "no_fine": "罚则（本条未设罚款）",
    "": "处罚规定",
}
CORRECTION_NOTES = {
    "with_order_to_correct": (
        "该条的罚款与责令改正同时适用，不以逾期不改正为前提；能否不罚，要看是否符合"
        "《行政处罚法》第三十三条和吴兴区清单的条件。"
    ),
    "after_failure_to_correct": (
        "罚款以逾期不改正为前提：在责令改正期限内改正的，依该条本身不会罚款。"
    ),
    "no_fine": "该条只规定责令改正，没有设罚款。",
}
# What the fine would be for this matter (the follow-ups "罚多少" and "那第二次呢").
FINE_SENTENCES = {
    "with_order_to_correct": "该条规定：{penalty}。罚款与责令改正同时适用，不以逾期不改正为前提。",
    "after_failure_to_correct": "该条规定：{penalty}。在责令改正期限内改正的，依该条本身不会罚款。",
    "no_fine": "该条只规定责令改正，本条未设罚款。",
    "": "该条的处罚规定是：{penalty}。",
}
# An item that names no other department: the source fills `enforcer` only where the
# clause names a department other than 综合行政执法 (or the 市容环境卫生 authority it acts as).
ENFORCER_OWN = (
    "法条写明的执法部门是综合行政执法部门（或由其行使职权的市容环境卫生主管部门），"
    "以浙江省综合行政执法事项统一目录和本地事项清单为准"
)
ENFORCER_NOTE = (
    "{enforcer}（法条写明的执法部门；该事项在吴兴区是否由综合行政执法部门办理，"
    "以浙江省综合行政执法事项统一目录和本地事项清单为准）"
)
