"""What the training worker tells staff (job steps and reasons), in Simplified Chinese."""

from __future__ import annotations

STEP_EXPORT = "1/4 从知识库导出训练数据"
STEP_VALIDATE = "2/4 检查训练数据（rasa data validate）"
STEP_TRAIN = "3/4 训练模型"
STEP_CHECK = "4/4 评估新模型（留出集意图准确率、对话测试）"
STEP_PUBLISH = "发布新模型"
STEP_DONE = "完成"

INVALID_DATA = "训练数据检查未通过，没有训练新模型，线上模型不变：\n{problems}"
ALREADY_CHECKED = "这份训练数据已有通过检查的模型 {model}，无需重新训练。"
ALREADY_REJECTED = "这份训练数据的模型此前未通过检查，线上模型不变：{reason}"
FROM_CACHE = "训练数据与缓存中的模型相同，直接取用（指纹 {fingerprint}）。"
TRAINED = "训练完成，用时 {seconds:.0f} 秒。"
REJECTED = "新模型未通过检查，已搁置，线上模型不变：\n{reasons}"
LOWER_ACCURACY = (
    "留出集意图准确率 {new:.1%}，低于线上模型的 {live:.1%}，超出允许的 {tolerance:.1%} 容差。"
)
STORIES_FAILED = "对话测试（bot/tests）未通过：\n{stories}"
ACCURACY = "留出集意图准确率 {accuracy:.1%}（{total} 句）。"
LIVE_ACCURACY = "线上模型 {model} 的留出集意图准确率 {accuracy:.1%}。"
PASSED = "新模型 {model} 通过全部检查。"
PUBLISHED = "已发布 {model}；各 Rasa 进程会在 {seconds} 秒内拉取。"
ALREADY_LIVE = "{model} 已是线上模型。"
CRASHED = "训练出错，线上模型不变：{error}"
INITIAL_NOTE = "首次启动自动发布"

TRACKER_PRUNED = "已遮蔽 {masked} 条记录；删除 {conversations} 个对话（{events} 条记录）"
