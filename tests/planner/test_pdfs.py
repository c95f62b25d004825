"""Stored PDFs: rendered after the save by the task, served with an ETag, rendered on a miss."""

import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from planner import pdfs, services
from planner.exports import pdf
from planner.models import StoredPdf
from tests.factories import make_answers, make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake_render(monkeypatch):
    """Make each render cheap and distinct; return the list of (page size, HTML) rendered."""
    renders = []

    def write_pdf(html, page_size):
        renders.append((page_size, html))
        return f"%PDF fake {len(renders)}".encode()

    monkeypatch.setattr(pdf, "_write_pdf", write_pdf)
    return renders


def test_a_save_enqueues_the_render_once_it_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        saved = make_plan()
        assert not DBTaskResult.objects.exists()
    assert len(callbacks) == 1
    task = DBTaskResult.objects.get()
    assert task.task_path == "planner.pdfs.render_revision_pdfs"
    assert task.args_kwargs["args"] == [saved.plan.revisions.get().pk]


def test_an_edit_enqueues_its_revision(django_capture_on_commit_callbacks):
    saved = make_plan()
    with django_capture_on_commit_callbacks(execute=True):
        revision = services.update_plan(
            saved.plan, name="Edited", answers=make_answers(), expected_revision=1
        )
    assert DBTaskResult.objects.get().args_kwargs["args"] == [revision.pk]


def test_a_failed_enqueue_does_not_fail_the_save(django_capture_on_commit_callbacks, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("queue unreachable")

    monkeypatch.setattr(DatabaseBackend, "enqueue", broken)
    with django_capture_on_commit_callbacks(execute=True):
        saved = make_plan()
    assert saved.plan.pk


def test_the_task_stores_both_page_sizes_once(fake_render):
    revision = make_plan().plan.revisions.get()
    assert pdfs.render_revision_pdfs.call(revision.pk) == ["a4", "letter"]
    assert pdfs.render_revision_pdfs.call(revision.pk) == []
    stored = StoredPdf.objects.order_by("page_size")
    assert [(row.page_size, row.appendix) for row in stored] == [
        ("a4", pdfs.DEFAULT_APPENDIX),
        ("letter", pdfs.DEFAULT_APPENDIX),
    ]
    assert all(row.size == len(bytes(row.content)) for row in stored)
    assert len(fake_render) == 2


def test_the_task_skips_a_revision_already_superseded(fake_render):
    saved = make_plan()
    first = saved.plan.revisions.get()
    services.update_plan(saved.plan, name="Edited", answers=make_answers(), expected_revision=1)
    assert pdfs.render_revision_pdfs.call(first.pk) == []
    assert not fake_render


def test_a_click_serves_the_stored_pdf_without_rendering(client, fake_render):
    saved = make_plan()
    pdfs.render_revision_pdfs.call(saved.plan.revisions.get().pk)
    fake_render.clear()
    response = client.get(f"/p/{saved.share_token}/pdf")
    assert response.status_code == 200
    assert response.content == b"%PDF fake 1"
    assert response["Content-Length"] == str(len(response.content))
    assert response["ETag"].startswith('"') and len(response["ETag"]) == 66
    assert not fake_render


def test_if_none_match_answers_304(client, fake_render):
    saved = make_plan()
    etag = client.get(f"/p/{saved.share_token}/pdf")["ETag"]
    response = client.get(f"/p/{saved.share_token}/pdf", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag


def test_a_click_before_the_worker_renders_once_and_stores(client, fake_render):
    saved = make_plan()
    for _ in range(2):
        assert client.get(f"/e/{saved.edit_token}/pdf?size=letter").status_code == 200
    assert len(fake_render) == 1
    assert StoredPdf.objects.get().page_size == "letter"
    # The worker, running late, finds letter done and renders only A4.
    assert pdfs.render_revision_pdfs.call(saved.plan.revisions.get().pk) == ["a4"]


def test_the_stored_pdf_prints_no_share_link(client, fake_render):
    saved = make_plan()
    client.get(f"/p/{saved.share_token}/pdf")
    html = fake_render[0][1]
    assert saved.share_token not in html
    assert "/p/" not in html


def test_rotating_the_share_link_keeps_the_stored_pdf(client, fake_render):
    saved = make_plan()
    etag = client.get(f"/p/{saved.share_token}/pdf")["ETag"]
    share_token = services.rotate_share_token(saved.plan, edit_token=saved.edit_token)
    assert client.get(f"/p/{share_token}/pdf")["ETag"] == etag
    assert len(fake_render) == 1


def test_a_new_revision_gets_a_new_pdf(client, fake_render):
    saved = make_plan()
    before = client.get(f"/p/{saved.share_token}/pdf")["ETag"]
    services.update_plan(saved.plan, name="Edited", answers=make_answers(), expected_revision=1)
    response = client.get(f"/p/{saved.share_token}/pdf")
    assert response["ETag"] != before
    assert "Edited" in fake_render[-1][1]


def test_prune_keeps_only_the_current_revisions_pdfs(fake_render, monkeypatch):
    saved = make_plan()
    first = saved.plan.revisions.get()
    pdfs.render_revision_pdfs.call(first.pk)
    revision = services.update_plan(
        saved.plan, name="Edited", answers=make_answers(), expected_revision=1
    )
    pdfs.render_revision_pdfs.call(revision.pk)
    assert pdfs.prune() == 2
    assert set(StoredPdf.objects.values_list("revision_id", flat=True)) == {revision.pk}
    # A deploy that changes the templates or renderer makes the stored ones unused.
    monkeypatch.setattr(pdfs, "render_version", lambda: "another-version")
    assert pdfs.prune() == 2
    assert not StoredPdf.objects.exists()


def test_prune_pdfs_command_says_how_many(fake_render):
    saved = make_plan()
    pdfs.render_revision_pdfs.call(saved.plan.revisions.get().pk)
    services.update_plan(saved.plan, name="Edited", answers=make_answers(), expected_revision=1)
    out = StringIO()
    call_command("prune_pdfs", stdout=out)
    assert out.getvalue().strip() == "Deleted 2 stored PDFs."


@pytest.mark.django_db(transaction=True)
def test_concurrent_clicks_on_a_new_pdf_render_it_once(monkeypatch):
    renders = []

    def slow_write(html, page_size):
        renders.append(page_size)
        threading.Event().wait(0.2)
        return b"%PDF-fake"

    monkeypatch.setattr(pdf, "_write_pdf", slow_write)
    plan = make_plan().plan
    served = []

    def click():
        try:
            served.append(pdfs.pdf_for(plan, page_size="a4").sha256)
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(renders) == 1
    assert len(served) == 4 and len(set(served)) == 1


def test_the_appendix_variant_is_served_and_stored_apart(client, fake_render):
    saved = make_plan()
    plain = client.get(f"/p/{saved.share_token}/pdf")
    full = client.get(f"/p/{saved.share_token}/pdf?appendix=1")
    assert plain["ETag"] != full["ETag"]
    assert 'revision-1-appendix.pdf"' in full["Content-Disposition"]
    assert 'revision-1.pdf"' in plain["Content-Disposition"]
    assert sorted(StoredPdf.objects.values_list("appendix", flat=True)) == [False, True]
    assert "Appendix" in fake_render[1][1] and "Appendix" not in fake_render[0][1]
    assert client.get(f"/p/{saved.share_token}/pdf?appendix=0")["ETag"] == plain["ETag"]


def test_an_unknown_appendix_value_is_a_400(client):
    saved = make_plan()
    assert client.get(f"/p/{saved.share_token}/pdf?appendix=yes").status_code == 400


def test_the_worker_stores_the_variant_served_by_default(fake_render):
    revision = make_plan().plan.revisions.get()
    pdfs.render_revision_pdfs.call(revision.pk)
    assert set(StoredPdf.objects.values_list("appendix", flat=True)) == {pdfs.DEFAULT_APPENDIX}
    assert pdfs.DEFAULT_APPENDIX is False
