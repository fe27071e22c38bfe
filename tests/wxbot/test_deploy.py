"""The reference deployment (deploy/, docs/deployment.md) against the code it runs: the units
start commands that exist with options the code accepts, the env file names real settings, the
nginx site fits the API's limits, and the backup script makes dumps PostgreSQL can restore.

nginx, systemd-analyze, pg_dump and PostgreSQL are used when the machine has them (skipped
otherwise); none is a requirement of the project."""

from __future__ import annotations

import configparser
import datetime as dt
import http.server
import ipaddress
import os
import re
import shlex
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import click
import httpx
import pytest
import typer
from dotenv import dotenv_values
from typer.testing import CliRunner

from core.config import PROJECT_ROOT, Settings
from wxbot.cli import app as wxbot_app
from wxbot.endpoints import endpoints
from wxbot.rasa import rasa_env
from wxbot.stack import free_port

DEPLOY = PROJECT_ROOT / "deploy"
SYSTEMD = DEPLOY / "systemd"
DROP_INS = sorted((SYSTEMD / "three-machines").glob("*.service.d/*.conf"))
UNIT_FILES = sorted([*SYSTEMD.glob("*.service"), *SYSTEMD.glob("*.timer")])
SERVICES = sorted(SYSTEMD.glob("*.service"))
NGINX_SITE = DEPLOY / "nginx" / "wxbot.conf"
NGINX_MODELS = DEPLOY / "nginx" / "wxbot-models.conf"
ENV_EXAMPLE = DEPLOY / "wxbot.env.example"
BACKUP = DEPLOY / "backup" / "wxbot-backup"
DOC = PROJECT_ROOT / "docs" / "deployment.md"
INSTALL_DIR = "/opt/wxbot"  # where the units expect the checkout

# Set (not left at a default) in the production env file, each for a reason:
REQUIRED_IN_PRODUCTION = {
    "ENVIRONMENT": "production refuses to start without secrets, and turns on Secure cookies",
    "DATABASE_URL": "the default is SQLite under var/, not shared by workers or machines",
    "TRACKER_STORE_URL": "the same, for Rasa's conversations",
    "REDIS_URL": "lock store for 2 Rasa workers; rate limits shared by the API workers",
    "RASA_URL": "named so that three machines change one visible line",
    "ACTION_SERVER_URL": "the same",
    "RASA_TOKEN": "required in production",
    "SECRET_KEY": "required in production",
    "API_HOST": "the API unit's --host and nginx's upstream",
    "API_PORT": "the API unit's --port and nginx's upstream",
    "TRUSTED_PROXIES": "must be the address nginx connects from",
}
# Settings not shown in the env file, with the reason. None: every setting is either set or
# shown with its default, so the operator sees all of them in one file.
NOT_IN_ENV_FILE: dict[str, str] = {}
# Environment variables the docs may name that are not Settings fields: read by other programs.
PROCESS_VARIABLES = {
    "SANIC_WORKERS": "Rasa's and rasa-sdk's worker count",
    "SANIC_HOST": "rasa-sdk's listening address",
    "BACKUP_DIR": "deploy/backup/wxbot-backup",
    "BACKUP_KEEP_DAYS": "deploy/backup/wxbot-backup",
    "WXBOT_CACHE": "wxbot.training's model cache",
    "PGPASSWORD": "libpq",
}


# --- reading the files ------------------------------------------------------------------------


def parse_unit(path: Path) -> dict[str, dict[str, list[str]]]:
    """A systemd unit (or drop-in) as section -> key -> values, in order: a key may repeat
    (Environment=, or an empty ExecStart= that resets the list)."""
    sections: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] | None = None
    pending = ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = pending + raw.strip()
        pending = ""
        if line.endswith("\\"):
            pending = line[:-1] + " "
            continue
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], {})
            continue
        assert current is not None, f"{path.name}: {line!r} outside a section"
        key, sep, value = line.partition("=")
        assert sep, f"{path.name}: not a key=value line: {line!r}"
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


def with_drop_in(service: Path) -> dict[str, dict[str, list[str]]]:
    """A unit as systemd reads it with the three-machine drop-ins: an empty value resets."""
    unit = parse_unit(service)
    for drop_in in DROP_INS:
        if drop_in.parent.name != f"{service.name}.d":
            continue
        for section, keys in parse_unit(drop_in).items():
            for key, values in keys.items():
                merged = unit.setdefault(section, {}).setdefault(key, [])
                for value in values:
                    if value == "":
                        merged.clear()
                    else:
                        merged.append(value)
    return unit


def commands(unit: dict[str, dict[str, list[str]]]) -> list[list[str]]:
    """ExecStartPre and ExecStart command lines, split as systemd does (prefixes dropped)."""
    found = []
    for key in ("ExecStartPre", "ExecStart"):
        for value in unit.get("Service", {}).get(key, []):
            if value:
                found.append(shlex.split(value.lstrip("-@:+!")))
    return found


def unit_environment(unit: dict[str, dict[str, list[str]]]) -> dict[str, str]:
    env: dict[str, str] = {}
    for value in unit.get("Service", {}).get("Environment", []):
        for item in shlex.split(value):
            name, _, val = item.partition("=")
            env[name] = val
    return env


def option(argv: list[str], name: str) -> str:
    return argv[argv.index(name) + 1]


def in_repo(path: str) -> Path:
    assert path.startswith(INSTALL_DIR + "/") or path == INSTALL_DIR, path
    return PROJECT_ROOT / path.removeprefix(INSTALL_DIR).lstrip("/")


def env_example() -> tuple[dict[str, str], dict[str, str]]:
    """(set, shown with their default) NAME -> value of the production env file."""
    active: dict[str, str] = {}
    defaults: dict[str, str] = {}
    for number, line in enumerate(ENV_EXAMPLE.read_text(encoding="utf-8").splitlines(), 1):
        if match := re.fullmatch(r"#\s?([A-Z][A-Z0-9_]*)=(.*)", line):
            defaults[match[1]] = match[2]
        elif line and not line.startswith("#"):
            name, sep, value = line.partition("=")
            assert sep and re.fullmatch(r"[A-Z][A-Z0-9_]*", name), f"line {number}: {line!r}"
            active[name] = value
    return active, defaults


def settings_names() -> set[str]:
    return {name.upper() for name in Settings.model_fields}


def production_settings(monkeypatch: pytest.MonkeyPatch) -> Settings:
    for name in settings_names():
        monkeypatch.delenv(name, raising=False)
    active, _ = env_example()
    return Settings(_env_file=None, **{k.lower(): v for k, v in active.items()})  # type: ignore[arg-type]


def nginx_text(path: Path) -> str:
    """The configuration without comments."""
    return "\n".join(line.split("#", 1)[0] for line in path.read_text().splitlines())


def directive(text: str, name: str) -> list[str]:
    return [m.strip() for m in re.findall(rf"^\s*{name}\s+([^;{{}}]+);", text, re.MULTILINE)]


def size_bytes(value: str) -> int:
    units = {"k": 1024, "m": 1024**2, "g": 1024**3}
    return int(value[:-1]) * units[value[-1].lower()] if value[-1].isalpha() else int(value)


def seconds(value: str) -> float:
    return float(value.removesuffix("s"))


def location_block(text: str, prefix: str) -> str:
    match = re.search(rf"location\s+{re.escape(prefix)}\s*\{{([^}}]*)\}}", text)
    assert match, f"no location {prefix}"
    return match[1]


# --- systemd ----------------------------------------------------------------------------------


def test_there_are_the_units_the_doc_describes() -> None:
    names = {p.name for p in UNIT_FILES}
    assert names == {
        "wxbot-api.service",
        "wxbot-rasa.service",
        "wxbot-actions.service",
        "wxbot-tracker-prune.service",
        "wxbot-tracker-prune.timer",
        "wxbot-backup.service",
        "wxbot-backup.timer",
    }
    assert {p.parent.name for p in DROP_INS} == {"wxbot-rasa.service.d", "wxbot-actions.service.d"}


@pytest.mark.parametrize("path", [*UNIT_FILES, *DROP_INS], ids=lambda p: p.name)
def test_unit_is_ini(path: Path) -> None:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(path.read_text(encoding="utf-8"))
    assert parser.sections()
    assert parse_unit(path)


@pytest.mark.parametrize("path", SERVICES, ids=lambda p: p.name)
def test_service_runs_as_wxbot_hardened(path: Path) -> None:
    service = parse_unit(path)["Service"]
    assert service["User"] == ["wxbot"]
    assert service["EnvironmentFile"] == ["/etc/wxbot/wxbot.env"]
    assert in_repo(service["WorkingDirectory"][0]).is_dir()
    assert service["NoNewPrivileges"] == ["yes"]
    assert service["ProtectSystem"] == ["strict"]
    assert service["ProtectHome"] == ["yes"]
    assert service["PrivateTmp"] == ["yes"]
    writable = " ".join(service["ReadWritePaths"]).split()
    if path.name == "wxbot-backup.service":
        assert writable == [unit_environment(parse_unit(path))["BACKUP_DIR"]]
    else:
        # var/ (endpoints.yml, models, training jobs) and the home with the training cache
        assert f"{INSTALL_DIR}/var" in writable
        assert "/var/lib/wxbot" in writable and service["StateDirectory"] == ["wxbot"]
    if service.get("Type", ["simple"]) != ["oneshot"]:
        assert service["Restart"] == ["on-failure"]
        assert parse_unit(path)["Install"]["WantedBy"] == ["multi-user.target"]


def _program_exists(program: str) -> None:
    """A unit's program is one the project installs where the unit looks for it."""
    path = in_repo(program)
    relative = path.relative_to(PROJECT_ROOT)
    if relative.parts[:2] == (".venv", "bin"):
        # the installed app environment (the tests run in it) has this script
        assert (Path(sys.executable).parent / relative.name).exists(), program
    elif relative.parts[:2] == (".venv-rasa", "bin"):
        assert relative.name == "rasa"
        pins = (PROJECT_ROOT / "bot" / "requirements.txt").read_text()
        assert re.search(r"^rasa==", pins, re.MULTILINE)
    else:
        assert path.is_file() and os.access(path, os.X_OK), program


@pytest.mark.parametrize("path", SERVICES, ids=lambda p: p.name)
def test_programs_are_installed_by_the_project(path: Path) -> None:
    for argv in commands(with_drop_in(path)):
        _program_exists(argv[0])


def _wxbot_commands() -> list[list[str]]:
    found = []
    for path in SERVICES:
        for argv in commands(with_drop_in(path)):
            if argv[0] == f"{INSTALL_DIR}/.venv/bin/wxbot":
                found.append(argv[1:])
    return found


def test_wxbot_commands_of_the_units_exist_with_their_options() -> None:
    found = _wxbot_commands()
    assert ["tracker", "prune"] in found
    assert any(args[:2] == ["bot", "endpoints"] for args in found)
    group: click.Command = typer.main.get_command(wxbot_app)
    for args in found:
        command, rest, path = group, list(args), []
        while isinstance(command, click.Group) and rest and rest[0] in command.commands:
            path.append(rest.pop(0))
            command = command.commands[path[-1]]
        assert not isinstance(command, click.Group), f"wxbot {' '.join(args)}: no such command"
        result = CliRunner().invoke(wxbot_app, [*path, "--help"])
        assert result.exit_code == 0, result.output
        # the options parse as the real command would parse them (without running it)
        command.make_context(" ".join(path), list(rest))


def test_api_unit_runs_the_app_factory_without_uvicorn_proxy_headers() -> None:
    (argv,) = commands(parse_unit(SYSTEMD / "wxbot-api.service"))
    assert Path(argv[0]).name == "uvicorn"
    assert "--factory" in argv
    target = next(a for a in argv[1:] if not a.startswith("-") and ":" in a)
    module, _, name = target.partition(":")
    assert callable(getattr(__import__(module, fromlist=[name]), name))
    assert "--no-proxy-headers" in argv and "--proxy-headers" not in argv
    assert "--forwarded-allow-ips" not in " ".join(argv)
    assert int(option(argv, "--workers")) == 2
    assert (option(argv, "--host"), option(argv, "--port")) == ("${API_HOST}", "${API_PORT}")
    procfile = (PROJECT_ROOT / "Procfile").read_text()
    assert re.search(r"^api: .*--no-proxy-headers", procfile, re.MULTILINE)
    service = parse_unit(SYSTEMD / "wxbot-api.service")["Service"]
    assert service["ExecReload"] == ["/bin/kill -HUP $MAINPID"]  # uvicorn: replace workers


def test_api_listens_where_nginx_proxies_to_and_trusts_only_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = production_settings(monkeypatch)
    assert ipaddress.ip_address(settings.api_host).is_loopback
    (upstream,) = directive(nginx_text(NGINX_SITE), "server")
    assert upstream == f"{settings.api_host}:{settings.api_port}"
    assert settings.trusted_proxies.split(",") == [settings.api_host]  # nginx's own address


def test_rasa_unit_is_the_procfile_command_with_its_endpoints_written_first(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    unit = parse_unit(SYSTEMD / "wxbot-rasa.service")
    pre, run = commands(unit)
    assert pre[1:3] == ["bot", "endpoints"]
    assert option(run, "--endpoints") == option(pre, "--out")
    procfile = (PROJECT_ROOT / "Procfile").read_text()
    line = re.search(r"^rasa: cd bot && (.*)$", procfile, re.MULTILINE)
    assert line
    expected = shlex.split(line[1])
    assert Path(run[0]).name == "rasa" and run[1:3] == expected[1:3] == ["run", "--enable-api"]
    for name in ("-i", "-p", "--credentials"):
        assert option(run, name) == option(expected, name)
    assert option(run, "--auth-token") == "${RASA_TOKEN}"
    workdir = in_repo(unit["Service"]["WorkingDirectory"][0])
    assert workdir == PROJECT_ROOT / "bot"
    assert (workdir / option(run, "--credentials")).is_file()
    env = unit_environment(unit)
    # the environment wxbot gives every Rasa process
    for name, value in rasa_env().items():
        if os.environ.get(name) != value:
            assert env.get(name) == value, name
    # several workers need the Redis lock store and a shared tracker store
    assert int(env["SANIC_WORKERS"]) == 2
    written = endpoints(production_settings(monkeypatch))
    assert written["lock_store"]["type"] == "redis"
    assert written["tracker_store"]["dialect"] == "postgresql"


def _private(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    return (ip.is_loopback or ip.is_private) and not ip.is_unspecified


def test_action_server_listens_on_loopback_or_a_private_address(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = SYSTEMD / "wxbot-actions.service"
    for unit in (parse_unit(path), with_drop_in(path)):
        (argv,) = commands(unit)
        assert argv[1:5] == ["-m", "rasa_sdk", "--actions", "actions"]
        assert (PROJECT_ROOT / "actions" / "__init__.py").is_file()
        env = unit_environment(unit)
        assert _private(env["SANIC_HOST"]), env["SANIC_HOST"]
        port = int(option(argv, "-p"))
    assert with_drop_in(path) != parse_unit(path)
    assert ipaddress.ip_address(unit_environment(parse_unit(path))["SANIC_HOST"]).is_loopback
    assert urlsplit(production_settings(monkeypatch).action_server_url).port == port


def test_rasa_on_three_machines_listens_on_a_private_address() -> None:
    path = SYSTEMD / "wxbot-rasa.service"
    unit = with_drop_in(path)
    (run,) = [argv for argv in commands(unit) if Path(argv[0]).name == "rasa"]
    assert _private(option(run, "-i")) and not ipaddress.ip_address(option(run, "-i")).is_loopback
    assert ipaddress.ip_address(option(commands(parse_unit(path))[1], "-i")).is_loopback


def _clock(unit: dict[str, dict[str, list[str]]]) -> dt.time:
    (calendar,) = unit["Timer"]["OnCalendar"]
    return dt.time.fromisoformat(calendar.split()[-1])


def test_timers_start_their_service_daily_and_prune_before_the_backup() -> None:
    for name in ("wxbot-tracker-prune", "wxbot-backup"):
        timer = parse_unit(SYSTEMD / f"{name}.timer")
        assert timer["Timer"]["Unit"] == [f"{name}.service"]
        assert (SYSTEMD / f"{name}.service").is_file()
        assert timer["Timer"]["Persistent"] == ["true"]
        assert timer["Timer"]["OnCalendar"][0].startswith("*-*-* ")
        assert timer["Install"]["WantedBy"] == ["timers.target"]
    # the night's dump then holds the conversations already masked
    prune = parse_unit(SYSTEMD / "wxbot-tracker-prune.timer")
    backup = parse_unit(SYSTEMD / "wxbot-backup.timer")
    assert _clock(prune) < _clock(backup)


def test_systemd_knows_every_directive(tmp_path: Path) -> None:
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze not installed")
    for path in UNIT_FILES:
        shutil.copy(path, tmp_path)
    for drop_in in DROP_INS:
        (tmp_path / drop_in.parent.name).mkdir(exist_ok=True)
        shutil.copy(drop_in, tmp_path / drop_in.parent.name)
    result = subprocess.run(
        ["systemd-analyze", "verify", *(p.name for p in UNIT_FILES)],
        cwd=tmp_path,
        env={**os.environ, "SYSTEMD_UNIT_PATH": f"{tmp_path}:"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    # /opt/wxbot is not installed here; anything else (an unknown key, a bad value) is a fault
    problems = [
        line
        for line in (result.stdout + result.stderr).splitlines()
        if line.strip() and "is not executable: No such file or directory" not in line
    ]
    assert not problems, "\n".join(problems)


# --- the env file -----------------------------------------------------------------------------


def test_env_file_names_only_real_settings_and_all_of_them() -> None:
    active, defaults = env_example()
    assert not set(active) & set(defaults), "a setting both set and shown with its default"
    named = set(active) | set(defaults)
    assert named <= settings_names(), f"not settings: {sorted(named - settings_names())}"
    missing = settings_names() - named - set(NOT_IN_ENV_FILE)
    assert not missing, f"settings missing from {ENV_EXAMPLE.name}: {sorted(missing)}"
    assert set(REQUIRED_IN_PRODUCTION) <= set(active)


def test_env_file_shows_the_true_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in settings_names():
        monkeypatch.delenv(name, raising=False)
    _, defaults = env_example()
    default = Settings(_env_file=None)
    for name, value in defaults.items():
        field = name.lower()
        expected = getattr(default, field)
        if value == "":
            assert expected in (None, ""), f"{name}: default is {expected!r}"
            continue
        shown = getattr(Settings(_env_file=None, **{field: value}), field)  # type: ignore[arg-type]
        if isinstance(expected, Path):
            expected, shown = expected, PROJECT_ROOT / shown
        assert shown == expected, f"{name}={value} but the default is {expected!r}"


def test_env_file_reads_the_same_in_systemd_and_pydantic_settings() -> None:
    active, _ = env_example()
    assert dotenv_values(ENV_EXAMPLE) == active
    for name, value in active.items():
        assert not re.search(r"[\s'\"\\$#]", value), f"{name}: quote, space, $ or # in {value!r}"
    assert not re.search(r"[\u3000-\u9fff\uff00-\uffef]", ENV_EXAMPLE.read_text())


def test_env_file_is_a_production_configuration_with_placeholder_secrets(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = production_settings(monkeypatch)
    assert settings.environment == "production"
    assert settings.cookies_secure and not settings.docs_public
    assert settings.rasa_token and settings.rasa_token.startswith("CHANGE_ME")
    assert settings.secret_key and settings.secret_key.startswith("CHANGE_ME")
    for url in (settings.database_url, settings.tracker_store_url):
        parts = urlsplit(url)
        assert parts.scheme == "postgresql" and (parts.password or "").startswith("CHANGE_ME")
    assert urlsplit(settings.redis_url or "").scheme == "redis"


def test_doc_names_only_real_settings_and_links_every_deploy_file() -> None:
    text = DOC.read_text(encoding="utf-8")
    known = settings_names() | set(PROCESS_VARIABLES)
    named = set(re.findall(r"`([A-Z][A-Z0-9]*_[A-Z0-9_]+)(?:=[^`]*)?`", text))
    assert named, "the doc names no settings"
    assert named <= known, f"not settings: {sorted(named - known)}"
    for path in sorted(DEPLOY.rglob("*")):
        if path.is_file():
            relative = path.relative_to(PROJECT_ROOT).as_posix()
            assert f"]({'../' + relative})" in text, f"{relative} is not linked from the doc"


# --- nginx ------------------------------------------------------------------------------------


def test_nginx_site_fits_the_api_limits() -> None:
    from api.admin.import_view import MAX_UPLOAD_BYTES

    text = nginx_text(NGINX_SITE)
    defaults = Settings(_env_file=None, environment="development")
    server_limit, admin_limit = (size_bytes(v) for v in directive(text, "client_max_body_size"))
    assert server_limit > defaults.max_body_bytes  # the API's own 413 (in Chinese) comes first
    assert "client_max_body_size" in location_block(text, "/admin")
    assert admin_limit > MAX_UPLOAD_BYTES
    assert seconds(directive(text, "proxy_read_timeout")[0]) > defaults.rasa_timeout
    assert seconds(directive(text, "proxy_send_timeout")[0]) > defaults.rasa_timeout


@pytest.mark.parametrize("path", [NGINX_SITE, NGINX_MODELS], ids=lambda p: p.name)
def test_nginx_proxies_only_to_the_api(path: Path) -> None:
    text = nginx_text(path)
    assert not re.search(r":50(05|55)\b", text)
    assert set(directive(text, "proxy_pass")) == {"http://wxbot_api"}
    headers = directive(text, "proxy_set_header")
    assert "X-Forwarded-For $remote_addr" in headers  # replaced: a client cannot add to it
    assert "X-Forwarded-Proto $scheme" in headers
    for log in directive(text, "access_log"):
        assert log.split()[-1] == "wxbot_noquery"


def test_nginx_logs_no_query_strings_and_keeps_the_model_server_private() -> None:
    text = nginx_text(NGINX_SITE)
    (log_format,) = re.findall(r"log_format\s+wxbot_noquery\s+([^;]+);", text)
    for variable in ("$request ", '$request"', "$request_uri", "$args", "$query_string", "$arg_"):
        assert variable not in log_format
    assert "$uri" in log_format
    assert "return 404" in location_block(text, "/api/models/")
    assert re.search(r"return 301 https://", text)
    models = nginx_text(NGINX_MODELS)
    assert "deny all" in models and "location = /api/models/live" in models


class _Upstream(http.server.ThreadingHTTPServer):
    seen: list[dict[str, Any]]


class _Echo(http.server.BaseHTTPRequestHandler):
    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        server: _Upstream = self.server  # type: ignore[assignment]
        server.seen.append({"path": self.path, "headers": dict(self.headers), "size": length})
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    do_GET = do_POST = _answer

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def upstream() -> Iterator[_Upstream]:
    server = _Upstream(("127.0.0.1", 0), _Echo)
    server.seen = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _openssl_cert(directory: Path) -> tuple[Path, Path]:
    cert, key = directory / "cert.pem", directory / "key.pem"
    command = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
    command += ["-keyout", str(key), "-out", str(cert), "-subj", "/CN=assistant.example.gov.cn"]
    subprocess.run(command, check=True, capture_output=True)
    return cert, key


def test_nginx_accepts_the_site_and_proxies_as_described(
    tmp_path: Path, upstream: _Upstream
) -> None:
    """The real nginx with the site (cert, log paths, ports and the upstream swapped for test
    ones): redirect, forwarded headers, body limits, the model server closed to the public."""
    nginx = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if nginx is None or shutil.which("openssl") is None:
        pytest.skip("nginx or openssl not installed")
    cert, key = _openssl_cert(tmp_path)
    logs = tmp_path / "logs"
    logs.mkdir()
    http_port, https_port, models_port = free_port(), free_port(), free_port()
    api = f"127.0.0.1:{upstream.server_address[1]}"
    site = NGINX_SITE.read_text()
    site = site.replace("/etc/ssl/wxbot/fullchain.pem", str(cert))
    site = site.replace("/etc/ssl/wxbot/privkey.pem", str(key))
    site = re.sub(r"^\s*listen \[::\].*$", "", site, flags=re.MULTILINE)
    site = site.replace("listen 80;", f"listen 127.0.0.1:{http_port};")
    site = site.replace("listen 443 ssl", f"listen 127.0.0.1:{https_port} ssl")
    site = site.replace("server 127.0.0.1:8000;", f"server {api};")
    models = NGINX_MODELS.read_text().replace("10.0.0.11:8081", f"127.0.0.1:{models_port}")
    models = models.replace("allow 10.0.0.12;", "allow 127.0.0.1;")
    for name, text in (("wxbot.conf", site), ("wxbot-models.conf", models)):
        (tmp_path / name).write_text(text.replace("/var/log/nginx/", f"{logs}/"))
    temp = "".join(
        f"{kind}_temp_path {tmp_path / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (tmp_path / "nginx.conf").write_text(
        f"daemon off; master_process off; pid {tmp_path / 'nginx.pid'};\n"
        f"error_log {logs / 'error.log'};\nevents {{}}\n"
        f"http {{ {temp} include {tmp_path / 'wxbot.conf'}; "
        f"include {tmp_path / 'wxbot-models.conf'}; }}\n"
    )
    base = [
        nginx,
        "-p",
        str(tmp_path),
        "-c",
        str(tmp_path / "nginx.conf"),
        "-e",
        str(logs / "e.log"),
    ]
    check = subprocess.run([*base, "-t"], capture_output=True, text=True, timeout=30)
    assert check.returncode == 0, check.stderr
    process = subprocess.Popen(base, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        site_url = f"https://127.0.0.1:{https_port}"
        with httpx.Client(verify=False, timeout=10) as client:
            for _ in range(100):
                try:
                    client.get(f"http://127.0.0.1:{http_port}/")
                    break
                except httpx.TransportError:
                    time.sleep(0.05)
            redirect = client.get(f"http://127.0.0.1:{http_port}/chat?a=1")
            assert redirect.status_code == 301
            assert redirect.headers["location"] == "https://assistant.example.gov.cn/chat?a=1"

            lookup = client.get(
                f"{site_url}/api/bookings/TJ20261208-0003?phone=13812345678",
                headers={"X-Forwarded-For": "203.0.113.9", "Host": "assistant.example.gov.cn"},
            )
            assert lookup.status_code == 200
            seen = upstream.seen[-1]["headers"]
            assert seen["X-Forwarded-For"] == "127.0.0.1"  # the client's claim is dropped
            assert seen["X-Forwarded-Proto"] == "https"
            assert seen["Host"] == "assistant.example.gov.cn"

            assert client.post(f"{site_url}/wechat", content=b"x" * 100_000).status_code == 200
            assert upstream.seen[-1]["path"] == "/wechat"
            assert client.post(f"{site_url}/api/chat", content=b"x" * 200_000).status_code == 413
            upload = client.post(f"{site_url}/admin/import", content=b"x" * 1_000_000)
            assert upload.status_code == 200

            before = len(upstream.seen)
            assert client.get(f"{site_url}/api/models/live").status_code == 404
            assert len(upstream.seen) == before  # never reached the API

            pull = client.get(
                f"http://127.0.0.1:{models_port}/api/models/live",
                headers={"Authorization": "Bearer t", "If-None-Match": '"wx-1"'},
            )
            assert pull.status_code == 200
            assert upstream.seen[-1]["headers"]["Authorization"] == "Bearer t"
            assert upstream.seen[-1]["headers"]["If-None-Match"] == '"wx-1"'
            assert client.get(f"http://127.0.0.1:{models_port}/chat").status_code == 404
    finally:
        process.terminate()
        process.wait(timeout=10)
    access = (logs / "wxbot.access.log").read_text()
    assert "/api/bookings/TJ20261208-0003" in access
    assert "13812345678" not in access and "phone=" not in access


# --- the backup script ------------------------------------------------------------------------


def test_backup_script_is_valid_bash() -> None:
    text = BACKUP.read_text()
    assert text.startswith("#!/usr/bin/env bash\n") and "set -euo pipefail" in text
    assert os.access(BACKUP, os.X_OK)
    subprocess.run(["bash", "-n", str(BACKUP)], check=True)


def _run_backup(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BACKUP)], env={**os.environ, **env}, capture_output=True, text=True, timeout=300
    )


def test_backup_keeps_passwords_off_the_command_line_and_prunes_old_folders(
    tmp_path: Path,
) -> None:
    """With stand-ins for pg_dump and pg_restore that record how they were called."""
    bin_dir, calls = tmp_path / "bin", tmp_path / "calls"
    bin_dir.mkdir()
    (bin_dir / "pg_dump").write_text(
        '#!/usr/bin/env bash\necho "pg_dump ${PGPASSWORD-<unset>} $*" >> "$CALLS"\n'
        'for a in "$@"; do case "$a" in --file=*) echo dump > "${a#--file=}";; esac; done\n'
    )
    (bin_dir / "pg_restore").write_text('#!/usr/bin/env bash\necho "pg_restore $*" >> "$CALLS"\n')
    for stub in bin_dir.iterdir():
        stub.chmod(0o755)
    backups, models = tmp_path / "backups", tmp_path / "models"
    models.mkdir()
    (models / "wx-0123456789abcdef.tar.gz").write_bytes(b"model")
    backups.mkdir()
    old, recent, other = (
        backups / "2020-01-01T020000",
        backups / "2099-01-01T020000",
        backups / "keep-me",
    )
    for folder in (old, recent, other):
        folder.mkdir()
    long_ago = time.time() - 30 * 86400
    for folder in (old, other):
        os.utime(folder, (long_ago, long_ago))
    env = {
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "CALLS": str(calls),
        "DATABASE_URL": "postgresql+psycopg://wxbot:p%40ss@db.example:5432/wxbot",
        "TRACKER_STORE_URL": "postgresql://wxbot@db.example/wxbot_tracker",
        "BACKUP_DIR": str(backups),
        "BACKUP_KEEP_DAYS": "14",
        "MODELS_DIR": str(models),
    }
    result = _run_backup(env)
    assert result.returncode == 0, result.stderr
    log = calls.read_text().splitlines()
    app_dump, tracker_dump = (line for line in log if line.startswith("pg_dump"))
    assert app_dump.startswith("pg_dump p@ss ")  # decoded, in PGPASSWORD only
    assert (
        "p%40ss" not in app_dump and "--dbname=postgresql://wxbot@db.example:5432/wxbot" in app_dump
    )
    assert tracker_dump.startswith("pg_dump <unset> ")
    assert "--format=custom" in app_dump
    assert sum(line.startswith("pg_restore --list") for line in log) == 2
    (made,) = [
        p
        for p in backups.iterdir()
        if re.fullmatch(r"\d{4}-\d\d-\d\dT\d{6}", p.name) and p not in (old, recent)
    ]
    assert sorted(p.name for p in made.iterdir()) == ["app.dump", "tracker.dump"]
    assert (backups / "models" / "wx-0123456789abcdef.tar.gz").read_bytes() == b"model"
    assert not old.exists() and recent.exists() and other.exists()
    assert not list(backups.glob(".partial-*"))

    refused = _run_backup({**env, "DATABASE_URL": "sqlite:///var/app.db"})
    assert refused.returncode != 0 and "DATABASE_URL is not a PostgreSQL URL" in refused.stderr


@pytest.mark.postgres
def test_backup_dumps_both_databases_and_the_documented_restore_works(tmp_path: Path) -> None:
    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        pytest.skip("pg_dump / pg_restore not installed")
    import psycopg

    from tests.services import temporary_postgres_database

    def conninfo(url: str) -> str:
        return url.replace("postgresql+psycopg://", "postgresql://")

    with (
        temporary_postgres_database() as app_url,
        temporary_postgres_database() as tracker_url,
        temporary_postgres_database() as restored_url,
    ):
        with psycopg.connect(conninfo(app_url), autocommit=True) as db:
            db.execute("CREATE TABLE bookings (reference text, phone text)")
            db.execute("INSERT INTO bookings VALUES ('TJ20261208-0003', '13812345678')")
        with psycopg.connect(conninfo(tracker_url), autocommit=True) as db:
            db.execute("CREATE TABLE events (sender_id text)")
        result = _run_backup(
            {
                "DATABASE_URL": app_url,
                "TRACKER_STORE_URL": tracker_url,
                "BACKUP_DIR": str(tmp_path),
                "MODELS_DIR": str(tmp_path / "no-models"),
            }
        )
        assert result.returncode == 0, result.stderr
        (folder,) = [p for p in tmp_path.iterdir() if p.is_dir()]
        for name, table in (("app", "bookings"), ("tracker", "events")):
            listing = subprocess.run(
                ["pg_restore", "--list", str(folder / f"{name}.dump")],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            assert f"TABLE public {table} " in listing
        # the restore command of the script's header and of docs/deployment.md
        restore = ["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction"]
        restore += [f"--dbname={conninfo(restored_url)}", str(folder / "app.dump")]
        subprocess.run(restore, check=True, capture_output=True)
        with psycopg.connect(conninfo(restored_url)) as db:
            row = db.execute("SELECT reference, phone FROM bookings").fetchone()
        assert row == ("TJ20261208-0003", "13812345678")
