"""Every message the HTTP API itself gives (Simplified Chinese); answers come from Rasa."""

from __future__ import annotations

from knowledge.texts import HOTLINE

INVALID_JSON = '请求格式不正确：请发送 JSON，例如 {"session_id": "…", "text": "…"}'
INVALID_REQUEST = "请求内容不正确，请检查后重试"
TOO_MANY = "您发送得太快了，请稍等一会儿再试"
SERVER_ERROR = f"系统出了点问题，请稍后再试，或拨打{HOTLINE}咨询"
NOT_FOUND = "没有找到这个页面或资源"
NO_SUCH_ITEM = "没有这个事项"
EMPTY_TEXT = "请输入您的问题"
TOO_LONG = "您的问题太长了（最多{limit}字），请精简后再发送，或分几次发送"
SESSION_UNKNOWN = "会话已失效，请刷新页面开始新的对话"
NO_SUCH_ANSWER = "没有找到这条回答，请刷新页面后再试"
FEEDBACK_THANKS = "感谢您的反馈！"
BUSY = f"系统繁忙，请稍后再试；着急的话可以拨打{HOTLINE}咨询。"
FIELD_MESSAGES = {
    "session_id": "会话编号不正确，请刷新页面后重试",
    "text": "请输入文字内容",
    "limit": "limit 应为 1 到 100 之间的整数",
    "phone": "请提供预约时填写的手机号",
}

# The model server (GET /api/models/live) and the console's "训练并发布".
MODEL_SERVER_UNAUTHORIZED = "需要模型服务令牌（RASA_TOKEN）"
MODEL_NOT_PUBLISHED = "还没有发布过模型"
NO_SUCH_MODEL = "没有这个模型"
NO_SUCH_JOB = "没有这个训练任务"
PUBLISHED = "已发布 {model}，各 Rasa 进程会在下一次拉取时换用它。"
ROLLED_BACK = "已回滚到 {model}，各 Rasa 进程会在下一次拉取时换用它。"

# The JSON admin API (/api/admin/…).
ADMIN_LOGIN_REQUIRED = "请先登录工作台（/admin/login）"
ADMIN_CSRF_REQUIRED = "缺少或错误的 X-CSRFToken：请使用工作台登录会话中的令牌"
NO_SUCH_FAQ = "没有这条 FAQ"
NO_SUCH_QUESTION = "没有这条未回答问题"
FAQ_KEY_TAKEN = "编号 {key} 已被另一条 FAQ 使用"
