"""Data migrations: what they change in existing rows."""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import connection

pytestmark = pytest.mark.django_db

TOKEN = "A" * 43


def session_with(data) -> str:
    store = SessionStore()
    store.update(data)
    store.create()
    return store.session_key


def test_sessions_holding_plan_tokens_are_deleted_and_others_kept():
    migration = importlib.import_module(
        "planner.migrations.0002_delete_sessions_holding_plan_tokens"
    )
    saved = session_with({"wizard_saved": {"run1": f"/e/{TOKEN}/?saved=1"}})
    editing = session_with(
        {"wizard_plan_wizard_run2": {"extra_data": {"edit": {"plan_id": 1, "token": TOKEN}}}}
    )
    plain = session_with({"wizard_plan_wizard_run3": {"extra_data": {}}, "wizard_runs": ["run3"]})
    migration.delete_sessions_holding_tokens(apps, SimpleNamespace(connection=connection))
    assert set(Session.objects.values_list("pk", flat=True)) == {plain}
    assert saved != editing
