"""Texts the checkup conversation computes (its fixed replies are responses in
bot/domain/booking.yml; the checks' messages are in booking/texts.py)."""

from __future__ import annotations

# The form's fields as the user knows them, for "好的，我们重新填写{field}".
FIELD_LABELS = {
    "company_name": "企业名称",
    "uscc": "统一社会信用代码",
    "contact_name": "联系人",
    "phone": "手机号",
    "town": "所在镇街",
    "industry": "行业",
    "needs": "重点检查的方面",
    "preferred_date": "上门日期",
}
# The needs slot when the user had nothing in particular (shown in the summary).
NONE_NEEDS = "（未填）"
# Appended to a booking's details when staff left a note for the applicant.
STAFF_NOTE = "\n工作人员备注：{note}"
