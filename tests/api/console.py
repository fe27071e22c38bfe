"""Driving the staff console as a browser does: read the CSRF token from the page's form,
send it back with the form."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient
from httpx import Response

from core.accounts import StaffUser
from core.db import session_scope
from core.security import hash_password

PASSWORD = "secret-pass-1"
_TOKEN = re.compile(r'name="csrftoken" value="([^"]+)"')


def add_staff(url: str, name: str, role: str, password: str = PASSWORD) -> None:
    with session_scope(url) as session:
        session.add(StaffUser(username=name, password_hash=hash_password(password), role=role))


def form_token(client: TestClient, page: str) -> str:
    """The CSRF token in the form of this console page."""
    response = client.get(page)
    assert response.status_code == 200, (page, response.status_code)
    found = _TOKEN.search(response.text)
    assert found, f"no CSRF token in the form of {page}"
    return found.group(1)


def submit(
    client: TestClient, page: str, data: dict[str, Any], action: str | None = None, **kwargs: Any
) -> Response:
    """Fill in the form of `page` and post it (to `action`, else back to the page)."""
    token = form_token(client, page)
    kwargs.setdefault("follow_redirects", False)
    return client.post(action or page, data={"csrftoken": token, **data}, **kwargs)


def try_login(client: TestClient, name: str, password: str = PASSWORD) -> Response:
    return submit(client, "/admin/login", {"username": name, "password": password})


def login(client: TestClient, name: str = "alice", password: str = PASSWORD) -> None:
    response = try_login(client, name, password)
    assert response.status_code == 302, response.text[:300]


def post(
    client: TestClient, action: str, page: str, data: dict[str, Any] | None = None, **kwargs: Any
) -> Response:
    """Post to `action` with the CSRF token of `page` (the page whose form posts there),
    following the redirect as a browser does."""
    kwargs.setdefault("follow_redirects", True)
    return client.post(
        action, data={"csrftoken": form_token(client, page), **(data or {})}, **kwargs
    )
