"""Every message the HTTP API itself gives (Simplified Chinese); answers come from Rasa."""

from __future__ import annotations

from knowledge.texts import HOTLINE

INVALID_JSON = '请求格式不正确：请发送 JSON，例如 {"session_id": "…", "text": "…"}'
INVALID_REQUEST = "请求内容不正确，请检查后重试"
TOO_MANY = "您发送得太快了，请稍等一会儿再试"
TOO_LARGE = "发送的内容太大了，请精简后再试"
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

# The 公众号 channel (/wechat): passive replies are plain text, one message per user message.
WECHAT_WAIT = "正在查询，请稍候。稍后回复“更多”（或直接发送下一个问题）即可看到回答。"
WECHAT_STILL_WAITING = "还在查询，请稍候再回复“更多”。"
WECHAT_LATE_HEADER = "您刚才的问题，回答如下："
WECHAT_LATE_FAILED = "抱歉，您刚才的问题没能查到结果，请重新发送一次。"
WECHAT_NOW_HEADER = "您这条消息的回答："
WECHAT_OPTION = "回复 {n}：{title}"
WECHAT_MORE_HINT = "（内容较长，回复“更多”查看剩余内容）"
WECHAT_NO_MORE = "没有更多内容了，请直接输入您的问题。"
WECHAT_CARD_SOURCE = "来源：{source}"
WECHAT_HOT_QUESTIONS = "大家都在问："
WECHAT_WELCOME = (
    "您好！欢迎关注。我是吴兴区综合行政执法局的智能助手，可以解答首违不罚、外摆经营、"
    "养犬登记、信用修复，以及预约企业体检等问题。"
)
WECHAT_VOICE_UNRECOGNIZED = "抱歉，没能识别这条语音，请打字告诉我您的问题。"
WECHAT_UNSUPPORTED = "目前只能看懂文字和语音消息，请用文字描述您的问题。"
# Answers to WeChat's server (never shown to a user).
WECHAT_BAD_SIGNATURE = "签名校验失败：请检查公众号后台的 Token 与 WECHAT_TOKEN 是否一致"
WECHAT_BAD_MESSAGE = "消息格式不正确"
WECHAT_BAD_KEY = (
    "WECHAT_AES_KEY 不正确：应为公众号后台“服务器配置”中的 43 位 EncodingAESKey，"
    "并同时设置 WECHAT_APP_ID"
)
