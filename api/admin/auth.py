"""Staff login for the console (accounts from `wxbot staff add`), and the accounts view."""

from __future__ import annotations

from typing import ClassVar

from sqladmin import ModelView
from sqladmin.authentication import AuthenticationBackend
from starlette.requests import Request

from core.accounts import ROLES, StaffUser, get_staff
from core.db import session_scope
from core.security import verify_password


class StaffAuth(AuthenticationBackend):
    def __init__(self, secret_key: str, database_url: str) -> None:
        super().__init__(secret_key=secret_key)
        self.database_url = database_url

    async def login(self, request: Request) -> bool:
        form = await request.form()
        username = str(form.get("username", "")).strip()
        password = str(form.get("password", ""))
        with session_scope(self.database_url) as session:
            user = get_staff(session, username=username)
            if user is None or not user.active:
                return False
            if not verify_password(user.password_hash, password):
                return False
            request.session.update({"staff": user.username, "role": user.role})
        return True

    async def logout(self, request: Request) -> bool:
        request.session.clear()
        return True

    async def authenticate(self, request: Request) -> bool:
        username = request.session.get("staff")
        if not username:
            return False
        with session_scope(self.database_url) as session:
            user = get_staff(session, username=username)
            return bool(user and user.active)


class StaffAdmin(ModelView, model=StaffUser):
    name, name_plural, icon, category = "工作人员", "工作人员", "fa-solid fa-user-shield", "设置"
    can_create = False  # accounts and passwords: `wxbot staff add NAME --role …`
    can_delete = False
    column_list: ClassVar = [
        StaffUser.username,
        StaffUser.role,
        StaffUser.active,
        StaffUser.created_at,
    ]
    form_columns: ClassVar = [StaffUser.role, StaffUser.active]
    form_choices: ClassVar = {"role": list(ROLES.items())}
    column_labels: ClassVar = {
        StaffUser.username: "用户名",
        StaffUser.role: "角色",
        StaffUser.active: "启用",
        StaffUser.created_at: "创建时间",
    }

    def is_accessible(self, request: Request) -> bool:
        return request.session.get("role") == "admin"

    def is_visible(self, request: Request) -> bool:
        return self.is_accessible(request)
