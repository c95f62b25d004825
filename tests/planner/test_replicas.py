"""Two web instances and one worker on one PostgreSQL: nothing depends on which one answers.

Real processes (gunicorn with the project's config, `manage.py db_worker`) on free loopback
ports, against the test database. Skipped on SQLite, which serves one machine only.
"""

import http.cookiejar
import io
import json
import re
import threading
import time
import urllib.parse
import urllib.request

import pytest
from django.db import connection
from pypdf import PdfReader

from planner.models import Plan, StoredPdf
from tests.factories import answers_data
from tests.planner import processes

pytestmark = pytest.mark.django_db(transaction=True)

LOOKUPS_PER_HOUR = 40
# Answers the edit wizard accepts as they are (tests/wizard/test_wizard_edit.py).
CURRENT = {
    "onprem_server": "exchange-2016",
    "onprem_up_to_date": True,
    "hybrid_completed": True,
    "hybrid_configuration": "minimal",
    "mx_points_to": "on-premises",
}


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        if connection.vendor != "postgresql":
            pytest.skip("several instances share a database only on PostgreSQL")
        tmp_path = tmp_path_factory.mktemp("replicas")
        static_root = processes.collect_static(tmp_path / "static")
        env = {"RATE_LIMIT_LOOKUP": f"{LOOKUPS_PER_HOUR}/hour", "static_root": static_root}
        with (
            processes.web_instance(tmp_path, "web-a", **env) as a,
            processes.web_instance(tmp_path, "web-b", **env) as b,
            processes.worker(tmp_path),
        ):
            yield a, b


class Browser:
    """One visitor with cookies on one instance."""

    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, path, **headers):
        return processes.fetch(self.base + path, headers=headers, opener=self.opener)

    def post(self, path, data: dict):
        body = urllib.parse.urlencode(data).encode()
        return processes.fetch(self.base + path, data=body, opener=self.opener)

    def open_editor(self, edit_token) -> tuple[str, str]:
        """Open the edit wizard; return its check page path and the form's CSRF token."""
        request = urllib.request.Request(f"{self.base}/wizard/edit/{edit_token}/")
        with self.opener.open(request, timeout=60) as response:
            path = urllib.parse.urlsplit(response.url).path
            html = response.read().decode()
        return path, re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]

    def save_edit(self, path, csrf, *, name):
        run = path.split("/")[2]
        return self.post(
            path,
            {
                "csrfmiddlewaretoken": csrf,
                f"plan_wizard_{run}-current_step": "check",
                "check-name": name,
            },
        )


def create_plan(base, name="Contoso mail flow"):
    body = json.dumps({"name": name, "answers": answers_data(**CURRENT)}).encode()
    status, _, content = processes.fetch(
        f"{base}/api/plans", data=body, headers={"Content-Type": "application/json"}
    )
    assert status == 201, content[:500]
    document = json.loads(content)
    share = document["links"]["json"].rsplit("/", 1)[1]
    edit = document["edit_url"].rstrip("/").rsplit("/", 1)[1]
    return share, edit


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_a_plan_saved_on_one_is_read_edited_and_downloaded_on_the_other(cluster):
    a, b = cluster
    share, edit = create_plan(a)
    status, _, content = processes.fetch(f"{b}/api/plans/{share}")
    assert (status, json.loads(content)["name"]) == (200, "Contoso mail flow")

    editor = Browser(b)
    path, csrf = editor.open_editor(edit)
    status, _, _ = editor.save_edit(path, csrf, name="Edited on B")
    assert status == 200  # the redirect to the edit page, followed
    assert Plan.objects.get().revision == 2

    status, headers, pdf = processes.fetch(f"{b}/p/{share}/pdf")
    assert (status, headers["Content-Type"]) == (200, "application/pdf")
    assert "Edited on B" in pdf_text(pdf)
    # The worker stores revision 2's PDFs; both instances then serve those same bytes.
    processes.wait_for(
        lambda: StoredPdf.objects.filter(revision__number=2).count() == 2, timeout=120
    )
    from_a = processes.fetch(f"{a}/p/{share}/pdf")
    from_b = processes.fetch(f"{b}/e/{edit}/pdf")
    assert from_a[1]["ETag"] == from_b[1]["ETag"] == headers["ETag"]
    assert from_a[2] == from_b[2] == pdf
    status, _, _ = processes.fetch(f"{a}/p/{share}/pdf", headers={"If-None-Match": headers["ETag"]})
    assert status == 304


def test_rate_limit_counts_are_shared(cluster):
    a, b = cluster
    share, _ = create_plan(a)
    if time.time() % 3600 > 3600 - 30:  # not across the start of a new hour's window
        time.sleep(3600 - time.time() % 3600 + 1)
    statuses = [
        processes.fetch(f"{(a, b)[number % 2]}/api/plans/{share}")[0]
        for number in range(LOOKUPS_PER_HOUR + 2)
    ]
    assert statuses[:LOOKUPS_PER_HOUR] == [200] * LOOKUPS_PER_HOUR
    assert statuses[LOOKUPS_PER_HOUR:] == [429, 429]


def test_an_edit_race_across_the_two_loses_nothing(cluster):
    a, b = cluster
    share, edit = create_plan(a)
    editors = {name: Browser(base) for name, base in (("A", a), ("B", b))}
    forms = {name: editor.open_editor(edit) for name, editor in editors.items()}
    outcomes = {}
    start = threading.Barrier(2)

    def save(name):
        start.wait()
        path, csrf = forms[name]
        outcomes[name] = editors[name].save_edit(path, csrf, name=f"Saved on {name}")

    threads = [threading.Thread(target=save, args=(name,)) for name in editors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    told = [
        name
        for name, (_, _, body) in outcomes.items()
        if b"This plan was changed by someone else" in body
    ]
    assert len(told) == 1, {name: outcome[0] for name, outcome in outcomes.items()}
    (loser,) = told
    (winner,) = set(editors) - {loser}
    plan = Plan.objects.get()
    assert (plan.revision, plan.name) == (2, f"Saved on {winner}")
    # The loser's answers were kept; saving again replaces the winner's, as a new revision.
    body = outcomes[loser][2].decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)[1]
    assert editors[loser].save_edit(forms[loser][0], csrf, name=f"Saved on {loser}")[0] == 200
    plan = Plan.objects.get()
    assert plan.revision == 3
    assert [revision.name for revision in plan.revisions.order_by("number")] == [
        "Contoso mail flow",
        f"Saved on {winner}",
        f"Saved on {loser}",
    ]
