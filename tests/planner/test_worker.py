"""A real `manage.py db_worker` process turns a saved plan into stored PDFs."""

import hashlib

import pytest
from django_tasks_db.models import DBTaskResult

from planner.models import StoredPdf
from tests.factories import make_plan
from tests.planner import processes

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_save_leads_to_stored_pdfs_made_by_the_worker(tmp_path, client):
    with processes.worker(tmp_path) as worker:
        saved = make_plan()  # commits, which enqueues the render
        stored = processes.wait_for(
            lambda: StoredPdf.objects.filter(revision__plan=saved.plan).count() == 2,
            timeout=120,
            message=lambda: (tmp_path / "worker.log").read_text(),
        )
        assert stored
        assert worker.poll() is None
    task = DBTaskResult.objects.get()
    assert (task.status, task.return_value) == ("SUCCESSFUL", ["a4", "letter"])
    a4 = StoredPdf.objects.get(revision__plan=saved.plan, page_size="a4")
    assert bytes(a4.content).startswith(b"%PDF")
    assert a4.sha256 == hashlib.sha256(bytes(a4.content)).hexdigest()
    # The click serves what the worker stored.
    response = client.get(f"/p/{saved.share_token}/pdf")
    assert response.content == bytes(a4.content)
    assert response["ETag"] == f'"{a4.sha256}"'
