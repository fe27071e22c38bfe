"""Messaging channels beside the web chat: the 公众号 message server (`wechat`)."""
