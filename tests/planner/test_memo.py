"""The in-process caches of rendered plans: bounded, and never serving a stale plan."""

import datetime as dt
import io
import threading

import pytest
from pypdf import PdfReader

from planner import memo, services
from planner.engine import recommend
from tests.planner.factories import CONTOSO, answers_data, make_answers, make_plan, partner


def test_recent_keeps_the_last_entries_used():
    recent = memo.Recent(2)
    recent.put("a", 1)
    recent.put("b", 2)
    assert recent.get("a") == 1  # "a" is now the most recently used
    recent.put("c", 3)
    assert (recent.get("a"), recent.get("b"), recent.get("c")) == (1, None, 3)
    assert len(recent) == 2


def test_recent_makes_a_value_once_and_then_returns_it():
    recent = memo.Recent(4)
    calls = []
    assert recent.get_or_make("k", lambda: calls.append(1) or "v") == "v"
    assert recent.get_or_make("k", lambda: calls.append(1) or "other") == "v"
    assert calls == [1]


def test_recent_does_not_keep_a_failed_make():
    recent = memo.Recent(4)

    def fail():
        raise RuntimeError("busy")

    with pytest.raises(RuntimeError):
        recent.get_or_make("k", fail)
    assert recent.get("k") is None


def test_recent_is_safe_with_threads():
    recent = memo.Recent(8)

    def work(offset):
        for number in range(500):
            recent.put((offset, number % 20), number)
            recent.get((offset, (number * 7) % 20))

    threads = [threading.Thread(target=work, args=(offset,)) for offset in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(recent) == 8


# --- through the views: a cached plan is never a stale plan -----------------------------------


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _edit(saved, **overrides):
    answers = make_answers(**overrides)
    services.update_plan(
        saved.plan,
        name="Contoso, revised",
        answers=answers,
        expected_revision=saved.plan.revision,
    )
    return answers


@pytest.mark.django_db
def test_plan_json_shows_a_new_revision_at_once(client):
    saved = make_plan()
    url = f"/api/plans/{saved.share_token}"
    assert client.get(url).json()["revision"] == 1
    assert client.get(url).json()["revision"] == 1  # from the cache
    answers = _edit(saved, partners=[partner()])
    document = client.get(url).json()
    assert (document["revision"], document["name"]) == (2, "Contoso, revised")
    assert document["recommendation"] == recommend(answers).to_dict()


@pytest.mark.django_db
def test_plan_json_share_url_follows_the_host_asked(client, settings):
    settings.ALLOWED_HOSTS = ["planner.example.org", "other.example.org"]
    saved = make_plan()
    url = f"/api/plans/{saved.share_token}"
    first = client.get(url, HTTP_HOST="planner.example.org").json()["share_url"]
    second = client.get(url, HTTP_HOST="other.example.org").json()["share_url"]
    assert first.startswith("http://planner.example.org/p/")
    assert second.startswith("http://other.example.org/p/")


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/plans/{token}", "/p/{token}/", "/p/{token}/pdf"])
def test_cached_plan_is_gone_when_the_link_expires_or_is_replaced(client, path):
    saved = make_plan()
    url = path.format(token=saved.share_token)
    assert client.get(url).status_code == 200
    services.set_share_expiry(saved.plan, expires_on=dt.date(2020, 1, 1))
    assert client.get(url).status_code == 404
    services.set_share_expiry(saved.plan, expires_on=None)
    assert client.get(url).status_code == 200
    services.rotate_share_token(saved.plan, edit_token=saved.edit_token)
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_cached_pdf_shows_a_new_revision_at_once(client):
    saved = make_plan()
    url = f"/p/{saved.share_token}/pdf"
    assert "Revision 1" in pdf_text(client.get(url).content)
    _edit(saved)
    text = pdf_text(client.get(url).content)
    assert "Contoso, revised" in text
    assert "Revision 2" in text


def _evaluate(client, body):
    response = client.post("/api/evaluate", body, content_type="application/json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()


def test_evaluate_answers_from_the_cache_match_a_fresh_evaluation(client):
    first = _evaluate(client, {"answers": CONTOSO})
    again = _evaluate(client, {"answers": CONTOSO})
    named = _evaluate(client, {"name": "Named", "answers": CONTOSO})
    other = answers_data(partners=[{"name": "Fabrikam", "domains": ["fabrikam.com"]}])
    changed = _evaluate(client, {"answers": other})
    assert again == first
    assert "name" not in first
    assert named == {"name": "Named", **first}
    assert changed["recommendation"] != first["recommendation"]
    assert changed["recommendation"] == recommend(make_answers(partners=[partner()])).to_dict()
