import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from planner.settings import database, env_bool, env_int, env_list, env_url, secret_key

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", True), ("TRUE", True), ("yes", True), ("on", True)]
    + [("0", False), ("false", False), ("No", False), ("off", False)],
)
def test_env_bool_reads_common_words(monkeypatch, raw, expected):
    monkeypatch.setenv("CP_FLAG", raw)
    assert env_bool("CP_FLAG") is expected


def test_env_bool_uses_default_when_unset(monkeypatch):
    monkeypatch.delenv("CP_FLAG", raising=False)
    assert env_bool("CP_FLAG", True) is True


@pytest.mark.parametrize("raw", ["maybe", "2", "truee"])
def test_env_bool_rejects_nonsense(monkeypatch, raw):
    monkeypatch.setenv("CP_FLAG", raw)
    with pytest.raises(ImproperlyConfigured, match="CP_FLAG"):
        env_bool("CP_FLAG")


def test_env_int_rejects_nonsense(monkeypatch):
    monkeypatch.setenv("CP_NUMBER", "sixty")
    with pytest.raises(ImproperlyConfigured, match="CP_NUMBER"):
        env_int("CP_NUMBER", 60)


def test_env_int_rejects_negative_numbers(monkeypatch):
    monkeypatch.setenv("CP_NUMBER", "-1")
    with pytest.raises(ImproperlyConfigured, match="at least 0"):
        env_int("CP_NUMBER", 60)


def test_env_list_splits_on_commas(monkeypatch):
    monkeypatch.setenv("CP_HOSTS", " a.example , b.example,, ")
    assert env_list("CP_HOSTS") == ["a.example", "b.example"]


def test_env_url_rejects_a_bare_host(monkeypatch):
    monkeypatch.setenv("CP_URL", "planner.example.org")
    with pytest.raises(ImproperlyConfigured, match="http"):
        env_url("CP_URL")


def test_env_url_drops_trailing_slash(monkeypatch):
    monkeypatch.setenv("CP_URL", "https://planner.example.org/")
    assert env_url("CP_URL") == "https://planner.example.org"


def test_secret_key_is_required_without_debug():
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        secret_key(debug=False, value="")


def test_secret_key_has_a_dev_default_with_debug():
    assert "insecure" in secret_key(debug=True, value="")


def test_database_defaults_to_sqlite():
    config = database(url="", sqlite_path="/tmp/x.sqlite3", conn_max_age=60)
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    # Connections are kept: opening one per request cost more than a plan page's query.
    assert config["CONN_MAX_AGE"] == 60


def test_database_rejects_unknown_scheme():
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        database(url="nosuchdb://host/name", sqlite_path="", conn_max_age=60)


def run_django_setup(**env):
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "planner.settings", **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_server_refuses_to_start_without_secret_key():
    result = run_django_setup(DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_server_refuses_nonsense_debug_value():
    result = run_django_setup(DEBUG="perhaps", SECRET_KEY="x")
    assert result.returncode != 0
    assert "DEBUG='perhaps' is not a boolean" in result.stderr


def test_a_secret_key_under_50_characters_is_refused_without_debug():
    with pytest.raises(ImproperlyConfigured, match="shorter than 50"):
        secret_key(debug=False, value="short")
