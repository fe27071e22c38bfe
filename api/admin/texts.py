"""Messages of the staff console (Simplified Chinese) that its views and guards compute."""

from __future__ import annotations

BAD_CREDENTIALS = "用户名或密码不正确，或账号已停用。"
LOCKED = "登录失败次数过多，请 {minutes} 分钟后再试。"
CSRF_REFUSED_PAGE = (
    "<!DOCTYPE html><html lang='zh-CN'><meta charset='utf-8'><title>请求已拒绝</title>"
    "<body><h3>请求已拒绝</h3><p>页面已过期或来源不明（缺少安全校验码）。"
    "请返回上一页，刷新后重新提交。</p><p><a href='/admin/'>返回工作台</a></p></body></html>"
)

FORM_TOO_LARGE_PAGE = (
    "<!DOCTYPE html><html lang='zh-CN'><meta charset='utf-8'><title>文件太大</title>"
    "<body><h3>提交的内容太大</h3><p>请上传不超过 5MB 的文件。</p>"
    "<p><a href='/admin/'>返回工作台</a></p></body></html>"
)

PASSWORD_CHANGED = "密码已修改；此账号在其他浏览器或设备上的登录已全部退出。"
PASSWORD_WRONG = "当前密码不正确。"
PASSWORD_MISMATCH = "两次输入的新密码不一致。"
PASSWORD_SAME = "新密码不能与当前密码相同。"

LAST_ADMIN = "至少要保留一个启用的管理员账号。"
NOT_RESTORABLE = "只有常见问题和不予处罚事项可以恢复到历史版本。"
RESTORE_CONFLICT = "无法恢复：该版本的编号已被另一条记录使用，请先修改那条记录。"
