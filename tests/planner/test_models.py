import pytest
from django.db import IntegrityError

from planner.models import Plan, PlanRevision
from tests.factories import make_plan

pytestmark = pytest.mark.django_db


def test_plans_are_found_by_their_share_and_edit_tokens_only():
    saved = make_plan()
    assert Plan.objects.by_share_token(saved.share_token).get() == saved.plan
    assert Plan.objects.by_edit_token(saved.edit_token).get() == saved.plan
    assert not Plan.objects.by_share_token(saved.edit_token).exists()
    assert not Plan.objects.by_edit_token("not a token").exists()


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
