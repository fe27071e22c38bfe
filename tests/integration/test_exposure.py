"""What the stack lets reach it: Rasa's HTTP API only with its token, the action server and
Rasa only on loopback (as the Procfile, wxbot serve and the deploy/ units start them)."""

from __future__ import annotations

import socket
import subprocess
from urllib.parse import urlsplit

import httpx
import pytest

from wxbot.stack import Stack

pytestmark = pytest.mark.integration


def test_rasa_api_needs_its_token(stack: Stack) -> None:
    tracker = f"{stack.rasa_url}/conversations/someone/tracker"
    assert httpx.get(f"{stack.rasa_url}/status", timeout=30).status_code == 401
    assert httpx.get(tracker, timeout=30).status_code == 401
    event = {"event": "slot", "name": "phone", "value": "13812345678"}
    assert httpx.post(f"{tracker}/events", json=event, timeout=30).status_code == 401
    token = {"token": stack.rasa_token}
    assert httpx.get(f"{stack.rasa_url}/status", params=token, timeout=30).status_code == 200


def _other_addresses() -> list[str]:
    found = subprocess.run(["hostname", "-I"], capture_output=True, text=True).stdout.split()
    return [a for a in found if ":" not in a and not a.startswith("127.")]


@pytest.mark.parametrize("service", ["action server", "rasa"])
def test_rasa_and_the_action_server_listen_on_loopback_only(stack: Stack, service: str) -> None:
    url = stack.action_url if service == "action server" else stack.rasa_url
    port = urlsplit(url).port
    assert port is not None
    with socket.create_connection(("127.0.0.1", port), timeout=5):
        pass  # it is up
    addresses = _other_addresses()
    if not addresses:
        pytest.skip("this machine has no address besides loopback")
    for address in addresses:
        with pytest.raises(OSError):
            socket.create_connection((address, port), timeout=5).close()
