"""/admin: the staff console (sqladmin), in Chinese.

Staff log in with the accounts made by `wxbot staff add`. Editors maintain the knowledge
base (FAQ, items, topics, towns), review unanswered questions and handle checkup bookings;
admins also manage staff accounts. Staff train, check and publish the Rasa model
("训练并发布", `models_view`). Every change is stamped "staff:<username>", which keeps
`wxbot kb load` from overwriting it, and logged with the record before and after (修改记录),
from where an FAQ entry or item can be put back to an earlier version. The guards (login,
roles, CSRF, lockout, headers) are in auth.py and security.py.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from sqladmin import Admin
from sqladmin.i18n import I18nConfig

from api.admin.audit_log import AuditAdmin, install_labels
from api.admin.auth import PasswordView, StaffAdmin, StaffAuth
from api.admin.booking_views import BookingAdmin, BookingEventAdmin
from api.admin.conversations_view import ConversationsView
from api.admin.dashboard import DashboardView
from api.admin.i18n import install_chinese
from api.admin.import_view import ImportView
from api.admin.knowledge_views import (
    FaqAdmin,
    HotQuestionAdmin,
    ItemAdmin,
    RegulationAdmin,
    ServiceChannelAdmin,
    TopicAdmin,
    TownAdmin,
    UnansweredAdmin,
)
from api.admin.models_view import ModelsView
from api.admin.unanswered_view import UnansweredGroupsView
from core.config import Settings
from core.db import get_engine

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"


def mount_admin(app: FastAPI, settings: Settings) -> Admin:
    database_url = settings.database_url
    locale = install_chinese()
    ImportView.database_url = PasswordView.database_url = AuditAdmin.database_url = database_url
    ConversationsView.tracker_store_url = settings.tracker_store_url
    ConversationsView.database_url = database_url
    UnansweredGroupsView.database_url = database_url
    DashboardView.tracker_store_url = settings.tracker_store_url
    DashboardView.database_url = database_url
    ModelsView.settings = settings
    admin = Admin(
        app,
        get_engine(database_url),
        title="吴兴综合执法智能助手 · 工作台",
        authentication_backend=StaffAuth(settings),
        templates_dir=str(TEMPLATES_DIR),
        i18n_config=I18nConfig(
            default_locale=locale, language_cookie_name=None, language_header_name=None
        ),
    )
    for view in (
        BookingAdmin,
        BookingEventAdmin,
        FaqAdmin,
        ItemAdmin,
        TopicAdmin,
        HotQuestionAdmin,
        ServiceChannelAdmin,
        UnansweredAdmin,
        RegulationAdmin,
        TownAdmin,
        StaffAdmin,
        AuditAdmin,
        PasswordView,
        ImportView,
        DashboardView,
        ConversationsView,
        UnansweredGroupsView,
        ModelsView,
    ):
        admin.add_view(view)
    install_labels(admin.views)
    # sqladmin's menu links a BaseView to the last page it registered (in name order): point
    # it at the main page.
    ModelsView.identity = "models_page"
    return admin
