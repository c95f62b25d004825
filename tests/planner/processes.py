"""Real server and worker processes against the test database, for tests that need them."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
SECRET_KEY = "processes-test-" + "k" * 40


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_database_env() -> dict:
    """Return the environment that points a new process at this test run's database."""
    database = connection.settings_dict
    if connection.vendor == "postgresql":
        user = database["USER"] or ""
        password = f":{database['PASSWORD']}" if database.get("PASSWORD") else ""
        url = (
            f"postgres://{user}{password}@{database['HOST'] or '127.0.0.1'}:"
            f"{database['PORT'] or 5432}/{database['NAME']}"
        )
        return {"DATABASE_URL": url}
    return {"DATABASE_URL": "", "SQLITE_PATH": database["NAME"]}


def process_env(**overrides) -> dict:
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": SECRET_KEY,
        "WEB_CONCURRENCY": "1",
        "GUNICORN_THREADS": "4",
        "RATE_LIMIT_CREATE": "off",
        "RATE_LIMIT_LOOKUP": "off",
        "DB_CONN_MAX_AGE": "0",
        "PYTHONUNBUFFERED": "1",
        **test_database_env(),
        **overrides,
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


@contextlib.contextmanager
def running(command: list[str], *, env: dict, log: Path):
    """Run `command` from the project root, logging to `log`; stop it on the way out."""
    with log.open("w") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def collect_static(static_root: Path) -> Path:
    """Collect the static files, as production serves them (the pages name hashed files)."""
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=process_env(STATIC_ROOT=str(static_root)),
        check=True,
        timeout=120,
    )
    return static_root


@contextlib.contextmanager
def web_instance(tmp_path: Path, name: str, *, static_root: Path, **env):
    """Run gunicorn with the project's config on a free loopback port; yield its base URL."""
    port = free_port()
    env = process_env(BIND=f"127.0.0.1:{port}", STATIC_ROOT=str(static_root), **env)
    log = tmp_path / f"{name}.log"
    command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "planner.wsgi"]
    with running(command, env=env, log=log) as process:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        while True:
            assert process.poll() is None, log.read_text()
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=2)
                break
            except OSError:
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
        yield base


@contextlib.contextmanager
def worker(tmp_path: Path, name: str = "worker", **env):
    """Run `manage.py db_worker`, polling the queue every 0.1 s."""
    command = [
        sys.executable,
        "manage.py",
        "db_worker",
        "--interval",
        "0.1",
        "--no-reload",
        "--no-startup-delay",
    ]
    with running(command, env=process_env(**env), log=tmp_path / f"{name}.log") as process:
        yield process


def wait_for(condition, *, timeout: float = 60, message=""):
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        assert time.monotonic() < deadline, message() if callable(message) else message
        time.sleep(0.1)
    return result


def fetch(url: str, *, data: bytes | None = None, headers: dict | None = None, opener=None):
    """Return (status, headers, body) of a request, HTTP errors included."""
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with (opener or urllib.request.build_opener()).open(request, timeout=60) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()
