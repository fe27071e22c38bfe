"""Everything the booking conversation says (the checks' messages live in knowledge/booking.py)."""

from __future__ import annotations

START_BOOKING = "好的，我来帮您预约企业体检，需要填写几项信息（随时回复“算了”可以退出）。"
BOOK_BUTTON = ("我要预约体检", "/book_checkup")
EXISTING_OR_NEW = "您是想查询或取消已经提交的体检预约，还是新预约一次？"
EXISTING_OR_NEW_BUTTONS = (
    ("查询已有预约", "/query_booking"),
    ("取消已有预约", "/cancel_booking"),
    ("新预约体检", "/book_checkup"),
)
OFFER_BOOKING = "需要的话，我现在就可以帮您预约："
# The plain questions of the forms, by slot.
ASK = {
    "company_name": "请问企业（个体户）的名称是什么？请填写营业执照上的全称。",
    "uscc": "请提供统一社会信用代码（营业执照上的18位代码）。",
    "contact_name": "联系人怎么称呼？",
    "phone": "请留一个联系人的手机号，工作人员会通过它联系您，之后查询预约也要用到。",
    "needs": ("有没有想重点检查的方面（比如消防通道、招牌广告、油烟、外摆）？没有的话回复“没有”。"),
    "lookup_reference": "请提供预约号（形如 TJ20261208-0003，预约成功时给您的）。",
    "lookup_phone": "请提供预约时填写的手机号。",
}
ASK_TOWN = "企业在哪个镇（街道）？可以直接点选："
ASK_INDUSTRY = "企业属于什么行业？可以点选，也可以直接输入："
INDUSTRIES = ("餐饮", "沿街商铺", "制造/加工", "建筑施工", "物业/小区", "农家乐/民宿")
ASK_DATE = "希望哪天上门？可以说“下周三”“12月8号”，最早{earliest}，最晚{latest}："
ASK_HALF_DAY = "{day}上午还是下午？"
HALF_DAY_BUTTONS = (("上午", "上午"), ("下午", "下午"))
SUMMARY = (
    "请核对预约信息：\n"
    "企业名称：{company}\n"
    "信用代码：{uscc}\n"
    "联系人：{contact}\n"
    "手机号：{phone}\n"
    "所在镇街：{town}\n"
    "行业：{industry}\n"
    "重点检查：{needs}\n"
    "上门时间：{when}{note}"
)
NONE_NEEDS = "（未填）"
CONFIRM_BUTTONS = (("确认提交", "确认"), ("修改信息", "我要修改"), ("不约了", "算了"))
WHICH_FIELD = "请问要修改哪一项？"
FIELD_BUTTONS = (
    ("企业名称", "企业名称填错了"),
    ("信用代码", "信用代码填错了"),
    ("联系人", "联系人填错了"),
    ("手机号", "手机号填错了"),
    ("镇街", "镇街填错了"),
    ("日期时间", "时间要改一下"),
)
CONFIRM_UNCLEAR = "请点“确认提交”提交预约，或者告诉我要修改哪一项。"
CORRECTING = "好的，我们重新填写{field}。"
STOPPED = "好的，已退出预约，填写的信息没有保存。需要时随时可以再约。"
SUBMITTED = (
    "预约已提交！\n预约号：{reference}\n上门时间：{when}\n所在镇街：{town}\n"
    "状态：已提交，待工作人员确认。\n"
    "接下来工作人员会审核并与您电话联系确认。请记好预约号，"
    "之后发送“查询预约”并提供预约号和手机号，就可以查看进度或取消。"
)
RESUME = "我们继续预约。"

LOOKUP_DETAILS = (
    "预约号：{reference}\n企业名称：{company}\n所在镇街：{town}\n上门时间：{when}\n"
    "联系人手机：{phone}\n当前状态：{status}{note}"
)
STAFF_NOTE = "\n工作人员备注：{note}"
ASK_CANCEL = "确认要取消这个预约吗？"
CANCEL_BUTTONS = (("确认取消", "确认"), ("不取消了", "不取消"))
CANCELLED = "预约 {reference} 已取消，名额已释放。需要时可以重新预约。"
NOT_CANCELLED = "好的，预约保留不变。"
LOOKUP_STOPPED = "好的，已退出查询。"
BAD_REFERENCE = "预约号的格式是 TJ + 8位日期 + 4位序号，例如 TJ20261208-0003，请核对后再发。"
TOO_MANY_FAILURES = (
    "多次核对都没有找到相符的预约。为保护预约信息，请稍后再试，"
    "或拨打12345政务服务热线由工作人员帮您查询。"
)
