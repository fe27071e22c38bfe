"""Staff login for the console (accounts from `wxbot staff add`), the accounts view and the
page where staff change their own password.

The signed session cookie holds only the username, the account's session version and the
time of the last request. Everything else (is the account active, which role) is read from
the database on every request, so a demoted or deactivated account loses access at once,
and a password change (which increments the version) ends every other session.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from sqladmin import BaseView, expose
from sqladmin.authentication import AuthenticationBackend
from sqlalchemy import func, select
from sqlalchemy.orm import object_session
from starlette.requests import Request
from starlette.responses import Response

from api.admin import texts
from api.admin.audit_log import ConsoleView, log_change
from api.admin.security import LoginThrottle, inner_middlewares
from core.accounts import ROLES, StaffUser, check_credentials, get_staff, set_password
from core.audit import UPDATE, row_state
from core.config import Settings
from core.db import session_scope

SESSION_COOKIE = "wxbot_console"


def clock() -> float:
    return time.time()


@dataclass(frozen=True)
class Staff:
    """The signed-in staff member of this request, as the database has them now."""

    username: str
    role: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def current_staff(request: Request) -> Staff | None:
    return getattr(request.state, "staff", None)


def is_admin(request: Request) -> bool:
    staff = current_staff(request)
    return staff is not None and staff.is_admin


def staff_of_session(
    data: Mapping[str, Any], database_url: str, idle_seconds: int, now: int
) -> Staff | None:
    """The staff member a console session belongs to, if it is still valid: not idle for
    longer than `idle_seconds`, the account active and its session version unchanged."""
    username = data.get("staff")
    if not username or now - int(data.get("seen", 0)) > idle_seconds:
        return None
    with session_scope(database_url) as session:
        user = get_staff(session, username=username)
        if user is None or not user.active or user.session_version != data.get("ver"):
            return None
        return Staff(username=user.username, role=user.role)


class StaffAuth(AuthenticationBackend):
    def __init__(self, settings: Settings) -> None:
        self.idle_seconds = settings.console_idle_minutes * 60
        super().__init__(
            secret_key=settings.resolved_secret_key(),
            session_cookie=SESSION_COOKIE,
            max_age=self.idle_seconds,  # the browser drops it after the same idle time
            same_site="lax",
            https_only=settings.cookies_secure,
        )
        self.middlewares.extend(inner_middlewares())
        self.database_url = settings.database_url
        self.lockout_minutes = settings.login_lockout_minutes
        self.throttle = LoginThrottle.from_settings(settings)

    async def login(self, request: Request) -> bool:
        form = await request.form()
        username = str(form.get("username", "")).strip()
        password = str(form.get("password", ""))
        address = request.client.host if request.client else "unknown"
        request.session.clear()
        if self.throttle.locked(username, address):
            request.state.login_error = texts.LOCKED.format(minutes=self.lockout_minutes)
            return False
        with session_scope(self.database_url) as session:
            user = check_credentials(session, username=username, password=password)
            if user is None:
                self.throttle.failed(username, address)
                return False
            request.session.update(
                {"staff": user.username, "ver": user.session_version, "seen": int(clock())}
            )
        self.throttle.succeeded(username)
        return True

    async def logout(self, request: Request) -> bool:
        request.session.clear()
        return True

    async def authenticate(self, request: Request) -> bool:
        now = int(clock())
        staff = staff_of_session(request.session, self.database_url, self.idle_seconds, now)
        if staff is None:
            if request.session.get("staff"):  # an expired or revoked login: forget it
                request.session.clear()
            return False
        request.state.staff = staff
        request.session["seen"] = now
        return True


class StaffAdmin(ConsoleView, model=StaffUser):
    name, name_plural, icon, category = "工作人员", "工作人员", "fa-solid fa-user-shield", "设置"
    can_create = False  # accounts and passwords: `wxbot staff add NAME --role …`
    can_delete = False
    column_list: ClassVar = [
        StaffUser.username,
        StaffUser.role,
        StaffUser.active,
        StaffUser.created_at,
    ]
    column_details_exclude_list: ClassVar = [StaffUser.password_hash, StaffUser.session_version]
    column_export_exclude_list: ClassVar = [StaffUser.password_hash]
    form_columns: ClassVar = [StaffUser.role, StaffUser.active]
    form_choices: ClassVar = {"role": list(ROLES.items())}
    column_labels: ClassVar = {
        StaffUser.username: "用户名",
        StaffUser.role: "角色",
        StaffUser.active: "启用",
        StaffUser.created_at: "创建时间",
    }

    def is_accessible(self, request: Request) -> bool:
        return is_admin(request)

    def is_visible(self, request: Request) -> bool:
        return self.is_accessible(request)

    async def on_model_change(
        self, data: dict, model: Any, is_created: bool, request: Request
    ) -> None:
        await super().on_model_change(data, model, is_created, request)
        stays_admin = data.get("role", model.role) == "admin" and data.get("active", True)
        if model.role == "admin" and model.active and not stays_admin:
            session = object_session(model)
            assert session is not None
            others = session.scalar(
                select(func.count(StaffUser.id)).where(
                    StaffUser.role == "admin", StaffUser.active, StaffUser.id != model.id
                )
            )
            if not others:
                raise ValueError(texts.LAST_ADMIN)


class PasswordView(BaseView):
    name, icon, category = "修改密码", "fa-solid fa-key", "设置"
    database_url: ClassVar[str] = ""  # set by mount_admin

    @expose("/password", methods=["GET", "POST"])
    async def change_password(self, request: Request) -> Response:
        context: dict[str, Any] = {}
        status_code = 200
        if request.method == "POST":
            form = await request.form()
            error = self._change(
                request,
                current=str(form.get("current", "")),
                new=str(form.get("new", "")),
                repeat=str(form.get("repeat", "")),
            )
            if error:
                context["error"], status_code = error, 400
            else:
                context["done"] = texts.PASSWORD_CHANGED
        return await self.templates.TemplateResponse(
            request, "admin_password.html", context, status_code=status_code
        )

    def _change(self, request: Request, *, current: str, new: str, repeat: str) -> str | None:
        staff = current_staff(request)
        assert staff is not None  # the route requires a login
        if new != repeat:
            return texts.PASSWORD_MISMATCH
        if new == current:
            return texts.PASSWORD_SAME
        with session_scope(self.database_url) as session:
            user = check_credentials(session, username=staff.username, password=current)
            if user is None:
                return texts.PASSWORD_WRONG
            before = row_state(user)
            try:
                set_password(user, new)
            except ValueError as exc:
                return str(exc)
            log_change(session, request, UPDATE, user, before, row_state(user))
            # This session stays signed in; every other one holds the old version.
            request.session["ver"] = user.session_version
        return None
