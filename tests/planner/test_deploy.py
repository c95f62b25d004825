"""Production settings, the server command, the image and the session store."""

import datetime as dt
import os
import re
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db.utils import ConnectionHandler
from django.utils import timezone

from planner.settings import database

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DEBUG": "false",
    "HTTPS": "true",
    "ALLOWED_HOSTS": "planner.example.org",
    "SECRET_KEY": "k7Hq2-production-like-secret-key-for-tests-only-9fZx81LmQpW4",
}
SERVE_COMMAND = "gunicorn -c gunicorn.conf.py planner.wsgi"


def run_with_production_env(*args):
    # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE for Playwright; production never does.
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("SECURE_") and key != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    env.update(PRODUCTION_ENV)
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_passes_with_production_settings():
    result = run_with_production_env("manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_settings_send_hsts_and_secure_cookies():
    result = run_with_production_env(
        "-c",
        "from planner import settings as s; print(s.DEBUG, s.SECURE_HSTS_SECONDS, "
        "s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)",
    )
    assert result.stdout.split() == ["False", "31536000", "True", "True", "True"], result.stderr


def test_every_silenced_check_has_its_reason_beside_it():
    source = (ROOT / "planner" / "settings.py").read_text()
    block = re.search(r"SILENCED_SYSTEM_CHECKS = \[\n(.*?)\n\]", source, re.S).group(1)
    lines = block.splitlines()
    silenced = [index for index, line in enumerate(lines) if line.strip().startswith('"')]
    assert silenced
    assert all(index > 0 and lines[index - 1].strip().startswith("#") for index in silenced)


@pytest.mark.django_db  # lifts pytest-django's block on opening connections
def test_sqlite_runs_in_wal_mode(tmp_path):
    connections = ConnectionHandler(
        {"default": database(url="", sqlite_path=str(tmp_path / "db.sqlite3"), conn_max_age=0)}
    )
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
    finally:
        connections.close_all()


@pytest.mark.django_db
def test_clearsessions_deletes_expired_sessions(settings):
    now = timezone.now()
    Session.objects.create(session_key="old", session_data="", expire_date=now - dt.timedelta(1))
    Session.objects.create(session_key="new", session_data="", expire_date=now + dt.timedelta(1))
    call_command("clearsessions")
    assert list(Session.objects.values_list("session_key", flat=True)) == ["new"]


def gunicorn_config(monkeypatch, **env):
    for name in ("BIND", "PORT", "WEB_CONCURRENCY"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "gunicorn.conf.py"))


def test_gunicorn_listens_on_port(monkeypatch):
    assert gunicorn_config(monkeypatch, PORT="9123")["bind"] == "0.0.0.0:9123"


def test_gunicorn_bind_overrides_port(monkeypatch):
    config = gunicorn_config(monkeypatch, PORT="9123", BIND="127.0.0.1:9000")
    assert config["bind"] == "127.0.0.1:9000"


def test_gunicorn_preloads_the_app_and_masks_its_logs(monkeypatch):
    config = gunicorn_config(monkeypatch)
    assert (config["preload_app"], config["logger_class"], config["workers"]) == (
        True,
        "planner_ops.gunicorn_logging.MaskingLogger",
        2,
    )


def test_make_serve_and_the_docker_image_run_the_same_server_command():
    makefile = (ROOT / "Makefile").read_text()
    serve = re.search(r"^serve:.*?(?=^\S)", makefile, re.S | re.M).group(0)
    dockerfile = (ROOT / "Dockerfile").read_text()
    cmd = next(line for line in dockerfile.splitlines() if line.startswith("CMD"))
    assert SERVE_COMMAND in serve
    assert SERVE_COMMAND in cmd
    assert "DEBUG=false" in serve
    assert "collectstatic" in serve
    assert "collectstatic" in dockerfile


def test_docker_image_is_slim_runs_as_a_user_and_probes_healthz():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11-slim", dockerfile, re.M)
    assert re.search(r"^USER (?!root)\w+", dockerfile, re.M)
    assert re.search(r"^HEALTHCHECK .*\n.*/healthz", dockerfile, re.M)
    assert "libpango" in dockerfile


def test_compose_runs_the_app_with_postgresql():
    compose = (ROOT / "compose.yaml").read_text()
    assert "image: postgres:16" in compose
    assert "DATABASE_URL: postgres://" in compose
    assert "SECRET_KEY: ${SECRET_KEY:?" in compose


def test_compose_has_no_default_database_password():
    compose = (ROOT / "compose.yaml").read_text()
    assert "POSTGRES_PASSWORD:-" not in compose
    assert compose.count("${POSTGRES_PASSWORD:?") == 2


@pytest.mark.parametrize("trust", ["", "false"])
def test_gunicorn_trusts_no_forwarded_scheme_unless_told(monkeypatch, trust):
    monkeypatch.setenv("TRUST_X_FORWARDED_PROTO", trust)
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert config["forwarded_allow_ips"] == ""
    assert config["secure_scheme_headers"] == {}


def test_every_caller_passes_a_long_secret_key():
    ci = (ROOT / ".ci" / "run").read_text()
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "SECRET_KEY=ci " not in ci
    for key in re.findall(r"SECRET_KEY=([\w-]+)", dockerfile):
        assert len(key) >= 50
