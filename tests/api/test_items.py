"""GET /api/items: search by everyday description, browse by domain or business type."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.conftest import FakeRasa

CONTRACT_FIELDS = {
    "id",
    "code",
    "domain",
    "behavior",
    "legal_basis",
    "penalty_basis",
    "conditions",
    "source",
    "origin",
}


def test_clothes_on_a_pole_ranks_the_matching_item_first(client: TestClient) -> None:
    response = client.get("/api/items", params={"q": "在路边电线杆上晾衣服"})
    assert response.status_code == 200
    body = response.json()
    first = body["items"][0]
    assert "晾" in first["behavior"]
    assert first["legal_basis"] == "《浙江省城市市容和环境卫生管理条例》第十四条第二款"
    assert set(first) >= CONTRACT_FIELDS
    assert first["origin"] == "reference"
    assert body["total"] == len(body["items"])


def test_nothing_found_says_so(client: TestClient) -> None:
    body = client.get("/api/items", params={"q": "我想办护照"}).json()
    assert body["items"] == [] and body["total"] == 0
    assert "没有找到" in body["message"]


def test_browse_by_domain_and_business_type(client: TestClient) -> None:
    dogs = client.get("/api/items", params={"domain": "犬类管理", "limit": 100}).json()
    assert dogs["total"] == 10
    assert all(i["domain"] == "犬类管理" for i in dogs["items"])
    food = client.get("/api/items", params={"business_type": "餐饮", "limit": 100}).json()
    assert food["total"] > 0
    assert all("餐饮" in i["business_types"] for i in food["items"])


def test_bad_limit_gets_chinese_422(client: TestClient) -> None:
    response = client.get("/api/items", params={"limit": 0})
    assert response.status_code == 422
    assert "limit" in response.json()["detail"]


def test_pages_are_served(client: TestClient) -> None:
    chat = client.get("/chat")
    assert chat.status_code == 200 and "吴兴综合执法智能助手" in chat.text
    assert client.get("/widget.js").status_code == 200
    assert client.get("/selfcheck").status_code == 200


def test_health_reports_each_part(client: TestClient, fake_rasa: FakeRasa) -> None:
    response = client.get("/healthz")
    body = response.json()
    assert body["db"] == "ok" and body["rasa"] == "ok"
    assert body["actions"] == "down"  # nothing listens on the test's action-server port
    assert body["status"] == "degraded" and response.status_code == 503


def test_an_id_beyond_64_bits_is_a_chinese_422_not_a_database_error(client: TestClient) -> None:
    response = client.get(f"/api/items/{2**64}")
    assert response.status_code == 422
    assert response.json() == {"detail": "请求内容不正确，请检查后重试"}
