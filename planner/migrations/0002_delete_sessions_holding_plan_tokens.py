"""Delete session rows that hold a plaintext plan token (review 2026-12, B13).

Before this release an edit run kept its edit token in the session, and a saved run kept
"/e/<edit token>/?saved=1". Those rows would still open plans from a backup for up to
SESSION_COOKIE_AGE; their owners only lose an unsaved wizard run.
"""

from django.contrib.sessions.backends.db import SessionStore
from django.db import migrations

SAVED_KEY = "wizard_saved"
RUN_PREFIX = "wizard_plan_wizard_"


def holds_a_token(data: dict) -> bool:
    if SAVED_KEY in data:
        return any(isinstance(value, str) for value in (data[SAVED_KEY] or {}).values())
    for key, value in data.items():
        if key.startswith(RUN_PREFIX) and isinstance(value, dict):
            edit = (value.get("extra_data") or {}).get("edit")
            if isinstance(edit, dict) and "token" in edit:
                return True
    return False


def delete_sessions_holding_tokens(apps, schema_editor):
    Session = apps.get_model("sessions", "Session")
    store = SessionStore()
    doomed = [
        row.pk
        for row in Session.objects.using(schema_editor.connection.alias).iterator()
        if holds_a_token(store.decode(row.session_data))
    ]
    for start in range(0, len(doomed), 500):
        Session.objects.using(schema_editor.connection.alias).filter(
            pk__in=doomed[start : start + 500]
        ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("planner", "0001_initial"),
        ("sessions", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(delete_sessions_holding_tokens, migrations.RunPython.noop),
    ]
