"""Saving is all-or-nothing, and concurrent edits lose no update."""

import contextlib
import threading

import pytest
from django.db import DatabaseError, connection, connections

from planner import services
from planner.models import Plan, PlanRevision
from tests.planner.factories import make_answers, make_plan
from tests.wizard.walk import CLOUD_ONLY, WizardWalk

pytestmark = pytest.mark.django_db

THREADS, EDITS = 8, 100


@contextlib.contextmanager
def failing_revision_insert():
    """Make the database refuse the PlanRevision INSERT: after the Plan row, mid-transaction."""
    table = PlanRevision._meta.db_table

    def refuse(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith("INSERT") and table in sql:
            raise DatabaseError("disk full (simulated)")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(refuse):
        yield


def test_a_failure_inside_create_leaves_no_plan():
    with failing_revision_insert(), pytest.raises(DatabaseError):
        make_plan()
    assert (Plan.objects.count(), PlanRevision.objects.count()) == (0, 0)


def test_a_failure_inside_an_edit_leaves_the_plan_as_it_was():
    saved = make_plan(name="Before")
    with failing_revision_insert(), pytest.raises(DatabaseError):
        services.update_plan(saved.plan, name="After", answers=make_answers(), expected_revision=1)
    plan = Plan.objects.get(pk=saved.plan.pk)
    assert (plan.name, plan.revision, len(plan.history)) == ("Before", 1, 1)
    assert plan.revisions.count() == 1


def test_a_failed_wizard_save_keeps_the_answers_and_says_so(client):
    walk = WizardWalk(client)
    walk.answer(CLOUD_ONLY)
    with failing_revision_insert():
        response = walk.post("check", {"name": "Contoso mail flow"})
    assert response.status_code == 200
    assert "could not be saved" in response.content.decode()
    assert Plan.objects.count() == 0
    # The same run saves once the database recovers: nothing was lost.
    response = walk.post("check", {"name": "Contoso mail flow"})
    assert response.status_code == 302
    assert Plan.objects.count() == 1


@pytest.mark.skipif(
    connection.vendor == "sqlite", reason="needs concurrent writers with row locks (PostgreSQL)"
)
@pytest.mark.django_db(transaction=True)
def test_8_threads_making_100_edits_each_lose_no_update():
    plan_id = make_plan().plan.pk
    answers = make_answers()
    accepted, stale, start = [], [], threading.Barrier(THREADS)

    def editor(number):
        try:
            start.wait()
            for edit in range(EDITS):
                # Each edit starts from the revision the editor last saw, like a form would.
                plan = Plan.objects.get(pk=plan_id)
                try:
                    services.update_plan(
                        plan,
                        name=f"Editor {number} edit {edit}",
                        answers=answers,
                        expected_revision=plan.revision,
                    )
                    accepted.append(number)
                except services.StaleRevision:
                    stale.append(number)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=editor, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    plan = Plan.objects.get(pk=plan_id)
    figures = (
        f"{THREADS} threads x {EDITS} edits: {len(accepted)} accepted, {len(stale)} stale, "
        f"final revision {plan.revision}"
    )
    print(figures)
    assert len(accepted) + len(stale) == THREADS * EDITS, figures
    assert plan.revision == 1 + len(accepted), figures
    numbers = list(plan.revisions.values_list("number", flat=True))
    assert numbers == list(range(1, plan.revision + 1)), figures
    assert [entry["number"] for entry in plan.history] == numbers, figures
