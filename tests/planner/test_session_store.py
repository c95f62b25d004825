"""planner.session_store: Django's database sessions, looked up with fixed SQL."""

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from planner.session_store import SessionStore

pytestmark = pytest.mark.django_db


def _saved_session(**data):
    store = SessionStore()
    store.update(data)
    store.save()
    return store.session_key


def test_a_saved_session_loads_in_one_query(django_assert_num_queries):
    key = _saved_session(run={"step": "server"}, count=3)
    store = SessionStore(key)
    with django_assert_num_queries(1):
        assert store["run"] == {"step": "server"}
    assert store["count"] == 3
    assert store.session_key == key


def test_an_expired_session_loads_empty_and_gets_a_new_key_when_saved():
    key = _saved_session(secret="old")
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    store = SessionStore(key)
    assert "secret" not in store
    store["fresh"] = True
    store.save()
    assert store.session_key != key


@pytest.mark.parametrize("key", ["nosuchsessionkeyatall12345678901", None])
def test_an_unknown_session_loads_empty(key):
    _saved_session(secret="other")
    store = SessionStore(key)
    assert dict(store.items()) == {}
    assert store.session_key is None


def test_a_session_that_expires_later_still_loads():
    key = _saved_session(answer=42)
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() + dt.timedelta(minutes=1)
    )
    assert SessionStore(key)["answer"] == 42
