import pytest
from django.db import IntegrityError

from planner.models import PlanRevision
from tests.planner.factories import make_answers, make_plan

pytestmark = pytest.mark.django_db


def test_answers_obj_returns_the_saved_answers():
    answers = make_answers()
    saved = make_plan(answers=answers)
    assert saved.plan.answers_obj() == answers


def test_revision_answers_obj_returns_the_saved_answers():
    answers = make_answers()
    saved = make_plan(answers=answers)
    assert saved.plan.revisions.get().answers_obj() == answers


def test_revision_numbers_are_unique_per_plan():
    plan = make_plan().plan
    with pytest.raises(IntegrityError):
        PlanRevision.objects.create(
            plan=plan,
            number=1,
            name="x",
            answers={},
            recommendation={},
            rules_version=1,
            created_at=plan.created_at,
        )


def test_str_names_plan_and_revision():
    plan = make_plan(name="Contoso").plan
    assert str(plan) == "Contoso (revision 1)"
