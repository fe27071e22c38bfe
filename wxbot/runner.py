"""`wxbot serve`: run the Procfile's processes under honcho and say when the assistant is up."""

from __future__ import annotations

import sys
import threading
import time

import httpx
from honcho.environ import parse_procfile
from honcho.manager import Manager
from honcho.printer import Printer

from core.config import PROJECT_ROOT, VAR_DIR, Settings
from wxbot.endpoints import write_endpoints
from wxbot.rasa import rasa_env
from wxbot.trainer import publish_initial
from wxbot.training import current_model

READY_TIMEOUT = 300  # seconds; Rasa loads TensorFlow and the model


def _wait_until_healthy(base_url: str, manager: Manager) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    last = ""
    while time.monotonic() < deadline:
        if manager.returncode is not None:
            return
        try:
            response = httpx.get(f"{base_url}/healthz", timeout=5)
            body = response.json()
            if body.get("status") == "ok":
                print(
                    f"\n✅ 智能助手已就绪：{base_url}/chat"
                    f"\n   企业自查：{base_url}/selfcheck   健康检查：{base_url}/healthz"
                    "\n   按 Ctrl-C 停止全部服务\n",
                    flush=True,
                )
                return
            state = ", ".join(f"{k}={v}" for k, v in body.items() if k != "status")
            if state != last:
                print(f"… 等待服务就绪（{state}）", flush=True)
                last = state
        except (httpx.HTTPError, ValueError):
            pass
        time.sleep(2)
    print(f"⚠️ {READY_TIMEOUT} 秒内服务未全部就绪，请查看上面的日志", file=sys.stderr, flush=True)


def run_procfile(settings: Settings) -> int:
    # A fresh machine: the model `make train` made becomes the first published one.
    model = current_model()
    if model.exists() and publish_initial(settings, model):
        print(f"已发布初始模型 {model.name}", flush=True)
    # Rasa reads its stores and the model server from this file: always write it anew.
    write_endpoints(VAR_DIR / "endpoints.yml", settings)
    env = rasa_env(
        RASA_TOKEN=settings.resolved_rasa_token(),
        SECRET_KEY=settings.resolved_secret_key(),
        API_HOST=settings.api_host,
        API_PORT=str(settings.api_port),
    )
    procfile = parse_procfile((PROJECT_ROOT / "Procfile").read_text(encoding="utf-8"))
    manager = Manager(Printer(sys.stdout))
    for name, command in procfile.processes.items():
        manager.add_process(name, command, cwd=str(PROJECT_ROOT), env=env)
    host = "127.0.0.1" if settings.api_host in ("0.0.0.0", "::") else settings.api_host
    watcher = threading.Thread(
        target=_wait_until_healthy,
        args=(f"http://{host}:{settings.api_port}", manager),
        daemon=True,
    )
    watcher.start()
    manager.loop()
    return manager.returncode or 0
