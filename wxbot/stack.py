"""Start the three real processes (Rasa, action server, API) on free ports, for the
integration tests and the benchmarks."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from core.config import PROJECT_ROOT, Settings
from wxbot.endpoints import write_endpoints
from wxbot.rasa import BOT_DIR, RASA_BIN, rasa_env
from wxbot.trainer import publish_initial
from wxbot.training import current_model

START_TIMEOUT = 420  # Rasa imports TensorFlow and loads the model: slow on 2 cores
# The API's /wechat (公众号 message server) is on, in plain mode, with this token.
WECHAT_TOKEN = "stack-wechat-token"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Stack:
    api_url: str
    rasa_url: str
    rasa_token: str
    action_url: str
    database_url: str
    tracker_store_url: str
    models_dir: Path
    processes: dict[str, subprocess.Popen[bytes]]
    logs: Path
    launchers: dict[str, Callable[[], subprocess.Popen[bytes]]] = field(default_factory=dict)

    def log_tail(self, name: str, lines: int = 40) -> str:
        text = (self.logs / f"{name}.log").read_text(errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def group_processes(self, name: str) -> list[str]:
        """Command lines of the processes in the named process's group (it and its workers)."""
        return list(self._group(name).values())

    def group_pids(self, name: str) -> list[int]:
        return list(self._group(name))

    def _group(self, name: str) -> dict[int, str]:
        pgid = self.processes[name].pid
        found = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            # the fields after the ") " closing the command name: state, ppid, pgrp, …
            if int(stat.rsplit(") ", 1)[1].split()[2]) == pgid:
                found[int(entry.name)] = cmdline.strip()
        return found

    def stop(self, name: str) -> None:
        _stop_group(self.processes[name])

    def start(self, name: str) -> None:
        """Start a stopped process again, as it was started, and wait until all is healthy."""
        self.processes[name] = self.launchers[name]()
        _wait_healthy(self)


def model_ready() -> bool:
    return RASA_BIN.exists() and current_model().exists()


@contextmanager
def running_stack(
    workdir: Path,
    database_url: str,
    *,
    tracker_store_url: str | None = None,
    redis_url: str | None = None,
    rasa_workers: int = 1,
    api_workers: int = 1,
    model_pull_seconds: int = 5,
    extra_env: dict[str, str] | None = None,
) -> Iterator[Stack]:
    """Rasa pulls its model from the API's model server, as in production: the repository's
    current model is published into the database first when none is."""
    rasa_port, action_port, api_port = free_port(), free_port(), free_port()
    token = "test-token"
    settings = Settings(
        database_url=database_url,
        api_port=api_port,
        models_dir=workdir / "models",
        model_pull_seconds=model_pull_seconds,
        tracker_store_url=tracker_store_url or f"sqlite:///{workdir / 'tracker.db'}",
        redis_url=redis_url,
        rasa_url=f"http://127.0.0.1:{rasa_port}",
        rasa_token=token,
        action_server_url=f"http://127.0.0.1:{action_port}/webhook",
    )
    publish_initial(settings, current_model())
    endpoints = workdir / "endpoints.yml"
    write_endpoints(endpoints, settings)
    env = rasa_env(
        DATABASE_URL=database_url,
        RASA_URL=settings.rasa_url,
        RASA_TOKEN=token,
        ACTION_SERVER_URL=settings.action_server_url,
        MODELS_DIR=str(settings.models_dir),
        MODEL_PULL_SECONDS=str(model_pull_seconds),
        # the console's conversations and dashboard read the stack's tracker store
        TRACKER_STORE_URL=settings.tracker_store_url,
        CHAT_RATE_LIMIT="1000/minute",
        SESSION_RATE_LIMIT="1000/minute",
        WECHAT_TOKEN=WECHAT_TOKEN,
        SANIC_HOST="127.0.0.1",
    )
    env.update(extra_env or {})
    if rasa_workers > 1:
        env["SANIC_WORKERS"] = str(rasa_workers)
    if redis_url:  # the API's rate-limit counters, shared by its workers
        env["REDIS_URL"] = redis_url
    commands = {
        "rasa": (
            [
                str(RASA_BIN),
                "run",
                "--enable-api",
                "-i",
                "127.0.0.1",
                "-p",
                str(rasa_port),
                "--auth-token",
                token,
                "--endpoints",
                str(endpoints),
                "--credentials",
                "credentials.yml",
            ],
            BOT_DIR,
        ),
        "actions": (
            [sys.executable, "-m", "rasa_sdk", "--actions", "actions", "-p", str(action_port)],
            PROJECT_ROOT,
        ),
        "api": (
            [
                sys.executable,
                "-m",
                "uvicorn",
                "--factory",
                "api.app:create_app",
                "--no-proxy-headers",  # the app decides whom to believe (TRUSTED_PROXIES)
                "--host",
                "127.0.0.1",
                "--port",
                str(api_port),
                *(["--workers", str(api_workers)] if api_workers > 1 else []),
            ],
            PROJECT_ROOT,
        ),
    }
    processes: dict[str, subprocess.Popen[bytes]] = {}
    handles = []

    def launcher(name: str) -> Callable[[], subprocess.Popen[bytes]]:
        cmd, cwd = commands[name]

        def launch() -> subprocess.Popen[bytes]:
            handle = (workdir / f"{name}.log").open("ab")
            handles.append(handle)
            return subprocess.Popen(
                cmd,
                cwd=cwd,
                env=env,
                stdout=handle,
                stderr=subprocess.STDOUT,
                # own process group, so stopping it also stops the workers it forks
                start_new_session=True,
            )

        return launch

    launchers = {name: launcher(name) for name in commands}
    try:
        for name, launch in launchers.items():
            processes[name] = launch()
        stack = Stack(
            api_url=f"http://127.0.0.1:{api_port}",
            rasa_url=settings.rasa_url,
            rasa_token=token,
            action_url=settings.action_server_url,
            database_url=database_url,
            tracker_store_url=settings.tracker_store_url,
            models_dir=settings.models_dir,
            processes=processes,
            logs=workdir,
            launchers=launchers,
        )
        _wait_healthy(stack)
        yield stack
    finally:
        for process in processes.values():
            _stop_group(process)
        for handle in handles:
            handle.close()


def _stop_group(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM the process and everything it started; SIGKILL what is left after 30 s."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=30)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


def _wait_healthy(stack: Stack) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        for name, process in stack.processes.items():
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited early:\n{stack.log_tail(name)}")
        try:
            if httpx.get(f"{stack.api_url}/healthz", timeout=5).json().get("status") == "ok":
                return
        except (httpx.HTTPError, ValueError):
            pass
        time.sleep(2)
    logs = "\n".join(f"--- {n}\n{stack.log_tail(n)}" for n in stack.processes)
    raise RuntimeError(f"stack not healthy within {START_TIMEOUT}s\n{logs}")
