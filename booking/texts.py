"""Every message the booking checks and workflow can give a user (Simplified Chinese)."""

from __future__ import annotations

from knowledge.texts import HOTLINE

COMPANY_SHORT = "企业名称太短了，请填写营业执照上的全称，例如“湖州某某服饰有限公司”。"
COMPANY_LONG = "企业名称太长了（最多60字），请填写营业执照上的全称。"
COMPANY_DIGITS = "这看起来不像企业名称，请填写营业执照上的全称。"
USCC_LENGTH = "统一社会信用代码应为18位，您输入的是{n}位，请对照营业执照核对。"
USCC_FORMAT = (
    "统一社会信用代码格式不对：前8位应为数字，其余为数字或大写字母"
    "（不含I、O、S、V、Z），请对照营业执照核对。"
)
USCC_CHECKSUM = "统一社会信用代码的校验位不对，可能有字符输错了，请对照营业执照逐位核对。"
USCC_ORG_CHECKSUM = (
    "统一社会信用代码第9至17位（组织机构代码）的校验不对，可能有字符输错了，请对照营业执照核对。"
)
NAME_INVALID = "请告诉我联系人的称呼，例如“王建国”或“李女士”。"
PHONE_INVALID = "手机号不正确：请输入11位中国大陆手机号，例如13812345678。"
PHONE_LANDLINE = "请留一个手机号（11位），方便工作人员联系和您之后查询预约。"
TOWN_UNKNOWN = "没找到“{text}”这个镇街。请选择企业所在的镇（街道）："
INDUSTRY_INVALID = "请简单说一下行业，例如“餐饮”“童装加工”“建筑施工”。"
NEEDS_LONG = "需求说明太长了（最多200字），请简要说明想重点检查的方面。"
DATE_UNPARSED = "没看懂这个日期。可以说“下周三”“12月8号”或“明天上午”。"
DATE_PAST = "{day}已经过去了，请选一个以后的日期。"
DATE_TOO_SOON = "上门体检至少要提前{n}天预约，最早可以约{earliest}。"
DATE_TOO_FAR = "只能预约{n}天以内的日期（{latest}之前）。"
DATE_NOT_WORKDAY = "{day}{why}，不安排上门体检。请选一个工作日："
DATE_HOLIDAY = "是{holiday}假期"
DATE_REST_DAY = "是休息日"
DATE_CALENDAR_UNKNOWN = (
    "（{year}年的法定节假日安排尚未公布，如遇节假日调整，工作人员会联系您改期。）"
)
HALF_DAY_INVALID = "请选择上午还是下午。"
UNSUPPORTED_TIME = "上门体检只安排在工作日的上午或下午，请选择上午还是下午。"
SLOT_FULL = "{town}{day}的体检名额已约满。以下时段还有空位，您可以选一个："
SLOT_FULL_NONE = f"{{town}}近期的体检名额都已约满，请拨打{HOTLINE}或联系当地镇街综合行政执法中队。"
BAD_TRANSITION = "不能从“{old}”改为“{new}”。"
NOT_FOUND = "没有找到与该预约号和手机号相符的预约，请核对后再试。"
CANNOT_CANCEL = "这个预约当前状态是“{status}”，不能再取消了。"
INCOMPLETE = "预约信息不完整或有误：{fields}。请重新填写。"
ONLINE_BOOKING_NOTE = "在线预约"
OWNER_CANCEL_NOTE = "预约人取消"
