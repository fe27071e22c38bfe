"""The console's guards: no page without a login, CSRF tokens, roles read from the database
at every request, lockout, idle timeout, a password change ending the other sessions,
cookie flags and headers, and the API pages off outside development."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from starlette.routing import Mount

from api.admin import auth
from api.app import create_app
from api.deps import get_rasa
from core import accounts, security
from core.accounts import StaffUser, check_credentials
from core.config import Settings
from core.db import session_scope
from knowledge.models import FaqEntry
from tests.api.conftest import FakeRasa
from tests.api.console import PASSWORD, add_staff, form_token, login, submit, try_login


def _app(db_url: str, **settings: Any) -> FastAPI:
    app = create_app(Settings(database_url=db_url, secret_key="test-secret", **settings))
    app.dependency_overrides[get_rasa] = FakeRasa
    return app


@pytest.fixture
def app(fresh_db_url: str) -> FastAPI:
    add_staff(fresh_db_url, "alice", "editor")
    add_staff(fresh_db_url, "root", "admin")
    add_staff(fresh_db_url, "boss", "admin")
    return _app(fresh_db_url)


@pytest.fixture
def console(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as client:
        yield client


def browser(app: FastAPI) -> TestClient:
    """Another browser (its own cookies) on the same server."""
    return TestClient(app)


def _faq(url: str, key: str = "dog-leash") -> FaqEntry:
    with session_scope(url) as session:
        faq = session.scalar(select(FaqEntry).where(FaqEntry.key == key))
        assert faq is not None
        return faq


def _faq_form(faq: FaqEntry, **changes: str) -> dict[str, str]:
    form = {
        "key": faq.key,
        "topic": faq.topic,
        "question": faq.question,
        "alt_questions": "\n".join(faq.alt_questions),
        "answer": faq.answer,
        "source": faq.source,
        "source_ref": faq.source_ref,
        "related": "\n".join(faq.related),
        "active": "y" if faq.active else "",
    }
    return form | changes


# --- no access without a login -------------------------------------------------------------

SAMPLE_PARAMS = {
    "identity": "faq-entry",
    "pk": "1",
    "pk:path": "1",
    "pk:int": "1",
    "export_type": "csv",
    "column_name": "answer",
    "job_id:int": "1",
    "model_id:int": "1",
}


def _admin_routes(app: FastAPI) -> list[tuple[str, str]]:
    """Every (method, path) of the console, path parameters filled in."""
    mount = next(r for r in app.routes if isinstance(r, Mount) and r.name == "admin")
    found = []
    for route in mount.routes:
        if isinstance(route, Mount):  # the static files (CSS, JS)
            continue
        path = "/admin" + re.sub(r"{([^}]+)}", lambda m: SAMPLE_PARAMS[m.group(1)], route.path)
        found += [(method, path) for method in sorted(route.methods or ()) if method != "HEAD"]
    return found


def test_every_console_route_needs_a_login(app: FastAPI, fresh_db_url: str) -> None:
    routes = _admin_routes(app)
    identities = {path.split("/")[2] for _, path in routes}
    assert {
        "faq-entry",
        "audit-record",
        "password",
        "import-list",
        "models",
        "conversations",
        "unanswered-groups",
        "dashboard",
    } <= identities
    assert len(routes) > 20
    with browser(app) as anonymous:
        for method, path in routes:
            if path in ("/admin/login", "/admin/logout"):
                continue
            response = anonymous.request(method, path, follow_redirects=False)
            if method == "GET":
                assert response.status_code == 302, (method, path, response.status_code)
                assert response.headers["location"].endswith("/admin/login"), path
            else:  # no session, so no CSRF token: refused before anything else
                assert response.status_code == 403, (method, path, response.status_code)
        # With a token (the login page gives one) but no login: still the login page.
        token = form_token(anonymous, "/admin/login")
        for method, path in routes:
            if method == "GET" or path == "/admin/login":
                continue
            response = anonymous.request(
                method, path, headers={"x-csrftoken": token}, follow_redirects=False
            )
            assert response.status_code == 302, (method, path, response.status_code)
            assert response.headers["location"].endswith("/admin/login"), path
    assert _faq(fresh_db_url).answer != ""  # nothing was changed or deleted


# --- CSRF ----------------------------------------------------------------------------------


def test_a_form_without_its_token_is_refused(
    console: TestClient, app: FastAPI, fresh_db_url: str
) -> None:
    faq = _faq(fresh_db_url)
    login(console)
    page = f"/admin/faq-entry/edit/{faq.id}"
    forged = _faq_form(faq, answer="伪造的答案")
    for token in (None, "wrong-token"):
        data = forged if token is None else forged | {"csrftoken": token}
        refused = console.post(page, data=data, follow_redirects=False)
        assert refused.status_code == 403 and "请求已拒绝" in refused.text
    # A token of another session does not do either.
    with browser(app) as other:
        login(other, "root")
        foreign = form_token(other, page)
    refused = console.post(page, data=forged | {"csrftoken": foreign})
    assert refused.status_code == 403
    assert _faq(fresh_db_url).answer == faq.answer
    # As a multipart upload (what a browser sends for sqladmin's forms) too.
    refused = console.post(page, data=forged, files={"none": ("a.txt", b"x")})
    assert refused.status_code == 403
    saved = submit(console, page, _faq_form(faq, answer="工作人员改过的答案"))
    assert saved.status_code == 302
    assert _faq(fresh_db_url).answer == "工作人员改过的答案"


def test_sqladmins_delete_needs_the_token_header(console: TestClient, fresh_db_url: str) -> None:
    faq = _faq(fresh_db_url)
    login(console)
    listing = console.get("/admin/faq-entry/list")
    assert "X-CSRFToken" in listing.text  # the page sends it with jQuery's requests
    url = f"/admin/faq-entry/delete?pks={faq.id}"
    assert console.delete(url).status_code == 403
    assert _faq(fresh_db_url).id == faq.id
    token = form_token(console, f"/admin/faq-entry/edit/{faq.id}")
    assert console.delete(url, headers={"x-csrftoken": token}).status_code == 200
    with session_scope(fresh_db_url) as session:
        assert session.get(FaqEntry, faq.id) is None


def test_login_and_upload_need_the_token(console: TestClient) -> None:
    form_token(console, "/admin/login")  # a session exists, but the post carries no token
    plain = console.post("/admin/login", data={"username": "alice", "password": PASSWORD})
    assert plain.status_code == 403
    login(console)
    upload = console.post("/admin/import-list", files={"file": ("清单.csv", b"a,b\n")})
    assert upload.status_code == 403


# --- roles, read at every request -----------------------------------------------------------


def test_an_editor_cannot_manage_staff(console: TestClient, fresh_db_url: str) -> None:
    login(console)
    assert console.get("/admin/staff-user/list").status_code == 403
    assert console.get("/admin/staff-user/edit/1").status_code == 403
    token = form_token(console, "/admin/password")
    promote = console.post(
        "/admin/staff-user/edit/1", data={"csrftoken": token, "role": "admin", "active": "y"}
    )
    assert promote.status_code == 403
    with session_scope(fresh_db_url) as session:
        alice = session.scalar(select(StaffUser).where(StaffUser.username == "alice"))
        assert alice is not None and alice.role == "editor"


def _staff_id(url: str, name: str) -> int:
    with session_scope(url) as session:
        user = session.scalar(select(StaffUser).where(StaffUser.username == name))
        assert user is not None
        return user.id


def test_a_demoted_admin_loses_staff_management_at_once(
    console: TestClient, app: FastAPI, fresh_db_url: str
) -> None:
    with browser(app) as boss:
        login(boss, "boss")
        assert boss.get("/admin/staff-user/list").status_code == 200
        login(console, "root")
        page = f"/admin/staff-user/edit/{_staff_id(fresh_db_url, 'boss')}"
        assert submit(console, page, {"role": "editor", "active": "y"}).status_code == 302
        assert boss.get("/admin/staff-user/list").status_code == 403  # the same session
        assert "工作人员" not in boss.get("/admin/").text
        assert boss.get("/admin/faq-entry/list").status_code == 200  # still an editor


def test_a_deactivated_account_is_out_at_once(
    console: TestClient, app: FastAPI, fresh_db_url: str
) -> None:
    with browser(app) as alice:
        login(alice)
        assert alice.get("/admin/faq-entry/list").status_code == 200
        login(console, "root")
        page = f"/admin/staff-user/edit/{_staff_id(fresh_db_url, 'alice')}"
        assert submit(console, page, {"role": "editor", "active": ""}).status_code == 302
        kicked = alice.get("/admin/faq-entry/list", follow_redirects=False)
        assert kicked.status_code == 302 and kicked.headers["location"].endswith("/admin/login")
        again = try_login(alice, "alice")
        assert again.status_code == 400 and "用户名或密码不正确，或账号已停用" in again.text


def test_the_last_admin_cannot_be_demoted(console: TestClient, fresh_db_url: str) -> None:
    login(console, "root")
    boss = f"/admin/staff-user/edit/{_staff_id(fresh_db_url, 'boss')}"
    assert submit(console, boss, {"role": "admin", "active": ""}).status_code == 302
    root = f"/admin/staff-user/edit/{_staff_id(fresh_db_url, 'root')}"
    refused = submit(console, root, {"role": "editor", "active": "y"})
    assert refused.status_code == 400 and "至少要保留一个启用的管理员账号" in refused.text
    assert console.get("/admin/staff-user/list").status_code == 200


# --- login throttling ----------------------------------------------------------------------


def test_repeated_failures_lock_the_username(console: TestClient, app: FastAPI) -> None:
    for _ in range(5):
        wrong = try_login(console, "alice", "wrong-password")
        assert wrong.status_code == 400 and "用户名或密码不正确" in wrong.text
    locked = try_login(console, "alice")  # the right password, too late
    assert locked.status_code == 400 and "登录失败次数过多，请 15 分钟后再试" in locked.text
    assert console.get("/admin/", follow_redirects=False).status_code == 302
    # An unknown username locks the same way (a lockout tells nothing about accounts).
    for _ in range(5):
        try_login(console, "nobody", "wrong-password")
    assert "登录失败次数过多" in try_login(console, "nobody", "x").text
    # Other accounts are not locked out by it.
    with browser(app) as other:
        login(other, "root")


def test_many_usernames_from_one_address_are_throttled(fresh_db_url: str) -> None:
    add_staff(fresh_db_url, "alice", "editor")
    app = _app(fresh_db_url, login_max_failures_per_ip=3)
    with TestClient(app) as client:
        for name in ("a1", "a2", "a3"):
            try_login(client, name, "guess")
        assert "登录失败次数过多" in try_login(client, "alice").text


def test_an_unknown_username_costs_one_argon2_verification_like_a_wrong_password(
    fresh_db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same work either way (one verification against a hash of the same parameters), so
    the response time tells nothing about which accounts exist; checked by what runs, not by
    a timing on a noisy machine."""
    add_staff(fresh_db_url, "alice", "editor")
    verified: list[str] = []
    real_verify = security.verify_password

    def counting_verify(password_hash: str, password: str) -> bool:
        verified.append(password_hash.rsplit("$", 2)[0])  # algorithm, version and parameters
        return real_verify(password_hash, password)

    # the account check and the dummy check both go through verify_password
    monkeypatch.setattr(security, "verify_password", counting_verify)
    monkeypatch.setattr(accounts, "verify_password", counting_verify)
    with session_scope(fresh_db_url) as session:
        assert check_credentials(session, username="alice", password="wrong") is None
        known = list(verified)
        verified.clear()
        assert check_credentials(session, username="nobody", password="wrong") is None
    assert len(known) == 1 and verified == known


# --- the session ---------------------------------------------------------------------------


def test_an_idle_session_ends(console: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    now = time.time()
    monkeypatch.setattr(auth, "clock", lambda: now)
    login(console)
    monkeypatch.setattr(auth, "clock", lambda: now + 29 * 60)
    assert console.get("/admin/faq-entry/list").status_code == 200  # activity: 29 more
    monkeypatch.setattr(auth, "clock", lambda: now + 58 * 60)
    assert console.get("/admin/faq-entry/list").status_code == 200
    monkeypatch.setattr(auth, "clock", lambda: now + 89 * 60)
    idle = console.get("/admin/faq-entry/list", follow_redirects=False)
    assert idle.status_code == 302 and idle.headers["location"].endswith("/admin/login")
    monkeypatch.setattr(auth, "clock", lambda: now + 90 * 60)
    assert console.get("/admin/faq-entry/list", follow_redirects=False).status_code == 302


def test_a_password_change_ends_the_other_sessions(console: TestClient, app: FastAPI) -> None:
    with browser(app) as laptop:
        login(laptop)
        login(console)
        wrong = submit(
            console,
            "/admin/password",
            {"current": "nope", "new": "n3w-pass-word", "repeat": "n3w-pass-word"},
        )
        assert wrong.status_code == 400 and "当前密码不正确" in wrong.text
        changed = submit(
            console,
            "/admin/password",
            {"current": PASSWORD, "new": "n3w-pass-word", "repeat": "n3w-pass-word"},
        )
        assert changed.status_code == 200 and "其他浏览器或设备上的登录已全部退出" in changed.text
        assert console.get("/admin/faq-entry/list").status_code == 200  # this one stays
        ended = laptop.get("/admin/faq-entry/list", follow_redirects=False)
        assert ended.status_code == 302 and ended.headers["location"].endswith("/admin/login")
        assert try_login(laptop, "alice").status_code == 400  # the old password
        login(laptop, "alice", "n3w-pass-word")


def test_cookies_and_headers(fresh_db_url: str) -> None:
    add_staff(fresh_db_url, "alice", "editor")
    with TestClient(
        _app(fresh_db_url, secure_cookies=True), base_url="https://testserver"
    ) as client:
        page = client.get("/admin/login")
        assert page.headers["x-frame-options"] == "DENY"
        assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
        response = try_login(client, "alice")
        cookie = response.headers["set-cookie"].lower()
        assert cookie.startswith("wxbot_console=")
        assert "httponly" in cookie and "samesite=lax" in cookie and "secure" in cookie
        assert "max-age=1800" in cookie  # the idle timeout
        listing = client.get("/admin/faq-entry/list")
        assert listing.headers["x-frame-options"] == "DENY"
        assert listing.headers["cache-control"] == "no-store"
    with TestClient(_app(fresh_db_url)) as client:  # development, plain HTTP
        cookie = try_login(client, "alice").headers["set-cookie"].lower()
        assert "httponly" in cookie and "secure" not in cookie


# --- the API pages -------------------------------------------------------------------------


def test_api_docs_are_not_public_outside_development(fresh_db_url: str) -> None:
    with TestClient(_app(fresh_db_url)) as client:
        assert client.get("/docs").status_code == 200
        assert client.get("/openapi.json").status_code == 200
    production = {"environment": "production", "rasa_token": "t"}
    with TestClient(_app(fresh_db_url, **production)) as client:
        assert client.get("/docs").status_code == 404
        assert client.get("/redoc").status_code == 404
        assert client.get("/openapi.json").status_code == 404
    with TestClient(_app(fresh_db_url, api_docs=True, **production)) as client:
        assert client.get("/openapi.json").status_code == 200
