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
ITEM_CARD_TITLE = "轻微违法行为不予处罚事项"
ITEM_FIELD_BEHAVIOR = "违法行为"
ITEM_FIELD_CONDITIONS = "不予处罚的条件"
ITEM_FIELD_CORRECTION = "整改提示"
ITEM_FIELD_PENALTY = "不改正的后果"
ITEM_FIELD_LEGAL = "法律依据"
ITEM_FIELD_PENALTY_BASIS = "处罚依据"
ITEM_FIELD_CAUTION = "注意"
ITEM_FIELD_ENFORCER = "执法部门"
