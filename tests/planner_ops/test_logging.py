"""Plan tokens never reach a log: Django's loggers and gunicorn's access and error logs."""

import datetime as dt
import logging
import os
import runpy
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer
from gunicorn.config import Config

from planner import links
from planner_ops.gunicorn_logging import MaskingLogger
from planner_ops.logging import mask_tokens
from tests.factories import TOKEN, make_plan, token_urls

ROOT = Path(__file__).resolve().parents[2]
GUNICORN_CONF = runpy.run_path(str(ROOT / "gunicorn.conf.py"))


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("GET /p/abc_DEF-123/ HTTP/1.1", "GET /p/<redacted>/ HTTP/1.1"),
        ("/p/abc/pdf", "/p/<redacted>/pdf"),
        ("Not Found: /e/abc/revisions/2/", "Not Found: /e/<redacted>/revisions/2/"),
        ("/api/plans/abc?x=1", "/api/plans/<redacted>?x=1"),
        (
            "https://planner.example.org/wizard/edit/abc/",
            "https://planner.example.org/wizard/edit/<redacted>/",
        ),
        ('"GET /e/abc HTTP/1.1" 404', '"GET /e/<redacted> HTTP/1.1" 404'),
        ("POST /api/plans HTTP/1.1", "POST /api/plans HTTP/1.1"),
        ("GET /wizard/r1/check/ HTTP/1.1", "GET /wizard/r1/check/ HTTP/1.1"),
    ],
)
def test_mask_tokens(text, masked):
    assert mask_tokens(text) == masked


class Collect(logging.Handler):
    def __init__(self):
        super().__init__()
        self.setFormatter(logging.Formatter("%(name)s %(message)s"))
        self.lines = []

    def emit(self, record):
        self.lines.append(self.format(record))


@pytest.fixture
def django_logs():
    """Collect what Django's request and dev-server loggers emit, after their filters."""
    handler = Collect()
    # "django" gets django.request's records by propagation; django.server does not propagate.
    loggers = [logging.getLogger(name) for name in ("django", "django.server")]
    for logger in loggers:
        logger.addHandler(handler)
    yield handler.lines
    for logger in loggers:
        logger.removeHandler(handler)


@pytest.mark.django_db
def test_django_request_log_masks_the_tokens_of_known_plans(client, django_logs):
    saved = make_plan()
    client.get(f"/p/{saved.share_token}/revisions/99/")
    client.get(f"/e/{saved.edit_token}/revisions/99/")
    client.get(f"/api/plans/{saved.edit_token}")
    log = "\n".join(django_logs)
    assert "django.request Not Found: /p/<redacted>/revisions/99/" in log
    assert (saved.share_token in log, saved.edit_token in log) == (False, False)


def test_django_request_log_masks_tokens_in_tracebacks(django_logs):
    token = links.new_token()
    try:
        raise ValueError(f"could not open /e/{token}/")
    except ValueError:
        logging.getLogger("django.request").exception("Internal Server Error: /e/%s/", token)
    log = "\n".join(django_logs)
    assert token not in log
    assert "ValueError: could not open /e/<redacted>/" in log


@pytest.mark.django_db(transaction=True)
def test_development_server_log_masks_tokens(django_logs):
    token = links.new_token()
    server = WSGIServer(("127.0.0.1", 0), WSGIRequestHandler)
    # Not get_wsgi_application(): it reruns django.setup(), which would reconfigure logging
    # and drop the collecting handler.
    server.set_app(WSGIHandler())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        for path in (f"/p/{token}/nothing-here", f"/wizard/edit/{token}/nothing-here"):
            with pytest.raises(urllib.error.HTTPError):
                urllib.request.urlopen(f"http://127.0.0.1:{server.server_port}{path}", timeout=10)
    finally:
        server.shutdown()
        server.server_close()
    server_lines = [line for line in django_logs if line.startswith("django.server")]
    assert '"GET /p/<redacted>/nothing-here HTTP/1.1" 404' in server_lines[0]
    assert token not in "\n".join(django_logs)


class FakeResponse:
    status = "404 Not Found"
    sent = 1234
    headers = [("Content-Type", "text/html")]


class FakeRequest:
    def __init__(self, token):
        self.headers = [("HOST", "planner.example.org"), ("REFERER", f"https://x/e/{token}/")]


def test_gunicorn_access_log_masks_tokens(tmp_path):
    token = links.new_token()
    access_log = tmp_path / "access.log"
    cfg = Config()
    cfg.set("accesslog", str(access_log))
    cfg.set("access_log_format", GUNICORN_CONF["access_log_format"])
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/p/{token}/pdf?download=1",
        "PATH_INFO": f"/p/{token}/pdf",
        "QUERY_STRING": "download=1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "192.0.2.1",
        "HTTP_REFERER": f"https://planner.example.org/e/{token}/",
        "HTTP_USER_AGENT": "curl/8",
    }
    MaskingLogger(cfg).access(
        FakeResponse(), FakeRequest(token), environ, dt.timedelta(milliseconds=12)
    )
    line = access_log.read_text()
    assert '"GET /p/<redacted>/pdf?download=1 HTTP/1.1" 404' in line
    assert token not in line


def test_gunicorn_error_log_masks_tokens(tmp_path):
    token = links.new_token()
    error_log = tmp_path / "error.log"
    cfg = Config()
    cfg.set("errorlog", str(error_log))
    MaskingLogger(cfg).exception("Error handling request /e/%s/", token)
    text = error_log.read_text()
    assert "Error handling request /e/<redacted>/" in text
    assert token not in text


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_gunicorn_with_the_project_config_logs_no_token(tmp_path):
    token = links.new_token()
    port = free_port()
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "gunicorn-log-test-" + "k" * 40,
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
        "SQLITE_PATH": str(tmp_path / "db.sqlite3"),
        "RATE_LIMIT_LOOKUP": "off",  # the throwaway database has no tables
        "STATIC_ROOT": str(tmp_path / "static"),
    }
    env.pop("DATABASE_URL", None)
    # As in production: the 404 page's stylesheet needs the collected, hashed static files.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
    )
    output = tmp_path / "gunicorn.out"
    with output.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "planner.wsgi"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
                    break
                except OSError:
                    assert time.monotonic() < deadline, output.read_text()
                    time.sleep(0.2)
            for path in (f"/p/{token}/nothing-here", f"/e/{token}/nothing-here"):
                request = urllib.request.Request(
                    f"http://127.0.0.1:{port}{path}",
                    headers={"Referer": f"http://127.0.0.1:{port}/e/{token}/"},
                )
                with pytest.raises(urllib.error.HTTPError):
                    urllib.request.urlopen(request, timeout=10)
        finally:
            server.terminate()
            server.wait(timeout=30)
    log = output.read_text()
    assert '"GET /p/<redacted>/nothing-here HTTP/1.1" 404' in log
    assert "Not Found: /e/<redacted>/nothing-here" in log
    assert token not in log


@pytest.mark.parametrize("url", token_urls())
def test_every_token_bearing_url_is_masked(url):
    # The pattern is written out (logging starts before URLs load); every plan URL must match it.
    assert TOKEN not in mask_tokens(f'"GET {url} HTTP/1.1" 200')
