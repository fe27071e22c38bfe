"""Staff accounts of the console (`admin` and `editor`), used by the console and `wxbot`."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, DateTime, Integer, String, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from core.db import Base, utcnow
from core.security import hash_password, needs_rehash, verify_dummy, verify_password

ROLES = {"admin": "管理员", "editor": "编辑"}
MIN_PASSWORD_LENGTH = 8


class StaffUser(Base):
    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20), default="editor")  # admin / editor
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Stored in each console session at login; a password change increments it, which ends
    # every session holding the old number.
    session_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, server_default=func.now()
    )

    def __str__(self) -> str:
        return self.username


def get_staff(session: Session, *, username: str) -> StaffUser | None:
    return session.scalar(select(StaffUser).where(StaffUser.username == username))


def check_credentials(session: Session, *, username: str, password: str) -> StaffUser | None:
    """The active account with this username and password, else None. Takes the time of
    one argon2 verification whether or not the account exists or is active."""
    user = get_staff(session, username=username)
    if user is None:
        verify_dummy(password)
        return None
    if not verify_password(user.password_hash, password) or not user.active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def set_password(user: StaffUser, password: str) -> None:
    """A new password; every session of the account opened before it ends."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"密码至少 {MIN_PASSWORD_LENGTH} 位")
    user.password_hash = hash_password(password)
    user.session_version = (user.session_version or 0) + 1


def save_staff(session: Session, *, username: str, password: str, role: str) -> bool:
    """Create the account, or reset its password and role and reactivate it.
    True when it was created."""
    if role not in ROLES:
        raise ValueError(f"角色只能是 {' 或 '.join(ROLES)}")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"密码至少 {MIN_PASSWORD_LENGTH} 位")
    user = get_staff(session, username=username)
    if user is None:
        session.add(StaffUser(username=username, password_hash=hash_password(password), role=role))
        return True
    set_password(user, password)
    user.role = role
    user.active = True
    return False
