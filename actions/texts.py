"""Every fixed sentence the actions say, in one place. Facts come from the knowledge base."""

from __future__ import annotations

HOTLINE = "12345政务服务热线"
LOCAL_SQUAD = "所在镇街的综合行政执法中队"

SOURCE_PREFIX = "依据："
SUGGEST_TITLE = "猜你想问："
DID_YOU_MEAN = "我不太确定您问的是哪一项，您是不是想问："

TOPIC_MENU = (
    ("首违不罚政策", "/ask_no_penalty"),
    ("外摆 / 出店经营", "/ask_outdoor_dining"),
    ("养犬登记与管理", "/ask_pet_registration"),
    ("处罚后的信用修复", "/ask_credit_repair"),
    ("预约企业体检", "/book_checkup"),
)

ORIGIN_REFERENCE_NOTE = (
    "说明：这是依据法规条文整理的参考事项，不是吴兴区公布的不予处罚清单原文。"
    "是否不予处罚，以《中华人民共和国行政处罚法》第三十三条和吴兴区公布的清单为准。"
)
ORIGIN_OFFICIAL_NOTE = "该事项列入吴兴区轻微违法行为不予行政处罚事项清单{seq}。"

ITEM_CARD_TITLE = "轻微违法行为不予处罚事项"
ITEM_FIELD_BEHAVIOR = "违法行为"
ITEM_FIELD_CONDITIONS = "不予处罚的条件"
ITEM_FIELD_CORRECTION = "整改提示"
ITEM_FIELD_PENALTY = "不改正的后果"
ITEM_FIELD_LEGAL = "法律依据"
ITEM_FIELD_PENALTY_BASIS = "处罚依据"
ITEM_FIELD_CAUTION = "注意"
ITEM_FIELD_ENFORCER = "执法部门"
ITEM_INTRO = "您描述的情况，对应下面这项："
RELATED_ITEM = "相关事项：{behavior}"

FOLLOW_UP_BUTTONS = (
    ("罚多少钱？", "罚多少钱？"),
    ("依据是哪条？", "依据是哪条？"),
    ("第二次还能不罚吗？", "那第二次呢？"),
)

NO_CONTEXT_FOLLOW_UP = (
    "您想问的是哪种行为？请用一句话描述一下，比如“在电线杆上晾衣服会罚款吗”“狗没拴绳罚多少”。"
)
FINE_OF_ITEM = "「{behavior}」：{penalty}。"
LEGAL_OF_ITEM = "「{behavior}」\n法律依据：{legal}\n处罚依据：{penalty_basis}"
REPEAT_OF_ITEM = "就「{behavior}」而言，如果不及时改正，可能面临的处罚是：{penalty}。"
LEGAL_OF_FAQ = "这条答复的依据是：{source}"

FALLBACK = (
    "抱歉，这个问题我暂时还不会回答，已经记录下来交给工作人员完善。\n"
    "我可以解答：首违不罚、外摆/出店经营、养犬登记和文明养犬、处罚后的信用修复，"
    "还可以帮企业预约上门“体检”。您也可以换个说法描述一下情况。\n"
    f"其他政务问题请拨打{HOTLINE}。"
)
OUT_OF_SCOPE = (
    "这个问题不在综合行政执法的业务范围内，我没法准确回答。"
    f"建议拨打{HOTLINE}咨询，他们会转给负责的部门。\n"
    "我可以解答：首违不罚、外摆/出店经营、养犬管理、信用修复，以及预约企业体检。"
)

REQUEST_HUMAN = (
    "目前线上还没有人工坐席。需要人工帮助的话：\n"
    f"1. 拨打{HOTLINE}，说明是综合行政执法方面的问题，会转交本局处理；\n"
    f"2. 到{LOCAL_SQUAD}当面咨询。\n"
    "您也可以继续问我，我会尽量解答。"
)

REPORT_ISSUE = (
    "感谢您反映情况！请通过以下渠道投诉举报，工作人员会依法处理：\n"
    f"1. 拨打{HOTLINE}；\n"
    f"2. 向{LOCAL_SQUAD}反映。\n"
    "反映时请说清时间、具体地点和情况，有照片或视频更好。"
    "如遇犬只伤人等紧急情况，请立即拨打110。"
)
REPORT_ISSUE_TOWN = "您提到的{town}，可以直接向{town}的综合行政执法中队反映。"
